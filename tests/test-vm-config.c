/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pp-advice.h"
#include "pp-format.h"
#include "pp-test-host.h"
#include "pp-test-tree.h"
#include "pp-vm.h"

/* A reserved GPU's functions as ULTMOS, libvirt and QEMU want them. */

typedef PpTestHost Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  pp_test_host_init (fixture);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  pp_test_host_clear (fixture);
}

static char *
render (Fixture    *fixture,
        const char *address,
        PpVmFormat  format,
        char      **note)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpVmDevices) vm = pp_vm_devices_new (fixture->host, fixture->advice, address, &error);

  g_assert_no_error (error);
  if (note != NULL)
    *note = pp_format_vm_note (vm, format);
  return pp_format_vm (vm, format);
}

static void
add_bound_gpu (Fixture *fixture)
{
  pp_test_tree_add_device (fixture->root, "0001:00:03.0", "1002:67df", 0x030000, "vfio-pci", 21);
  pp_test_tree_add_device (fixture->root, "0001:00:03.1", "1002:aaf0", 0x040300, "vfio-pci", 21);
  pp_test_tree_add_device (fixture->root, "0000:00:02.0", "8086:1912", 0x030000, "i915", 0);
}

static void
test_formats (Fixture *fixture, gconstpointer data)
{
  g_autofree char *ultmos = NULL;
  g_autofree char *libvirt = NULL;
  g_autofree char *qemu = NULL;
  g_autofree char *note = NULL;

  add_bound_gpu (fixture);
  pp_test_host_read (fixture);

  ultmos = render (fixture, "0001:00:03.0", PP_VM_FORMAT_ULTMOS, &note);
  g_assert_cmpstr (ultmos, ==,
                   "-device vfio-pci,host=\"0001:00:03.0\",multifunction=on,bus=pcie.0\n"
                   "-device vfio-pci,host=\"0001:00:03.1\",bus=pcie.0\n");
  g_assert_nonnull (strstr (note, "#VFIO_DEV_BEGIN"));
  g_assert_nonnull (strstr (note, "as if domain and slot were 0"));
  g_assert_null (strstr (note, "ROM"));

  libvirt = render (fixture, "0001:00:03.0", PP_VM_FORMAT_LIBVIRT, NULL);
  g_assert_cmpstr (libvirt, ==,
                   "<hostdev mode='subsystem' type='pci' managed='yes'>\n"
                   "  <source>\n"
                   "    <address domain='0x0001' bus='0x00' slot='0x03' function='0x0'/>\n"
                   "  </source>\n"
                   "</hostdev>\n"
                   "<hostdev mode='subsystem' type='pci' managed='yes'>\n"
                   "  <source>\n"
                   "    <address domain='0x0001' bus='0x00' slot='0x03' function='0x1'/>\n"
                   "  </source>\n"
                   "</hostdev>\n");

  qemu = render (fixture, "0001:00:03.0", PP_VM_FORMAT_QEMU, NULL);
  g_assert_cmpstr (qemu, ==,
                   "-device vfio-pci,host=0001:00:03.0\n"
                   "-device vfio-pci,host=0001:00:03.1\n");
}

