/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "pp-pci.h"
#include "pp-readiness.h"

G_BEGIN_DECLS

/* A small label such as "Drives the display"; @style_class is "success",
 * "warning", "error", "accent" or NULL for a neutral one */
GtkWidget  *pp_badge_new                (const char *text,
                                         const char *style_class);
const char *pp_device_class_icon_name   (const PpPciDevice *device);
/* An IOMMU group's mark: its number on its colour, the same in the tree and
 * on the group's card (never the colour alone); "–" for no group */
GtkWidget  *pp_group_badge_new          (int         group);
void        pp_group_badge_update       (GtkWidget  *badge,
                                         int         group);
const char *pp_check_status_icon_name   (PpCheckStatus status);
const char *pp_check_status_style_class (PpCheckStatus status);

G_END_DECLS
