/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "pp-advice.h"
#include "pp-boot.h"
#include "pp-host.h"
#include "pp-test-tree.h"

typedef struct
{
  char *root;
} Tree;

static void
tree_setup (Tree          *tree,
            gconstpointer  data)
{
  tree->root = pp_test_tree_new ();
}

static void
tree_teardown (Tree          *tree,
               gconstpointer  data)
{
  pp_test_tree_free (tree->root);
}

static gboolean
warnings_mention (const PpHost *host,
                  const char   *needle)
{
  for (guint i = 0; i < host->warnings->len; i++)
    if (strstr (g_ptr_array_index (host->warnings, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

static void
add_good_pair (const char *root)
{
  pp_test_tree_add_device (root, "0000:00:01.0", "8086:1901", 0x060400, "pcieport", 1);
  pp_test_tree_add_device (root, "0000:01:00.0", "10de:1b80", 0x030000, "nvidia", 1);
  pp_test_tree_add_device (root, "0000:01:00.1", "10de:10f0", 0x040300, "snd_hda_intel", 1);
}

static void
test_missing_root (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = pp_host_read ("/nonexistent/pp-root", &error);

  g_assert_null (host);
  g_assert_error (error, PP_HOST_ERROR, PP_HOST_ERROR_NO_ROOT);
  g_assert_nonnull (strstr (error->message, "/nonexistent/pp-root"));
}

static void
test_no_sysfs (Tree *tree, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;

  pp_test_tree_write (tree->root, "proc/cmdline", "quiet\n");
  host = pp_host_read (tree->root, &error);
  g_assert_null (host);
  g_assert_error (error, PP_HOST_ERROR, PP_HOST_ERROR_NO_SYSFS);
  g_assert_nonnull (strstr (error->message, "sys/bus/pci/devices"));
}

static void
test_good_tree (Tree *tree, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;
  PpPciDevice *gpu;

  add_good_pair (tree->root);
  host = pp_host_read (tree->root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (host->devices->len, ==, 3);
  g_assert_cmpuint (host->groups->len, ==, 1);
  g_assert_cmpuint (host->ungrouped->len, ==, 0);
  for (guint i = 0; i < host->warnings->len; i++)
    g_test_message ("warning: %s", (char *) g_ptr_array_index (host->warnings, i));
  /* a tree with no proc/cpuinfo: that, and nothing else, is worth a warning */
  g_assert_cmpuint (host->warnings->len, ==, 1);
  g_assert_true (warnings_mention (host, "cpuinfo"));
  gpu = pp_host_find_device (host, "0000:01:00.0");
  g_assert_nonnull (gpu);
  g_assert_cmphex (gpu->vendor_id, ==, 0x10de);
  g_assert_cmphex (gpu->device_id, ==, 0x1b80);
  g_assert_cmphex (gpu->class_id, ==, 0x0300);
  g_assert_cmpstr (gpu->driver, ==, "nvidia");
  g_assert_cmpint (gpu->iommu_group, ==, 1);
  g_assert_false (gpu->boot_vga);
}

static void
test_garbage_class (Tree *tree, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;

  add_good_pair (tree->root);
  pp_test_tree_add_device (tree->root, "0000:02:00.0", "8086:1539", 0x020000, "igb", 2);
  pp_test_tree_write (tree->root, "sys/devices/pci0000:00/0000:02:00.0/class", "banana\n");
  host = pp_host_read (tree->root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (host->devices->len, ==, 3);
  g_assert_null (pp_host_find_device (host, "0000:02:00.0"));
  g_assert_true (warnings_mention (host, "0000:02:00.0"));
  g_assert_true (warnings_mention (host, "class"));
  g_assert_true (warnings_mention (host, "IOMMU group 2 lists 0000:02:00.0"));
}

static void
test_missing_vendor (Tree *tree, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;
  g_autofree char *vendor = NULL;

  add_good_pair (tree->root);
  vendor = g_build_filename (tree->root, "sys/devices/pci0000:00/0000:01:00.1/vendor", NULL);
  g_assert_cmpint (g_remove (vendor), ==, 0);
  host = pp_host_read (tree->root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (host->devices->len, ==, 2);
  g_assert_true (warnings_mention (host, "0000:01:00.1"));
  g_assert_true (warnings_mention (host, "vendor"));
}

static void
test_unreadable_file (Tree *tree, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;
  g_autofree char *device = NULL;

  add_good_pair (tree->root);
  /* root reads any mode, so a directory stands for a file that cannot be read */
  device = g_build_filename (tree->root, "sys/devices/pci0000:00/0000:01:00.1/device", NULL);
  g_assert_cmpint (g_remove (device), ==, 0);
  g_assert_cmpint (g_mkdir (device, 0755), ==, 0);
  host = pp_host_read (tree->root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (host->devices->len, ==, 2);
  g_assert_true (warnings_mention (host, "0000:01:00.1/device"));
}

static void
test_dangling_device_link (Tree *tree, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;

  add_good_pair (tree->root);
  pp_test_tree_link (tree->root, "sys/bus/pci/devices/0000:05:00.0", "../../../devices/pci0000:00/0000:05:00.0");
  host = pp_host_read (tree->root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (host->devices->len, ==, 3);
  g_assert_true (warnings_mention (host, "0000:05:00.0"));
}

static void
test_stray_entry (Tree *tree, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;

  add_good_pair (tree->root);
  pp_test_tree_write (tree->root, "sys/bus/pci/devices/not-a-device", "");
  host = pp_host_read (tree->root, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (host->devices->len, ==, 3);
  g_assert_true (warnings_mention (host, "not-a-device"));
}

static void
test_dangling_driver_and_group (Tree *tree, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;
  PpPciDevice *nic;

  add_good_pair (tree->root);
  pp_test_tree_add_device (tree->root, "0000:02:00.0", "8086:1539", 0x020000, NULL, -1);
  pp_test_tree_link (tree->root, "sys/devices/pci0000:00/0000:02:00.0/driver", "../../../bus/pci/drivers/gone");
  pp_test_tree_link (tree->root, "sys/devices/pci0000:00/0000:02:00.0/iommu_group", "../../../kernel/iommu_groups/9");
  host = pp_host_read (tree->root, &error);
  g_assert_no_error (error);
  nic = pp_host_find_device (host, "0000:02:00.0");
  g_assert_nonnull (nic);
  g_assert_null (nic->driver); /* a driver link into nothing is no driver */
  g_assert_cmpint (nic->iommu_group, ==, 9);
  g_assert_nonnull (pp_host_find_group (host, 9));
  g_assert_true (warnings_mention (host, "IOMMU group 9"));
}

static void
test_empty_groups_dir (Tree *tree, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpAdvice) advice = NULL;
  PpGpuAdvice *gpu;

  pp_test_tree_add_device (tree->root, "0000:01:00.0", "10de:1b80", 0x030000, "nvidia", -1);
  pp_test_tree_add_device (tree->root, "0000:01:00.1", "10de:10f0", 0x040300, NULL, -1);
  pp_test_tree_mkdir (tree->root, "sys/kernel/iommu_groups");
  host = pp_host_read (tree->root, &error);
  g_assert_no_error (error);
  g_assert_false (pp_host_iommu_enabled (host));
  g_assert_cmpuint (host->ungrouped->len, ==, 2);

  advice = pp_advice_new (host);
  gpu = pp_advice_find_gpu (advice, "0000:01:00.0");
  g_assert_nonnull (gpu);
  g_assert_false (gpu->viable);
  g_assert_cmpuint (gpu->reserve->len, ==, 2);
  g_assert_nonnull (strstr (gpu->verdict, "IOMMU is off"));
}

static void
test_odd_group_entries (Tree *tree, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;

  add_good_pair (tree->root);
  pp_test_tree_mkdir (tree->root, "sys/kernel/iommu_groups/170/devices/5d0e7a5c-3b2a-4c1d-9a7e-0123456789ab");
  pp_test_tree_mkdir (tree->root, "sys/kernel/iommu_groups/power");
  pp_test_tree_mkdir (tree->root, "sys/kernel/iommu_groups/12");
  pp_test_tree_link (tree->root, "sys/kernel/iommu_groups/4/devices/0000:09:00.0", "../../../../devices/pci0000:00/0000:09:00.0");
  host = pp_host_read (tree->root, &error);
  g_assert_no_error (error);
  /* the mdev-only group and the group without a devices dir show no PCI device */
  g_assert_cmpuint (host->groups->len, ==, 1);
  g_assert_true (warnings_mention (host, "power"));
  g_assert_true (warnings_mention (host, "0000:09:00.0"));
}

static void
test_garbage_proc (Tree *tree, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;

  add_good_pair (tree->root);
  pp_test_tree_write (tree->root, "proc/cpuinfo", "\x01\x02 no colon here\nflags\n:::\nvendor_id:\n");
  pp_test_tree_write (tree->root, "proc/cmdline", "  \"unterminated quote=a b   =  iommu=pt \n");
  pp_test_tree_write (tree->root, "proc/sys/kernel/osrelease", "../../../etc\n");
  pp_test_tree_write (tree->root, "etc/os-release", "ID='unterminated\nNAME\n=\n");
  host = pp_host_read (tree->root, &error);
  g_assert_no_error (error);
  g_assert_cmpint (host->cpu_vendor, ==, PP_CPU_VENDOR_OTHER);
  g_assert_false (host->cpu_virtualization);
  g_assert_cmpuint (host->cmdline_params->len, ==, 1);
  g_assert_cmpint (host->mod_vfio, ==, PP_MODULE_ABSENT);
}

static void
test_cmdline_and_modules (Tree *tree, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;

  add_good_pair (tree->root);
  pp_test_tree_write (tree->root, "proc/cmdline",
                      "BOOT_IMAGE=/vmlinuz root=UUID=1 ro quiet intel_iommu=on iommu=pt "
                      "vfio_pci.ids=10de:1b80,10de:10f0 console=tty0 console=ttyS0,115200 "
                      "dyndbg=\"file x.c +p\"\n");
  pp_test_tree_write (tree->root, "proc/cpuinfo",
                      "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD Ryzen 7 5800X\n"
                      "flags\t\t: fpu vme svm sse\n\nprocessor\t: 1\nvendor_id\t: AuthenticAMD\n");
  pp_test_tree_write (tree->root, "proc/sys/kernel/osrelease", "6.6.8-arch1-1\n");
  pp_test_tree_write (tree->root, "lib/modules/6.6.8-arch1-1/modules.builtin",
                      "kernel/drivers/vfio/vfio.ko\nkernel/drivers/vfio/vfio_iommu_type1.ko\n");
  pp_test_tree_write (tree->root, "sys/module/vfio_pci/initstate", "live\n");
  pp_test_tree_mkdir (tree->root, "sys/firmware/efi");
  host = pp_host_read (tree->root, &error);
  g_assert_no_error (error);
  g_assert_cmpint (host->cpu_vendor, ==, PP_CPU_VENDOR_AMD);
  g_assert_true (host->cpu_virtualization);
  g_assert_cmpstr (host->cpu_model, ==, "AMD Ryzen 7 5800X");
  g_assert_cmpstr (pp_host_cmdline_value (host, "intel_iommu"), ==, "on");
  g_assert_cmpstr (pp_host_cmdline_value (host, "vfio-pci.ids"), ==, "10de:1b80,10de:10f0");
  g_assert_cmpstr (pp_host_cmdline_value (host, "console"), ==, "ttyS0,115200");
  g_assert_cmpstr (pp_host_cmdline_value (host, "quiet"), ==, "");
  g_assert_cmpstr (pp_host_cmdline_value (host, "dyndbg"), ==, "file x.c +p");
  g_assert_null (pp_host_cmdline_value (host, "amd_iommu"));
  g_assert_cmpint (host->mod_vfio, ==, PP_MODULE_BUILTIN);
  g_assert_cmpint (host->mod_vfio_iommu_type1, ==, PP_MODULE_BUILTIN);
  g_assert_cmpint (host->mod_vfio_pci, ==, PP_MODULE_LOADED);
  g_assert_true (host->uefi);
}

static void
test_boot_detection (Tree *tree, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) grub = NULL;
  g_autoptr(PpHost) sdboot = NULL;
  g_autoptr(PpBootSetup) sdboot_setup = NULL;
  g_autoptr(PpBootSetup) grub_setup = NULL;

  add_good_pair (tree->root);
  pp_test_tree_write (tree->root, "boot/loader/loader.conf", "default arch.conf\n");
  pp_test_tree_write (tree->root, "usr/bin/dracut", "#!/bin/sh\n");
  sdboot = pp_host_read (tree->root, &error);
  g_assert_no_error (error);
  sdboot_setup = pp_boot_setup_detect (sdboot);
  g_assert_no_error (sdboot_setup->error);
  g_assert_cmpstr (sdboot_setup->boot->id, ==, "systemd-boot");
  g_assert_cmpstr (sdboot_setup->initramfs->id, ==, "dracut");
  g_assert_null (sdboot_setup->grub_cfg);

  /* both boot managers' files: GRUB, which adds BOOT_IMAGE=, booted */
  pp_test_tree_write (tree->root, "etc/default/grub", "GRUB_ENABLE_BLSCFG=true\n");
  pp_test_tree_write (tree->root, "boot/grub2/grub.cfg", "# generated\n");
  pp_test_tree_write (tree->root, "proc/cmdline", "BOOT_IMAGE=(hd0,gpt2)/vmlinuz root=UUID=1 ro\n");
  grub = pp_host_read (tree->root, &error);
  g_assert_no_error (error);
  grub_setup = pp_boot_setup_detect (grub);
  g_assert_no_error (grub_setup->error);
  g_assert_cmpstr (grub_setup->boot->id, ==, "grub-bls");
  g_assert_cmpstr (grub_setup->boot->bootloader, ==, "grub");
  g_assert_cmpstr (grub_setup->grub_cfg, ==, "/boot/grub2/grub.cfg");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/host/missing-root", test_missing_root);
#define TREE_TEST(path, func) g_test_add (path, Tree, NULL, tree_setup, func, tree_teardown)
  TREE_TEST ("/core/host/no-sysfs", test_no_sysfs);
  TREE_TEST ("/core/host/good-tree", test_good_tree);
  TREE_TEST ("/core/host/garbage-class", test_garbage_class);
  TREE_TEST ("/core/host/missing-vendor", test_missing_vendor);
  TREE_TEST ("/core/host/unreadable-file", test_unreadable_file);
  TREE_TEST ("/core/host/dangling-device-link", test_dangling_device_link);
  TREE_TEST ("/core/host/stray-entry", test_stray_entry);
  TREE_TEST ("/core/host/dangling-driver-and-group", test_dangling_driver_and_group);
  TREE_TEST ("/core/host/empty-groups-dir", test_empty_groups_dir);
  TREE_TEST ("/core/host/odd-group-entries", test_odd_group_entries);
  TREE_TEST ("/core/host/garbage-proc", test_garbage_proc);
  TREE_TEST ("/core/host/cmdline-and-modules", test_cmdline_and_modules);
  TREE_TEST ("/core/host/boot-detection", test_boot_detection);
#undef TREE_TEST
  return g_test_run ();
}
