/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pp-boot.h"

G_BEGIN_DECLS

/* Reconciles the VFIO configuration made before (setup->earlier_vfio) with
 * reserving the functions @ids: a modprobe.d "options vfio-pci ids=" that
 * names others loses its ids= (in place, shown in the review, reverted byte
 * for byte), an /etc/modules "vfio_pci ids=" gets @ids; what cannot be
 * changed safely (an "install vfio-pci" line, pci-stub holding a reserved
 * function, ids in a package's file, in dracut's kernel_cmdline or over
 * continued lines) refuses the plan, naming the file and line. */
gboolean pp_plan_reconcile_earlier_vfio (PpChanges         *changes,
                                         const PpHost      *host,
                                         const PpBootSetup *setup,
                                         const char        *ids,
                                         GError           **error);

G_END_DECLS
