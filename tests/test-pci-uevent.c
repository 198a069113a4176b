/* SPDX-License-Identifier: GPL-3.0-or-later */
/* pp-pci reads a device's ids, subsystem ids and class from its uevent file
 * (one file, not five) and falls back to libpci's reading of the separate
 * attribute files whenever that file is missing, incomplete or garbled. */
#include "config.h"

#include <string.h>

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
  /* the attribute files say 10de:1b80, class 030000, subsystem 0000:0000, rev 01 */
  pp_test_tree_add_device (tree->root, "0000:01:00.0", "10de:1b80", 0x030000, "nvidia", 1);
}

static void
tree_teardown (Tree          *tree,
               gconstpointer  data)
{
  pp_test_tree_free (tree->root);
}

static PpPciDevice *
read_gpu (const char *root,
          PpHost    **host_out)
{
  g_autoptr(GError) error = NULL;
  PpHost *host = pp_host_read (root, &error);
  PpPciDevice *gpu;

  g_assert_no_error (error);
  g_assert_nonnull (host);
  g_assert_cmpuint (host->devices->len, ==, 1);
  gpu = pp_host_find_device (host, "0000:01:00.0");
  g_assert_nonnull (gpu);
  *host_out = host;
  return gpu;
}

static void
write_uevent (const char *root,
              const char *text)
{
  pp_test_tree_write (root, "sys/devices/pci0000:00/0000:01:00.0/uevent", text);
}

static void
test_complete_uevent (Tree *tree, gconstpointer data)
{
  g_autoptr(PpHost) host = NULL;
  PpPciDevice *gpu;

  /* the subsystem ids are only in uevent: they show that it was read */
  write_uevent (tree->root,
                "DRIVER=nvidia\nPCI_CLASS=30000\nPCI_ID=10DE:1B80\nPCI_SUBSYS_ID=1458:36B7\n"
                "PCI_SLOT_NAME=0000:01:00.0\nMODALIAS=pci:v000010DEd00001B80sv00001458sd000036B7bc03sc00i00\n");
  gpu = read_gpu (tree->root, &host);
  g_assert_cmphex (gpu->vendor_id, ==, 0x10de);
  g_assert_cmphex (gpu->device_id, ==, 0x1b80);
  g_assert_cmphex (gpu->class_id, ==, 0x0300);
  g_assert_cmphex (gpu->prog_if, ==, 0x00);
  g_assert_cmphex (gpu->subsys_vendor_id, ==, 0x1458);
  g_assert_cmphex (gpu->subsys_device_id, ==, 0x36b7);
  g_assert_cmphex (gpu->revision, ==, 0x01);
  g_assert_cmpstr (gpu->driver, ==, "nvidia");
  g_assert_cmpint (gpu->iommu_group, ==, 1);
}

static void
test_prog_if_from_uevent (Tree *tree, gconstpointer data)
{
  g_autoptr(PpHost) host = NULL;
  PpPciDevice *gpu;

  write_uevent (tree->root, "PCI_CLASS=30001\nPCI_ID=10DE:1B80\nPCI_SUBSYS_ID=0000:0000\n");
  gpu = read_gpu (tree->root, &host);
  g_assert_cmphex (gpu->class_id, ==, 0x0300);
  g_assert_cmphex (gpu->prog_if, ==, 0x01);
}

/* Each of these uevent files is not to be trusted: the attribute files win,
 * which the subsystem id (1458:36b7 in uevent, 0000:0000 in the files) shows. */
static const char *const untrusted_uevents[] = {
  /* no PCI_CLASS */
  "PCI_ID=10DE:1B80\nPCI_SUBSYS_ID=1458:36B7\n",
  /* garbled ids */
  "PCI_CLASS=30000\nPCI_ID=10DE:1BZ0\nPCI_SUBSYS_ID=1458:36B7\n",
  "PCI_CLASS=30000\nPCI_ID=10DE1B80\nPCI_SUBSYS_ID=1458:36B7\n",
  "PCI_CLASS=30000\nPCI_ID=10DE:1B800\nPCI_SUBSYS_ID=1458:36B7\n",
  "PCI_CLASS=3000000\nPCI_ID=10DE:1B80\nPCI_SUBSYS_ID=1458:36B7\n",
  "PCI_CLASS=\nPCI_ID=10DE:1B80\nPCI_SUBSYS_ID=1458:36B7\n",
  /* ids no device has */
  "PCI_CLASS=30000\nPCI_ID=FFFF:FFFF\nPCI_SUBSYS_ID=1458:36B7\n",
  "PCI_CLASS=0\nPCI_ID=10DE:1B80\nPCI_SUBSYS_ID=1458:36B7\n",
  /* empty */
  "",
};

static void
test_untrusted_uevent (Tree *tree, gconstpointer data)
{
  for (guint i = 0; i < G_N_ELEMENTS (untrusted_uevents); i++)
    {
      g_autoptr(PpHost) host = NULL;
      PpPciDevice *gpu;

      g_test_message ("uevent: %s", untrusted_uevents[i]);
      write_uevent (tree->root, untrusted_uevents[i]);
      gpu = read_gpu (tree->root, &host);
      g_assert_cmphex (gpu->vendor_id, ==, 0x10de);
      g_assert_cmphex (gpu->device_id, ==, 0x1b80);
      g_assert_cmphex (gpu->class_id, ==, 0x0300);
      g_assert_cmphex (gpu->subsys_vendor_id, ==, 0x0000);
      g_assert_cmphex (gpu->subsys_device_id, ==, 0x0000);
      g_assert_cmphex (gpu->revision, ==, 0x01);
      g_assert_cmpstr (gpu->driver, ==, "nvidia");
    }
}

static void
test_garbled_revision (Tree *tree, gconstpointer data)
{
  g_autoptr(PpHost) host = NULL;
  PpPciDevice *gpu;

  /* a revision that does not parse sends the whole device to libpci */
  write_uevent (tree->root, "PCI_CLASS=30000\nPCI_ID=10DE:1B80\nPCI_SUBSYS_ID=1458:36B7\n");
  pp_test_tree_write (tree->root, "sys/devices/pci0000:00/0000:01:00.0/revision", "a1\n");
  gpu = read_gpu (tree->root, &host);
  g_assert_cmphex (gpu->subsys_vendor_id, ==, 0x0000);
  g_assert_cmphex (gpu->vendor_id, ==, 0x10de);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define TREE_TEST(path, func) g_test_add (path, Tree, NULL, tree_setup, func, tree_teardown)
  TREE_TEST ("/core/pci/uevent/complete", test_complete_uevent);
  TREE_TEST ("/core/pci/uevent/prog-if", test_prog_if_from_uevent);
  TREE_TEST ("/core/pci/uevent/untrusted", test_untrusted_uevent);
  TREE_TEST ("/core/pci/uevent/garbled-revision", test_garbled_revision);

  return g_test_run ();
}
