/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pp-boot.h"
#include "pp-edit-grub.h"
#include "pp-edit-sdboot.h"

static void
test_path_patterns (void)
{
  g_assert_true (pp_boot_path_matches ("/etc/default/grub.d/*.cfg", "/etc/default/grub.d/50-cloud.cfg"));
  g_assert_true (pp_boot_path_matches ("/etc/default/grub.d/*.cfg", "/etc/default/grub.d/.cfg"));
  g_assert_false (pp_boot_path_matches ("/etc/default/grub.d/*.cfg", "/etc/default/grub.d/a/b.cfg"));
  g_assert_false (pp_boot_path_matches ("/etc/default/grub.d/*.cfg", "/etc/default/grub.d/x.cfg.bak"));
  g_assert_false (pp_boot_path_matches ("/etc/default/grub", "/etc/default/grub2"));
  g_assert_true (pp_boot_path_matches ("/boot/loader/entries/*.conf", "/boot/loader/entries/arch.conf"));
}

/* what revert may be asked to touch: only what some plan can produce */
static void
test_may_write_and_run (void)
{
  const char *ours[] = {
    "/etc/default/grub", "/etc/default/grub.d/50-cloudimg-settings.cfg", "/etc/mkinitcpio.conf",
    "/etc/mkinitcpio.conf.d/10-vfio.conf", "/etc/kernel/cmdline", "/boot/loader/entries/arch.conf",
    "/efi/loader/entries/x.conf", "/etc/initramfs-tools/modules",
    "/etc/modprobe.d/passthrough-prep-vfio.conf", "/etc/dracut.conf.d/passthrough-prep-vfio.conf",
    /* binding by address */
    "/etc/passthrough-prep/vfio-bind", "/etc/passthrough-prep/vfio-addresses",
    "/etc/initcpio/install/passthrough-prep-vfio", "/etc/initcpio/hooks/passthrough-prep-vfio",
    "/usr/lib/dracut/modules.d/90passthrough-prep-vfio/module-setup.sh",
    "/usr/lib/dracut/modules.d/90passthrough-prep-vfio/passthrough-prep-vfio.sh",
    "/etc/initramfs-tools/hooks/passthrough-prep-vfio", "/etc/initramfs-tools/scripts/init-top/passthrough-prep-vfio",
  };
  const char *not_ours[] = {
    "/etc/shadow", "/etc/passwd", "/etc/default/grub.d/../../shadow.cfg", "/etc//default/grub",
    "/etc/default/./grub", "etc/default/grub", "/etc/default/grub/", "/etc/modprobe.d/other.conf",
    "/boot/loader/entries/sub/x.conf", "/boot/vmlinuz-linux", "/etc/passthrough-prep/other",
    "/etc/initcpio/hooks/encrypt", "/usr/lib/dracut/modules.d/90passthrough-prep-vfio/other.sh",
    "/etc/initramfs-tools/scripts/init-top/udev", "", NULL,
  };

  for (guint i = 0; i < G_N_ELEMENTS (ours); i++)
    g_assert_true (pp_boot_may_write (ours[i]));
  for (guint i = 0; i < G_N_ELEMENTS (not_ours); i++)
    g_assert_false (pp_boot_may_write (not_ours[i]));

  g_assert_true (pp_boot_may_run ("mkinitcpio"));
  g_assert_true (pp_boot_may_run ("grub-mkconfig"));
  g_assert_true (pp_boot_may_run ("update-initramfs"));
  g_assert_false (pp_boot_may_run ("/usr/bin/mkinitcpio"));
  g_assert_false (pp_boot_may_run ("sh"));
  g_assert_false (pp_boot_may_run ("rm"));
  g_assert_false (pp_boot_may_run (""));
  g_assert_false (pp_boot_may_run (NULL));
}

