/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-gpu-card"

#include "config.h"

#include <glib/gi18n.h>

#include "pp-gpu-card.h"
#include "pp-vm.h"
#include "pp-widget-util.h"

struct _PpGpuCard
{
  GtkBox     parent_instance;

  char      *address;
  GArray    *groups;

  GtkLabel  *name_label;
  GtkLabel  *vendor_label;
  GtkBox    *badges_box;
  GtkGrid   *facts_grid;
  GtkImage  *verdict_icon;
  GtkLabel  *verdict_label;
  GtkLabel  *reserve_label;
  GtkLabel  *blockers_label;
  GtkExpander *remedies_expander;
  GtkLabel  *why_label;
  GtkLabel  *remedies_label;
  GtkImage  *macos_icon;
  GtkLabel  *macos_label;
  GtkImage  *reset_icon;
  GtkLabel  *reset_label;
  GtkLabel  *reset_advice_label;
  GtkButton *use_vm_button;
  GtkButton *reserve_button;
};

G_DEFINE_FINAL_TYPE (PpGpuCard, pp_gpu_card, GTK_TYPE_BOX)

static void
pp_gpu_card_add_fact (PpGpuCard  *self,
                      int         row,
                      const char *name,
                      const char *value)
{
  GtkWidget *name_label = gtk_label_new (name);
  GtkWidget *value_label = gtk_label_new (value);

  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_label_set_yalign (GTK_LABEL (name_label), 0);
  gtk_widget_add_css_class (name_label, "dim-label");
  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_max_width_chars (GTK_LABEL (value_label), 24);
  gtk_widget_set_hexpand (value_label, TRUE);
  gtk_grid_attach (self->facts_grid, name_label, 0, row, 1, 1);
  gtk_grid_attach (self->facts_grid, value_label, 1, row, 1, 1);
}

static void
pp_gpu_card_add_badge (PpGpuCard  *self,
                       const char *text,
                       const char *style_class)
{
  GtkWidget *badge = pp_badge_new (text, style_class);

  gtk_box_append (self->badges_box, badge);
}

