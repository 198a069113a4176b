/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pp-helper-protocol.h"
#include "pp-host-files.h"
#include "pp-vm.h"

G_DEFINE_QUARK (pp-vm-error-quark, pp_vm_error)

#define PP_VFIO_DRIVER "vfio-pci"

gboolean
pp_vm_gpu_is_bound (const PpGpuAdvice *gpu)
{
  for (guint i = 0; i < gpu->reserve->len; i++)
    {
      const PpPciDevice *function = g_ptr_array_index (gpu->reserve, i);

      if (g_strcmp0 (function->driver, PP_VFIO_DRIVER) != 0)
        return FALSE;
    }
  return gpu->reserve->len > 0;
}

char *
pp_vm_rom_path (const PpPciDevice *gpu)
{
  return g_strdup_printf ("%s/%04x-%04x-%04x-%04x.rom", PP_HELPER_ROM_DIR, gpu->vendor_id, gpu->device_id,
                          gpu->subsys_vendor_id, gpu->subsys_device_id);
}

static void
pp_vm_set_not_bound (GError            **error,
                     const PpGpuAdvice  *gpu)
{
  g_autoptr(GString) where = g_string_new (NULL);

  for (guint i = 0; i < gpu->reserve->len; i++)
    {
      const PpPciDevice *function = g_ptr_array_index (gpu->reserve, i);

      if (g_strcmp0 (function->driver, PP_VFIO_DRIVER) == 0)
        continue;
      if (where->len > 0)
        g_string_append (where, "; ");
      if (function->driver != NULL)
        g_string_append_printf (where, _("%s is bound to %s"), function->address, function->driver);
      else
        g_string_append_printf (where, _("%s has no driver"), function->address);
    }
  g_set_error (error, PP_VM_ERROR, PP_VM_ERROR_NOT_BOUND,
               _("%s is not on vfio-pci yet (%s). Reserve the GPU (passthrough-prep --plan %s shows what that "
                 "changes) and restart the computer: then every function of it is on vfio-pci and ready for a "
                 "VM. Where it is reserved and the computer restarted, passthrough-prep --check says why not."),
               gpu->gpu->address, where->str, gpu->gpu->address);
}

PpVmDevices *
pp_vm_devices_new (const PpHost    *host,
                   const PpAdvice  *advice,
                   const char      *address,
                   GError         **error)
{
  const PpGpuAdvice *gpu = pp_advice_find_gpu (advice, address);
  g_autoptr(PpVmDevices) vm = NULL;
  g_autofree char *rom_path = NULL;
  gboolean rom_saved = FALSE;

  if (gpu == NULL)
    {
      if (pp_host_find_device (host, address) == NULL)
        g_set_error (error, PP_VM_ERROR, PP_VM_ERROR_NOT_A_GPU, _("There is no PCI device %s."), address);
      else
        g_set_error (error, PP_VM_ERROR, PP_VM_ERROR_NOT_A_GPU, _("%s is not a GPU."), address);
      return NULL;
    }
  if (!pp_vm_gpu_is_bound (gpu))
    {
      pp_vm_set_not_bound (error, gpu);
      return NULL;
    }

  rom_path = pp_vm_rom_path (gpu->gpu);
  if (!pp_host_probe (host, rom_path, &rom_saved, error))
    return NULL;

  vm = g_new0 (PpVmDevices, 1);
  vm->gpu = gpu->gpu;
  vm->functions = g_ptr_array_copy (gpu->reserve, NULL, NULL);
  vm->rom_path = rom_saved ? g_steal_pointer (&rom_path) : NULL;
  return g_steal_pointer (&vm);
}

void
pp_vm_devices_free (PpVmDevices *vm)
{
  if (vm == NULL)
    return;
  g_clear_pointer (&vm->functions, g_ptr_array_unref);
  g_free (vm->rom_path);
  g_free (vm);
}
