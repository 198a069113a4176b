/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pp-boot.h"

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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/boot/touches/path-patterns", test_path_patterns);
  g_test_add_func ("/boot/touches/may-write-and-run", test_may_write_and_run);
  return g_test_run ();
}