static char *
pp_describe_functions (GPtrArray *devices)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < devices->len; i++)
    {
      const PpPciDevice *device = g_ptr_array_index (devices, i);
      g_autofree char *ids = pp_pci_device_dup_ids (device);

      if (text->len > 0)
        g_string_append (text, "\n");
      g_string_append_printf (text, "%s  %s [%s]", device->address, device->device_name, ids);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
pp_describe_groups (GArray *groups)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (groups->len == 0)
    return g_strdup (_("None (the IOMMU is off)"));
  for (guint i = 0; i < groups->len; i++)
    g_string_append_printf (text, "%s%d", i > 0 ? ", " : "", g_array_index (groups, int, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
pp_gpu_card_set_macos (PpGpuCard         *self,
                       const PpGpuAdvice *advice)
{
  g_autofree char *macos_text = g_strdup_printf (_("macOS: %s"), advice->macos_note);
  const char *icon_name;

  switch (advice->macos)
    {
    case PP_MACOS_SUPPORTED:
      icon_name = "emblem-ok-symbolic";
      break;
    case PP_MACOS_UNSUPPORTED:
      icon_name = "action-unavailable-symbolic";
      break;
    case PP_MACOS_UNKNOWN:
    default:
      icon_name = "dialog-question-symbolic";
      break;
    }
  gtk_image_set_from_icon_name (self->macos_icon, icon_name);
  gtk_widget_add_css_class (GTK_WIDGET (self->macos_icon), "dim-label");
  gtk_label_set_label (self->macos_label, macos_text);
}

/* How the card is reset when a VM stops, and the trap where there is one */
static void
pp_gpu_card_set_reset (PpGpuCard         *self,
                       const PpGpuAdvice *advice)
{
  const PpResetAdvice *reset = advice->reset;

  gtk_label_set_label (self->reset_label, reset->summary);
  if (reset->advice == NULL)
    return;
  gtk_label_set_label (self->reset_advice_label, reset->advice);
  gtk_widget_set_visible (GTK_WIDGET (self->reset_advice_label), TRUE);
  gtk_image_set_from_icon_name (self->reset_icon, "dialog-warning-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->reset_icon), "dim-label");
  gtk_widget_add_css_class (GTK_WIDGET (self->reset_icon), "warning");
}

/* win.reserve and win.use-in-vm with the GPU's address: the window decides what they mean */
static void
pp_gpu_card_set_reserve_button (PpGpuCard         *self,
                                const PpGpuAdvice *advice)
{
  g_autofree char *description = g_strdup_printf (_("Reserve %s for a virtual machine"),
                                                  advice->gpu->device_name);
  gboolean bound = pp_vm_gpu_is_bound (advice);

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->reserve_button), "s", advice->gpu->address);
  if (bound)
    {
      g_autofree char *vm_description = g_strdup_printf (_("Give %s to a virtual machine: its VM configuration"),
                                                         advice->gpu->device_name);

      gtk_actionable_set_action_target (GTK_ACTIONABLE (self->use_vm_button), "s", advice->gpu->address);
      gtk_widget_add_css_class (GTK_WIDGET (self->use_vm_button), "suggested-action");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->use_vm_button),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, vm_description,
                                      -1);
      gtk_widget_set_visible (GTK_WIDGET (self->use_vm_button), TRUE);
    }
  else if (advice->viable && !advice->gpu->boot_vga)
    gtk_widget_add_css_class (GTK_WIDGET (self->reserve_button), "suggested-action");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->reserve_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

/* Why its group is shared and what can be done, in the order to try */
static void
pp_gpu_card_set_remedies (PpGpuCard         *self,
                          const PpGpuAdvice *advice)
{
  g_autoptr(GString) remedies = g_string_new (_("What can be done:"));

  if (advice->why_not_viable != NULL)
    {
      g_autofree char *why = g_strdup_printf (_("Why: %s"), advice->why_not_viable);

      gtk_label_set_label (self->why_label, why);
      gtk_widget_set_visible (GTK_WIDGET (self->remedies_expander), TRUE);
    }
  if (advice->remedies->len == 0)
    return;
  for (guint i = 0; i < advice->remedies->len; i++)
    g_string_append_printf (remedies, "\n• %s", ((PpRemedy *) g_ptr_array_index (advice->remedies, i))->text);
  gtk_label_set_label (self->remedies_label, remedies->str);
  gtk_widget_set_visible (GTK_WIDGET (self->remedies_label), TRUE);
}

static void
pp_gpu_card_set_advice (PpGpuCard         *self,
                        const PpGpuAdvice *advice)
{
  const PpPciDevice *gpu = advice->gpu;
  g_autofree char *ids = pp_pci_device_dup_ids (gpu);
  g_autofree char *groups = NULL;
  g_autofree char *functions = NULL;
  g_autofree char *reserve_text = NULL;
  int row = 0;

  self->address = g_strdup (gpu->address);
  g_array_append_vals (self->groups, advice->groups->data, advice->groups->len);

  gtk_label_set_label (self->name_label, gpu->device_name);
  gtk_label_set_label (self->vendor_label, gpu->vendor_name);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, gpu->device_name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, advice->verdict,
                                  -1);

  if (gpu->boot_vga)
    pp_gpu_card_add_badge (self, _("Drives the display"), "warning");
  if (advice->viable)
    pp_gpu_card_add_badge (self, _("Viable"), "success");
  else
    pp_gpu_card_add_badge (self, _("Not viable"), "error");

  groups = pp_describe_groups (advice->groups);
  pp_gpu_card_add_fact (self, row++, _("Type"), advice->integrated ? _("Integrated") : _("Discrete"));
  pp_gpu_card_add_fact (self, row++, _("Address"), gpu->address);
  pp_gpu_card_add_fact (self, row++, _("IDs"), ids);
  pp_gpu_card_add_fact (self, row++, _("Driver"), gpu->driver != NULL ? gpu->driver : _("None"));
  pp_gpu_card_add_fact (self, row++,
                        advice->groups->len == 1 ? _("IOMMU group") : _("IOMMU groups"),
                        groups);

  gtk_label_set_label (self->verdict_label, advice->verdict);
  gtk_image_set_from_icon_name (self->verdict_icon,
                                advice->viable ? "emblem-ok-symbolic" : "dialog-error-symbolic");
  gtk_widget_add_css_class (GTK_WIDGET (self->verdict_icon), advice->viable ? "success" : "error");

  functions = pp_describe_functions (advice->reserve);
  reserve_text = g_strdup_printf (ngettext ("Reserving it binds this function to vfio-pci:\n%s",
                                            "Reserving it binds these functions to vfio-pci:\n%s",
                                            advice->reserve->len),
                                  functions);
  gtk_label_set_label (self->reserve_label, reserve_text);

  if (advice->blockers->len > 0)
    {
      g_autofree char *blockers = pp_describe_functions (advice->blockers);
      g_autofree char *blockers_text = g_strdup_printf (_("In the way:\n%s"), blockers);

      gtk_label_set_label (self->blockers_label, blockers_text);
      gtk_widget_add_css_class (GTK_WIDGET (self->blockers_label), "error");
      gtk_widget_set_visible (GTK_WIDGET (self->blockers_label), TRUE);
    }

  pp_gpu_card_set_remedies (self, advice);
  pp_gpu_card_set_macos (self, advice);
  pp_gpu_card_set_reset (self, advice);
  pp_gpu_card_set_reserve_button (self, advice);
}

GtkWidget *
pp_gpu_card_new (const PpGpuAdvice *advice)
{
  PpGpuCard *self = g_object_new (PP_TYPE_GPU_CARD, NULL);

  pp_gpu_card_set_advice (self, advice);
  return GTK_WIDGET (self);
}

const char *
pp_gpu_card_get_address (PpGpuCard *self)
{
  g_return_val_if_fail (PP_IS_GPU_CARD (self), NULL);

  return self->address;
}

gboolean
pp_gpu_card_uses_group (PpGpuCard *self,
                        int        group_id)
{
  g_return_val_if_fail (PP_IS_GPU_CARD (self), FALSE);

  for (guint i = 0; i < self->groups->len; i++)
    if (g_array_index (self->groups, int, i) == group_id)
      return TRUE;
  return FALSE;
}

static void
pp_gpu_card_finalize (GObject *object)
{
  PpGpuCard *self = PP_GPU_CARD (object);

  g_clear_pointer (&self->address, g_free);
  g_clear_pointer (&self->groups, g_array_unref);

  G_OBJECT_CLASS (pp_gpu_card_parent_class)->finalize (object);
}

static void
pp_gpu_card_class_init (PpGpuCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = pp_gpu_card_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/org/ultmos/PassthroughPrep/pp-gpu-card.ui");
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, name_label);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, vendor_label);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, badges_box);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, facts_grid);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, verdict_icon);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, verdict_label);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, reserve_label);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, blockers_label);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, remedies_expander);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, why_label);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, remedies_label);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, macos_icon);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, macos_label);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, reset_icon);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, reset_label);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, reset_advice_label);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, use_vm_button);
  gtk_widget_class_bind_template_child (widget_class, PpGpuCard, reserve_button);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
pp_gpu_card_init (PpGpuCard *self)
{
  self->groups = g_array_new (FALSE, FALSE, sizeof (int));
  gtk_widget_init_template (GTK_WIDGET (self));
}
