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
 * Edits the assignment that takes effect; a vfio module listed after a GPU
 * driver moves ahead of it. vfio_virqfd is removed, not made optional: it was
 * merged into vfio in Linux 6.2, and before that vfio_pci pulls it in as a
 * dependency anyway. A plain kvmgt (which fails the build where there is no
 * GVT-g) becomes kvmgt? unless @intent->kvmgt; kvmgt? is written unquoted
 * as mkinitcpio's documentation does. Warns when HOOKS lacks modconf, also
 * for systemd-based images: only modconf copies /etc/modprobe.d. */
PpEditResult *pp_mkinitcpio_edit_modules (GPtrArray                *files,
                                          const PpMkinitcpioIntent *intent,
                                          GError                  **error);

/* The hooks HOOKS lists as mkinitcpio reads @files (as for MODULES), in
 * order, each normalized as pp_module_name_normalize() does ("-" as "_");
 * NULL for an element that is an expansion */
GPtrArray    *pp_mkinitcpio_read_hooks   (GPtrArray   *files,
                                          GError     **error);
/* Puts @hook into HOOKS right after "base" (first where there is no base),
 * unless it is there already */
PpEditResult *pp_mkinitcpio_edit_hooks   (GPtrArray   *files,
                                          const char  *hook,
                                          GError     **error);

/* "vfio-pci.ko.zst?" -> "vfio_pci" (and *optional = TRUE) */
char         *pp_module_name_normalize   (const char *entry,
                                          gboolean   *optional);
gboolean      pp_module_is_gpu_driver    (const char *normalized);

G_END_DECLS