static void
test_saved_rom (Fixture *fixture, gconstpointer data)
{
  g_autofree char *ultmos = NULL;
  g_autofree char *libvirt = NULL;
  g_autofree char *qemu = NULL;
  g_autofree char *note = NULL;

  /* the short address form ULTMOS's assistant writes, on domain 0 */
  pp_test_tree_add_device (fixture->root, "0000:0a:00.0", "10de:1401", 0x030000, "vfio-pci", 3);
  pp_test_tree_add_device (fixture->root, "0000:0a:00.1", "10de:0fba", 0x040300, "vfio-pci", 3);
  pp_test_tree_write (fixture->root, "var/lib/passthrough-prep/roms/10de-1401-0000-0000.rom", "U\xaa");
  pp_test_host_read (fixture);

  ultmos = render (fixture, "0000:0a:00.0", PP_VM_FORMAT_ULTMOS, &note);
  g_assert_cmpstr (ultmos, ==,
                   "-device vfio-pci,host=\"0a:00.0\",romfile=\"/var/lib/passthrough-prep/roms/10de-1401-0000-0000.rom\","
                   "multifunction=on,bus=pcie.0\n"
                   "-device vfio-pci,host=\"0a:00.1\",bus=pcie.0\n");
  g_assert_nonnull (strstr (note, "saved ROM"));
  g_assert_null (strstr (note, "as if domain and slot were 0"));
  libvirt = render (fixture, "0000:0a:00.0", PP_VM_FORMAT_LIBVIRT, NULL);
  g_assert_nonnull (strstr (libvirt, "function='0x0'/>\n  </source>\n"
                                     "  <rom file='/var/lib/passthrough-prep/roms/10de-1401-0000-0000.rom'/>\n"));
  qemu = render (fixture, "0000:0a:00.0", PP_VM_FORMAT_QEMU, NULL);
  g_assert_cmpstr (qemu, ==,
                   "-device vfio-pci,host=0000:0a:00.0,romfile=/var/lib/passthrough-prep/roms/10de-1401-0000-0000.rom\n"
                   "-device vfio-pci,host=0000:0a:00.1\n");
}

static void
test_not_ready (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpVmDevices) vm = NULL;

  pp_test_tree_add_device (fixture->root, "0000:01:00.0", "10de:1401", 0x030000, "vfio-pci", 1);
  pp_test_tree_add_device (fixture->root, "0000:01:00.1", "10de:0fba", 0x040300, "snd_hda_intel", 1);
  pp_test_tree_add_device (fixture->root, "0000:02:00.0", "1002:67df", 0x030000, NULL, 2);
  pp_test_tree_add_device (fixture->root, "0000:00:14.0", "8086:a12f", 0x0c0330, "xhci_hcd", 3);
  pp_test_host_read (fixture);

  vm = pp_vm_devices_new (fixture->host, fixture->advice, "0000:01:00.0", &error);
  g_assert_null (vm);
  g_assert_error (error, PP_VM_ERROR, PP_VM_ERROR_NOT_BOUND);
  g_assert_nonnull (strstr (error->message, "0000:01:00.1 is bound to snd_hda_intel"));
  g_assert_null (strstr (error->message, "0000:01:00.0 is bound"));
  g_assert_nonnull (strstr (error->message, "Reserve the GPU"));
  g_assert_nonnull (strstr (error->message, "restart"));
  g_clear_error (&error);

  vm = pp_vm_devices_new (fixture->host, fixture->advice, "0000:02:00.0", &error);
  g_assert_error (error, PP_VM_ERROR, PP_VM_ERROR_NOT_BOUND);
  g_assert_nonnull (strstr (error->message, "0000:02:00.0 has no driver"));
  g_clear_error (&error);

  vm = pp_vm_devices_new (fixture->host, fixture->advice, "0000:00:14.0", &error);
  g_assert_error (error, PP_VM_ERROR, PP_VM_ERROR_NOT_A_GPU);
  g_clear_error (&error);
  vm = pp_vm_devices_new (fixture->host, fixture->advice, "0000:09:00.0", &error);
  g_assert_error (error, PP_VM_ERROR, PP_VM_ERROR_NOT_A_GPU);
  g_assert_nonnull (strstr (error->message, "no PCI device 0000:09:00.0"));
}

static void
test_format_names (void)
{
  PpVmFormat format;

  for (PpVmFormat f = 0; f < PP_VM_FORMAT_COUNT; f++)
    {
      g_assert_true (pp_vm_format_from_string (pp_vm_format_to_string (f), &format));
      g_assert_cmpint (format, ==, f);
    }
  g_assert_false (pp_vm_format_from_string ("virsh", &format));
  g_assert_false (pp_vm_format_from_string ("", &format));
  g_assert_false (pp_vm_format_from_string (NULL, &format));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define VM_TEST(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  VM_TEST ("/core/vm-config/formats", test_formats);
  VM_TEST ("/core/vm-config/saved-rom", test_saved_rom);
  VM_TEST ("/core/vm-config/not-ready", test_not_ready);
#undef VM_TEST
  g_test_add_func ("/core/vm-config/format-names", test_format_names);
  return g_test_run ();
}
