/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-format.h"

static const char * const vm_format_names[PP_VM_FORMAT_COUNT] = {
  [PP_VM_FORMAT_ULTMOS] = "ultmos",
  [PP_VM_FORMAT_LIBVIRT] = "libvirt",
  [PP_VM_FORMAT_QEMU] = "qemu",
};

gboolean
pp_vm_format_from_string (const char *text,
                          PpVmFormat *format)
{
  for (guint i = 0; i < G_N_ELEMENTS (vm_format_names); i++)
    if (g_strcmp0 (text, vm_format_names[i]) == 0)
      {
        *format = i;
        return TRUE;
      }
  return FALSE;
}

const char *
pp_vm_format_to_string (PpVmFormat format)
{
  g_return_val_if_fail (format < G_N_ELEMENTS (vm_format_names), NULL);
  return vm_format_names[format];
}

/* ULTMOS's own assistant writes lspci's short form ("03:00.0"), which QEMU
 * reads as domain 0; another domain has to be spelt out. */
static char *
pp_vm_ultmos_host (const PpPciDevice *function)
{
  if (function->domain == 0)
    return g_strdup_printf ("%02x:%02x.%x", function->bus, function->slot, function->function);
  return g_strdup (function->address);
}

/* In the shape of ULTMOS's VFIO-PCI passthrough assistant: the address in
 * double quotes (bash drops them inside its args array), romfile= on the
 * GPU, multifunction=on on the first function, every line on pcie.0. */
static void
pp_format_vm_ultmos (GString           *out,
                     const PpVmDevices *vm)
{
  for (guint i = 0; i < vm->functions->len; i++)
    {
      const PpPciDevice *function = g_ptr_array_index (vm->functions, i);
      g_autofree char *host = pp_vm_ultmos_host (function);

      g_string_append_printf (out, "-device vfio-pci,host=\"%s\"", host);
      if (function == vm->gpu && vm->rom_path != NULL)
        g_string_append_printf (out, ",romfile=\"%s\"", vm->rom_path);
      if (i == 0)
        g_string_append (out, ",multifunction=on");
      g_string_append (out, ",bus=pcie.0\n");
    }
}

static void
pp_format_vm_libvirt (GString           *out,
                      const PpVmDevices *vm)
{
  for (guint i = 0; i < vm->functions->len; i++)
    {
      const PpPciDevice *function = g_ptr_array_index (vm->functions, i);

      g_string_append (out, "<hostdev mode='subsystem' type='pci' managed='yes'>\n");
      g_string_append (out, "  <source>\n");
      g_string_append_printf (out, "    <address domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n",
                              function->domain, function->bus, function->slot, function->function);
      g_string_append (out, "  </source>\n");
      if (function == vm->gpu && vm->rom_path != NULL)
        {
          g_autofree char *file = g_markup_escape_text (vm->rom_path, -1);

          g_string_append_printf (out, "  <rom file='%s'/>\n", file);
        }
      g_string_append (out, "</hostdev>\n");
    }
}

static void
pp_format_vm_qemu (GString           *out,
                   const PpVmDevices *vm)
{
  for (guint i = 0; i < vm->functions->len; i++)
    {
      const PpPciDevice *function = g_ptr_array_index (vm->functions, i);

      g_string_append_printf (out, "-device vfio-pci,host=%s", function->address);
      if (function == vm->gpu && vm->rom_path != NULL)
        g_string_append_printf (out, ",romfile=%s", vm->rom_path);
      g_string_append_c (out, '\n');
    }
}

char *
pp_format_vm (const PpVmDevices *vm,
              PpVmFormat         format)
{
  GString *out = g_string_new (NULL);

  switch (format)
    {
    case PP_VM_FORMAT_ULTMOS:
      pp_format_vm_ultmos (out, vm);
      break;
    case PP_VM_FORMAT_LIBVIRT:
      pp_format_vm_libvirt (out, vm);
      break;
    case PP_VM_FORMAT_QEMU:
    default:
      pp_format_vm_qemu (out, vm);
      break;
    }
  return g_string_free (out, FALSE);
}

/* ULTMOS's libvirt converter (xml-convert.py) takes the bus from these lines
 * and writes domain and slot as 0 */
static gboolean
pp_vm_ultmos_converts_wrongly (const PpVmDevices *vm)
{
  for (guint i = 0; i < vm->functions->len; i++)
    {
      const PpPciDevice *function = g_ptr_array_index (vm->functions, i);

      if (function->domain != 0 || function->slot != 0)
        return TRUE;
    }
  return FALSE;
}

char *
pp_format_vm_note (const PpVmDevices *vm,
                   PpVmFormat         format)
{
  GString *note = g_string_new (NULL);

  switch (format)
    {
    case PP_VM_FORMAT_ULTMOS:
      g_string_append (note, _("Put these lines in ULTMOS’s boot script (boot.sh, or the one AutoPilot made) "
                               "between the lines #VFIO_DEV_BEGIN and #VFIO_DEV_END."));
      break;
    case PP_VM_FORMAT_LIBVIRT:
      g_string_append (note, _("Add these inside the VM’s <devices> element with virsh edit, or in "
                               "virt-manager’s XML view."));
      break;
    case PP_VM_FORMAT_QEMU:
    default:
      g_string_append (note, _("Add these arguments to the qemu-system-x86_64 command line of a q35 machine."));
      break;
    }
  if (vm->rom_path != NULL)
    g_string_append_printf (note, " %s", _("The card’s saved ROM is named in them."));
  if (format == PP_VM_FORMAT_ULTMOS && pp_vm_ultmos_converts_wrongly (vm))
    g_string_append_printf (note, " %s",
                            _("ULTMOS’s libvirt converter reads them as if domain and slot were 0, which they are "
                              "not here: for a libvirt VM, use the libvirt text instead."));
  return g_string_free (note, FALSE);
}
