/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pp-boot.h"

G_BEGIN_DECLS

/* Reconciles the VFIO configuration made before (setup->earlier_vfio) with
 * reserving the functions whose IDs are @reserved, giving vfio-pci @ids in
 * every boot: a modprobe.d "options vfio-pci ids=" that names others loses
 * its ids= (in place, shown in the review, reverted byte for byte), an
 * /etc/modules "vfio_pci ids=" gets @ids; what cannot be changed safely (an
 * "install vfio-pci" line, pci-stub holding a reserved function, ids in a
 * package's file, in dracut's kernel_cmdline or over continued lines)
 * refuses the plan, naming the file and line. @ids "" (bound by address:
 * vfio-pci.ids would take an identical card too) takes every such ids= out.
 * @ids NULL (boot-entry mode: nothing is bound in every boot) leaves what
 * binds other devices as it is and refuses only the "install" lines. */
gboolean pp_plan_reconcile_earlier_vfio (PpChanges         *changes,
                                         const PpHost      *host,
                                         const PpBootSetup *setup,
                                         const char        *reserved,
                                         const char        *ids,
                                         GError           **error);

/* Where the earlier setup binds any of @ids (to vfio-pci or pci-stub) in
 * every boot, so that no boot entry leaves the GPU to the host: why, naming
 * the file and line (translated); else NULL */
char    *pp_plan_earlier_binds_every_boot (const PpBootSetup *setup,
                                           const char        *ids);

G_END_DECLS
