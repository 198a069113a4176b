/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-edit.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean kvmgt;   /* also load kvmgt (as "kvmgt?"): an Intel iGPU with GVT-g is there */
} PpMkinitcpioIntent;

/* Makes MODULES (as mkinitcpio reads it: @files are /etc/mkinitcpio.conf
 * then /etc/mkinitcpio.conf.d/\*.conf in `sort -V` order, text NULL when
 * absent) hold vfio_pci vfio vfio_iommu_type1 ahead of any GPU driver.
 * Edits the assignment that takes effect; drops the obsolete vfio_virqfd;
 * a plain kvmgt becomes kvmgt? unless @intent->kvmgt. Warns when HOOKS lacks
 * modconf. */
PpEditResult *pp_mkinitcpio_edit_modules (GPtrArray                *files,
                                          const PpMkinitcpioIntent *intent,
                                          GError                  **error);

/* "vfio-pci.ko.zst?" -> "vfio_pci" (and *optional = TRUE) */
char         *pp_module_name_normalize   (const char *entry,
                                          gboolean   *optional);
gboolean      pp_module_is_gpu_driver    (const char *normalized);

G_END_DECLS
