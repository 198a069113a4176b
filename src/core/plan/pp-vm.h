/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-advice.h"
#include "pp-host.h"

G_BEGIN_DECLS

/* What goes into a VM once a GPU is reserved and the computer restarted:
 * every function of its slot, all on vfio-pci, and the ROM saved for it. */

#define PP_VM_ERROR (pp_vm_error_quark ())

typedef enum
{
  PP_VM_ERROR_NOT_A_GPU,   /* no GPU at the address */
  PP_VM_ERROR_NOT_BOUND,   /* a function of it is not on vfio-pci (yet) */
} PpVmError;

typedef struct
{
  const PpPciDevice *gpu;        /* borrowed from the host */
  GPtrArray         *functions;  /* PpPciDevice*, borrowed: every function of the slot, by address */
  char              *rom_path;   /* host path of the GPU's saved ROM, or NULL when none is saved */
} PpVmDevices;

GQuark        pp_vm_error_quark     (void);

/* Fails, saying why and what to do, when @address is no GPU or when any of
 * its functions is not bound to vfio-pci */
PpVmDevices  *pp_vm_devices_new     (const PpHost      *host,
                                     const PpAdvice    *advice,
                                     const char        *address,
                                     GError           **error);
void          pp_vm_devices_free    (PpVmDevices       *vm);

/* Every function of the GPU is bound to vfio-pci: it is ready for a VM */
gboolean      pp_vm_gpu_is_bound    (const PpGpuAdvice *gpu);

/* Where save-rom keeps this GPU's ROM (a host path):
 * PP_HELPER_ROM_DIR/VENDOR-DEVICE-SUBVENDOR-SUBDEVICE.rom */
char         *pp_vm_rom_path        (const PpPciDevice *gpu);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpVmDevices, pp_vm_devices_free)

G_END_DECLS
