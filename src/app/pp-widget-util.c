/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-widget-util"

#include "config.h"

#include <glib/gi18n.h>

#include "pp-widget-util.h"

/* as many as style.css has group-color-N classes */
#define GROUP_COLORS 8

GtkWidget *
pp_badge_new (const char *text,
              const char *style_class)
{
  GtkWidget *badge = gtk_label_new (text);

  gtk_widget_add_css_class (badge, "badge");
  gtk_widget_add_css_class (badge, "caption");
  if (style_class != NULL)
    gtk_widget_add_css_class (badge, style_class);
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  return badge;
}

void
pp_group_badge_update (GtkWidget *badge,
                       int        group)
{
  g_autofree char *number = NULL;
  g_autofree char *color = NULL;
  g_autofree char *tooltip = NULL;

  for (int i = 0; i < GROUP_COLORS; i++)
    {
      g_autofree char *old = g_strdup_printf ("group-color-%d", i);

      gtk_widget_remove_css_class (badge, old);
    }
  gtk_widget_remove_css_class (badge, "group-none");
  if (group == PP_NO_IOMMU_GROUP)
    {
      gtk_label_set_label (GTK_LABEL (badge), "–");
      gtk_widget_add_css_class (badge, "group-none");
      gtk_widget_set_tooltip_text (badge, _("In no IOMMU group"));
      return;
    }
  number = g_strdup_printf ("%d", group);
  color = g_strdup_printf ("group-color-%d", group % GROUP_COLORS);
  tooltip = g_strdup_printf (_("IOMMU group %d"), group);
  gtk_label_set_label (GTK_LABEL (badge), number);
  gtk_widget_add_css_class (badge, color);
  gtk_widget_set_tooltip_text (badge, tooltip);
}

GtkWidget *
pp_group_badge_new (int group)
{
  GtkWidget *badge = gtk_label_new (NULL);

  gtk_widget_add_css_class (badge, "group-badge");
  gtk_widget_add_css_class (badge, "numeric");
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  pp_group_badge_update (badge, group);
  return badge;
}

const char *
pp_device_class_icon_name (const PpPciDevice *device)
{
  switch (device->class_id >> 8)
    {
    case 0x01: return "drive-harddisk-symbolic";
    case 0x02: return "network-wired-symbolic";
    case 0x03: return "video-display-symbolic";
    case 0x04: return "audio-card-symbolic";
    case 0x06: return "network-workgroup-symbolic";
    case 0x09: return "input-keyboard-symbolic";
    case 0x0c:
      if (device->class_id == 0x0c03)
        return "media-removable-symbolic";
      return "applications-engineering-symbolic";
    case 0x0d: return "network-wireless-symbolic";
    default:   return "applications-system-symbolic";
    }
}

const char *
pp_check_status_icon_name (PpCheckStatus status)
{
  switch (status)
    {
    case PP_CHECK_OK:      return "emblem-ok-symbolic";
    case PP_CHECK_INFO:    return "dialog-information-symbolic";
    case PP_CHECK_WARNING: return "dialog-warning-symbolic";
    case PP_CHECK_ERROR:
    default:               return "dialog-error-symbolic";
    }
}

const char *
pp_check_status_style_class (PpCheckStatus status)
{
  switch (status)
    {
    case PP_CHECK_OK:      return "success";
    case PP_CHECK_INFO:    return "accent";
    case PP_CHECK_WARNING: return "warning";
    case PP_CHECK_ERROR:
    default:               return "error";
    }
}

