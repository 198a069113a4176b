/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-widget-util"

#include "config.h"

#include "pp-widget-util.h"

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

