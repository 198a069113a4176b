/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "pp-test-tree.h"

char *
pp_test_tree_new (void)
{
  g_autoptr(GError) error = NULL;
  char *root = g_dir_make_tmp ("pp-tree-XXXXXX", &error);

  g_assert_no_error (error);
  return root;
}

static int
pp_test_tree_remove_recursive (const char *path)
{
  GDir *dir;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR)
      && (dir = g_dir_open (path, 0, NULL)) != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          pp_test_tree_remove_recursive (child);
        }
      g_dir_close (dir);
      return g_rmdir (path);
    }
  return g_unlink (path);
}

void
pp_test_tree_free (char *root)
{
  if (root == NULL)
    return;
  pp_test_tree_remove_recursive (root);
  g_free (root);
}

void
pp_test_tree_mkdir (const char *root,
                    const char *path)
{
  g_autofree char *full = g_build_filename (root, path, NULL);

  g_assert_cmpint (g_mkdir_with_parents (full, 0755), ==, 0);
}

void
pp_test_tree_write (const char *root,
                    const char *path,
                    const char *contents)
{
  g_autofree char *full = g_build_filename (root, path, NULL);
  g_autofree char *dir = g_path_get_dirname (full);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (full, contents, -1, &error);
  g_assert_no_error (error);
}

void
pp_test_tree_write_bytes (const char *root,
                          const char *path,
                          const void *data,
                          gsize       size)
{
  g_autofree char *full = g_build_filename (root, path, NULL);
  g_autofree char *dir = g_path_get_dirname (full);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_file_set_contents (full, data, size, &error);
  g_assert_no_error (error);
}

void
pp_test_tree_efi_string (const char *root,
                         const char *name,
                         const char *value)
{
  g_autofree char *path = g_strdup_printf ("sys/firmware/efi/efivars/%s-4a67b082-0a4c-41cf-b6c7-440b29bb8c4f", name);
  g_autofree gunichar2 *units = NULL;
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  static const guint8 attributes[] = { 6, 0, 0, 0 };
  glong n_units = 0;

  units = g_utf8_to_utf16 (value, -1, NULL, &n_units, NULL);
  g_byte_array_append (bytes, attributes, sizeof attributes);
  for (glong i = 0; i <= n_units; i++)
    {
      guint8 pair[2] = { units[i] & 0xff, units[i] >> 8 };

      g_byte_array_append (bytes, pair, 2);
    }
  pp_test_tree_write_bytes (root, path, bytes->data, bytes->len);
}

void
pp_test_tree_link (const char *root,
                   const char *path,
                   const char *target)
{
  g_autofree char *full = g_build_filename (root, path, NULL);
  g_autofree char *dir = g_path_get_dirname (full);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_cmpint (symlink (target, full), ==, 0);
}

void
pp_test_tree_add_device (const char *root,
                         const char *address,
                         const char *ids,
                         guint32     class_code,
                         const char *driver,
                         int         group)
{
  g_autofree char *dev = g_strdup_printf ("sys/devices/pci0000:00/%s", address);
  g_autofree char *vendor = g_strdup_printf ("0x%.4s\n", ids);
  g_autofree char *device = g_strdup_printf ("0x%.4s\n", ids + 5);
  g_autofree char *class_text = g_strdup_printf ("0x%06x\n", class_code);
  g_autofree char *path = NULL;
  g_autofree char *link = NULL;
  g_autofree char *target = NULL;
  static const char resource[] =
    "0x0000000000000000 0x0000000000000000 0x0000000000000000\n";

  path = g_build_filename (dev, "vendor", NULL);
  pp_test_tree_write (root, path, vendor);
  g_free (path), path = g_build_filename (dev, "device", NULL);
  pp_test_tree_write (root, path, device);
  g_free (path), path = g_build_filename (dev, "class", NULL);
  pp_test_tree_write (root, path, class_text);
  g_free (path), path = g_build_filename (dev, "irq", NULL);
  pp_test_tree_write (root, path, "0\n");
  g_free (path), path = g_build_filename (dev, "revision", NULL);
  pp_test_tree_write (root, path, "0x01\n");
  g_free (path), path = g_build_filename (dev, "subsystem_vendor", NULL);
  pp_test_tree_write (root, path, "0x0000\n");
  g_free (path), path = g_build_filename (dev, "subsystem_device", NULL);
  pp_test_tree_write (root, path, "0x0000\n");
  g_free (path), path = g_build_filename (dev, "resource", NULL);
  pp_test_tree_write (root, path, resource);
  if ((class_code >> 8) == 0x0300)
    {
      g_free (path), path = g_build_filename (dev, "boot_vga", NULL);
      pp_test_tree_write (root, path, "0\n");
    }

  link = g_strdup_printf ("sys/bus/pci/devices/%s", address);
  target = g_strdup_printf ("../../../devices/pci0000:00/%s", address);
  pp_test_tree_link (root, link, target);

  if (driver != NULL)
    {
      g_free (link), link = g_build_filename (dev, "driver", NULL);
      g_free (target), target = g_strdup_printf ("../../../bus/pci/drivers/%s", driver);
      g_free (path), path = g_strdup_printf ("sys/bus/pci/drivers/%s", driver);
      pp_test_tree_mkdir (root, path);
      pp_test_tree_link (root, link, target);
    }
  if (group >= 0)
    {
      g_free (link), link = g_build_filename (dev, "iommu_group", NULL);
      g_free (target), target = g_strdup_printf ("../../../kernel/iommu_groups/%d", group);
      pp_test_tree_link (root, link, target);
      g_free (link), link = g_strdup_printf ("sys/kernel/iommu_groups/%d/devices/%s", group, address);
      g_free (target), target = g_strdup_printf ("../../../../devices/pci0000:00/%s", address);
      pp_test_tree_link (root, link, target);
    }
}