static void
test_loader_show_menu (void)
{
  const struct { const char *before; const char *after; } cases[] = {
    { "default arch.conf\ntimeout 0\neditor no\n", "default arch.conf\ntimeout 3\neditor no\n" },
    { "timeout menu-hidden\n", "timeout 3\n" },
    { "  timeout   menu-disabled\n", "timeout 3\n" },
    { "default arch.conf\n", "default arch.conf\ntimeout 3\n" },
    { "default arch.conf", "default arch.conf\ntimeout 3\n" },
    { NULL, "timeout 3\n" },
    { "timeout 5\n", NULL },
    { "timeout menu-force\n", NULL },
    { "timeout 0\n# the last one counts\ntimeout 4\n", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *after = pp_sdboot_loader_show_menu (cases[i].before, 3);

      g_assert_cmpstr (after, ==, cases[i].after);
      if (after != NULL)
        {
          g_autofree char *again = pp_sdboot_loader_show_menu (after, 3);

          g_assert_null (again);
        }
    }
}

static void
test_passthrough_entry (void)
{
  PpKernelParamsIntent intent = { PP_CPU_VENDOR_INTEL, TRUE, "10de:1401" };
  g_autoptr(GError) error = NULL;
  g_autofree char *sibling = pp_sdboot_passthrough_entry (
    "/boot/loader/entries/arch.conf",
    "title   Arch Linux\nlinux   /vmlinuz-linux\ninitrd  /initramfs-linux.img\noptions root=/dev/sda2 rw iommu=soft\n"
    "sort-key arch\n", &intent, "passthrough_prep.boot=1", &error);
  g_autofree char *untitled = pp_sdboot_passthrough_entry (
    "/boot/loader/entries/x.conf", "linux /vmlinuz\n", &intent, "passthrough_prep.boot=1", &error);
  g_autofree char *windows = pp_sdboot_passthrough_entry (
    "/boot/loader/entries/windows.conf", "title Windows\nefi /EFI/Microsoft/Boot/bootmgfw.efi\n", &intent,
    "passthrough_prep.boot=1", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (sibling, ==,
                   "title   Arch Linux (Passthrough)\nlinux   /vmlinuz-linux\ninitrd  /initramfs-linux.img\n"
                   "options root=/dev/sda2 rw iommu=pt intel_iommu=on vfio-pci.ids=10de:1401 passthrough_prep.boot=1\n"
                   "sort-key arch-passthrough\n");
  g_assert_cmpstr (untitled, ==, "title x (Passthrough)\nlinux /vmlinuz\n"
                                 "options intel_iommu=on iommu=pt vfio-pci.ids=10de:1401 passthrough_prep.boot=1\n");
  g_assert_null (windows);
}

/* GRUB's menu shows where it is hidden, in the assignment that takes effect */
static void
test_grub_show_menu (void)
{
  const struct { const char *main; const char *dropin; const char *main_after; const char *dropin_after; } cases[] = {
    { "GRUB_TIMEOUT_STYLE=hidden\nGRUB_TIMEOUT=0\n", NULL, "GRUB_TIMEOUT_STYLE=menu\nGRUB_TIMEOUT=5\n", NULL },
    { "GRUB_TIMEOUT_STYLE=\"countdown\"\nGRUB_TIMEOUT='0'\n", NULL, "GRUB_TIMEOUT_STYLE=menu\nGRUB_TIMEOUT=5\n", NULL },
    { "GRUB_TIMEOUT_STYLE=hidden\nGRUB_TIMEOUT=0\n", "GRUB_TIMEOUT=0\n",
      "GRUB_TIMEOUT_STYLE=menu\nGRUB_TIMEOUT=0\n", "GRUB_TIMEOUT=5\n" },
    { "GRUB_TIMEOUT=5\n", NULL, NULL, NULL },
    { "GRUB_DEFAULT=0\n", NULL, NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);
      g_autoptr(GError) error = NULL;
      g_autoptr(PpEditResult) result = NULL;

      g_ptr_array_add (files, pp_text_file_new ("/etc/default/grub", cases[i].main));
      g_ptr_array_add (files, pp_text_file_new ("/etc/default/grub.d/50-cloud.cfg", cases[i].dropin));
      result = pp_grub_edit_show_menu (files, 5, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (g_ptr_array_index (result->texts, 0), ==, cases[i].main_after);
      g_assert_cmpstr (g_ptr_array_index (result->texts, 1), ==, cases[i].dropin_after);
    }
}

static void
test_grub_show_menu_refused (void)
{
  const char *texts[] = {
    "GRUB_TIMEOUT=$DELAY\n",
    "GRUB_TIMEOUT=0\nGRUB_TIMEOUT+=0\n",
    "if true; then GRUB_TIMEOUT=0; fi\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);
      g_autoptr(GError) error = NULL;
      g_autoptr(PpEditResult) result = NULL;

      g_ptr_array_add (files, pp_text_file_new ("/etc/default/grub", texts[i]));
      result = pp_grub_edit_show_menu (files, 5, &error);
      g_assert_null (result);
      g_assert_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED);
      g_assert_true (g_str_has_prefix (error->message, "/etc/default/grub:"));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/boot/touches/path-patterns", test_path_patterns);
  g_test_add_func ("/boot/touches/may-write-and-run", test_may_write_and_run);
  g_test_add_func ("/boot/entry/loader-show-menu", test_loader_show_menu);
  g_test_add_func ("/boot/entry/passthrough-entry", test_passthrough_entry);
  g_test_add_func ("/boot/entry/grub-show-menu", test_grub_show_menu);
  g_test_add_func ("/boot/entry/grub-show-menu-refused", test_grub_show_menu_refused);
  return g_test_run ();
}
