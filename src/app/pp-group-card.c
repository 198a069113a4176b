/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-group-card"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "pp-group-card.h"
#include "pp-widget-util.h"

struct _PpGroupCard
{
  GtkBox     parent_instance;

  int        group_id;
  gboolean   has_gpu;
  GPtrArray *haystacks;   /* char*: one casefolded line of text per device */

  GtkBox    *header_box;
  GtkLabel  *title_label;
  GtkLabel  *selected_badge;
  GtkBox    *devices_box;
};

G_DEFINE_FINAL_TYPE (PpGroupCard, pp_group_card, GTK_TYPE_BOX)

/* Wrapping labels cost a Pango layout per width GTK tries, for every device of
 * every group, before the first frame; one ellipsized line with the whole
 * text in its tooltip costs one. */
static void
pp_label_set_single_line (GtkLabel *label)
{
  gtk_label_set_ellipsize (label, PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (label, 44);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), gtk_label_get_label (label));
}

static GtkWidget *
pp_device_row_new (const PpPciDevice *device)
{
  g_autofree char *ids = pp_pci_device_dup_ids (device);
  g_autofree char *class_hex = pp_pci_device_dup_class_hex (device);
  g_autofree char *vendor_line = g_strdup_printf ("%s · %s", device->vendor_name, device->class_name);
  g_autofree char *detail_line = g_strdup_printf ("%s · [%s] %s · %s", device->address, class_hex, ids,
                                                  device->driver != NULL ? device->driver : _("no driver"));
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *icon = gtk_image_new_from_icon_name (pp_device_class_icon_name (device));
  GtkWidget *name_label = gtk_label_new (device->device_name);
  GtkWidget *vendor_label = gtk_label_new (vendor_line);
  GtkWidget *detail_label = gtk_label_new (detail_line);

  gtk_widget_set_valign (icon, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (icon, device->class_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, device->class_name, -1);
  gtk_widget_add_css_class (icon, "device-icon");

  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  pp_label_set_single_line (GTK_LABEL (name_label));
  gtk_label_set_xalign (GTK_LABEL (vendor_label), 0);
  pp_label_set_single_line (GTK_LABEL (vendor_label));
  gtk_widget_add_css_class (vendor_label, "caption");
  gtk_widget_add_css_class (vendor_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (detail_label), 0);
  /* address, IDs and driver are what people copy from here: never cut them */
  gtk_label_set_wrap (GTK_LABEL (detail_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (detail_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (detail_label), 44);
  gtk_widget_add_css_class (detail_label, "caption");
  gtk_widget_add_css_class (detail_label, "numeric");
  gtk_widget_add_css_class (detail_label, "dim-label");

  gtk_box_append (GTK_BOX (text), name_label);
  gtk_box_append (GTK_BOX (text), vendor_label);
  gtk_box_append (GTK_BOX (text), detail_label);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (row), icon);
  gtk_box_append (GTK_BOX (row), text);

  if (device->boot_vga)
    gtk_box_append (GTK_BOX (row), pp_badge_new (_("Display"), "warning"));

  gtk_accessible_update_property (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, device->device_name, -1);
  return row;
}

static char *
pp_device_dup_haystack (const PpPciDevice *device)
{
  g_autofree char *ids = pp_pci_device_dup_ids (device);
  g_autofree char *text = g_strdup_printf ("%s\n%s\n%s\n%s\n%s\n%s", device->device_name,
                                           device->vendor_name, device->class_name, ids,
                                           device->address,
                                           device->driver != NULL ? device->driver : "");

  return g_utf8_casefold (text, -1);
}

GtkWidget *
pp_group_card_new (int        group_id,
                   GPtrArray *devices)
{
  PpGroupCard *self = g_object_new (PP_TYPE_GROUP_CARD, NULL);
  g_autofree char *title = NULL;
  g_autofree char *count = NULL;

  self->group_id = group_id;
  if (group_id == PP_NO_IOMMU_GROUP)
    title = g_strdup (_("Not in a Group"));
  else
    title = g_strdup_printf (_("Group %d"), group_id);
  gtk_label_set_label (self->title_label, title);
  /* the mark the PCIe tree gives this group's devices */
  if (group_id != PP_NO_IOMMU_GROUP)
    {
      GtkWidget *mark = pp_group_badge_new (group_id);

      gtk_accessible_update_property (GTK_ACCESSIBLE (mark), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      gtk_box_prepend (self->header_box, mark);
    }

  for (guint i = 0; i < devices->len; i++)
    {
      const PpPciDevice *device = g_ptr_array_index (devices, i);

      if (i > 0)
        gtk_box_append (self->devices_box, gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
      gtk_box_append (self->devices_box, pp_device_row_new (device));
      g_ptr_array_add (self->haystacks, pp_device_dup_haystack (device));
      self->has_gpu |= pp_pci_device_is_gpu (device);
    }

  if (self->has_gpu)
    gtk_box_insert_child_after (self->header_box, pp_badge_new (_("GPU"), NULL),
                                GTK_WIDGET (self->title_label));

  count = g_strdup_printf (ngettext ("%u device", "%u devices", devices->len), devices->len);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, count,
                                  -1);
  return GTK_WIDGET (self);
}

int
pp_group_card_get_group_id (PpGroupCard *self)
{
  g_return_val_if_fail (PP_IS_GROUP_CARD (self), PP_NO_IOMMU_GROUP);

  return self->group_id;
}

gboolean
pp_group_card_has_gpu (PpGroupCard *self)
{
  g_return_val_if_fail (PP_IS_GROUP_CARD (self), FALSE);

  return self->has_gpu;
}

gboolean
pp_group_card_matches (PpGroupCard *self,
                       const char  *needle)
{
  g_return_val_if_fail (PP_IS_GROUP_CARD (self), FALSE);

  if (needle == NULL || *needle == '\0')
    return TRUE;
  for (guint i = 0; i < self->haystacks->len; i++)
    if (strstr (g_ptr_array_index (self->haystacks, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

void
pp_group_card_set_highlighted (PpGroupCard *self,
                               gboolean     highlighted)
{
  g_return_if_fail (PP_IS_GROUP_CARD (self));

  if (highlighted)
    gtk_widget_add_css_class (GTK_WIDGET (self), "highlighted");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "highlighted");
  gtk_widget_set_visible (GTK_WIDGET (self->selected_badge), highlighted);
}

static void
pp_group_card_finalize (GObject *object)
{
  PpGroupCard *self = PP_GROUP_CARD (object);

  g_clear_pointer (&self->haystacks, g_ptr_array_unref);

  G_OBJECT_CLASS (pp_group_card_parent_class)->finalize (object);
}

static void
pp_group_card_class_init (PpGroupCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = pp_group_card_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/ultmos/PassthroughPrep/pp-group-card.ui");
  gtk_widget_class_bind_template_child (widget_class, PpGroupCard, header_box);
  gtk_widget_class_bind_template_child (widget_class, PpGroupCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, PpGroupCard, selected_badge);
  gtk_widget_class_bind_template_child (widget_class, PpGroupCard, devices_box);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pp_group_card_init (PpGroupCard *self)
{
  self->group_id = PP_NO_IOMMU_GROUP;
  self->haystacks = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}
