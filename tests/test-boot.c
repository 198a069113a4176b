/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pp-boot.h"
#include "pp-edit-grub.h"
#include "pp-edit-sdboot.h"
#include "pp-host-efi.h"
#include "pp-test-tree.h"

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

/* Binding by address is asked of whichever tool builds the initramfs:
 * each one answers, with its part of the plan or a refusal that says why */
static void
test_initramfs_backends_bind_by_address (void)
{
  const PpInitramfsBackend * const *backends = pp_boot_initramfs_backends ();
  guint n = 0;

  for (; backends[n] != NULL; n++)
    if (backends[n]->plan_bind_by_address == NULL)
      g_error ("the initramfs backend %s does not answer plan_bind_by_address", backends[n]->id);
  g_assert_cmpuint (n, >=, 7);
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
    "/etc/modprobe.d/vfio.conf", "/etc/modules", "/etc/sdboot-manage.conf", "/etc/default/limine",
    "/etc/limine-entry-tool.d/50-x.conf", "/boot/limine.conf", "/boot/EFI/BOOT/limine.conf",
    "/boot/refind_linux.conf", "/etc/booster.yaml",
    /* binding by address */
    "/etc/passthrough-prep/vfio-bind", "/etc/passthrough-prep/vfio-addresses",
    "/etc/initcpio/install/passthrough-prep-vfio", "/etc/initcpio/hooks/passthrough-prep-vfio",
    "/usr/lib/dracut/modules.d/90passthrough-prep-vfio/module-setup.sh",
    "/usr/lib/dracut/modules.d/90passthrough-prep-vfio/passthrough-prep-vfio.sh",
    "/etc/initramfs-tools/hooks/passthrough-prep-vfio", "/etc/initramfs-tools/scripts/init-top/passthrough-prep-vfio",
  };
  const char *not_ours[] = {
    "/etc/shadow", "/etc/passwd", "/etc/default/grub.d/../../shadow.cfg", "/etc//default/grub",
    "/etc/default/./grub", "etc/default/grub", "/etc/default/grub/", "/etc/modprobe.d/sub/other.conf",
    "/etc/modprobe.d/other.conf.bak", "/boot/loader/entries/sub/x.conf", "/boot/vmlinuz-linux",
    "/boot/efi/EFI/refind/refind.conf", "/etc/nixos/configuration.nix", "/etc/kernelstub/configuration",
    "/usr/lib/modprobe.d/vfio.conf", "/boot/EFI/Linux/arch.efi", "/etc/passthrough-prep/other",
    "/etc/initcpio/hooks/encrypt", "/usr/lib/dracut/modules.d/90passthrough-prep-vfio/other.sh",
    "/etc/initramfs-tools/scripts/init-top/udev", "", NULL,
  };
  const char *runs[] = {
    "mkinitcpio", "grub-mkconfig", "update-initramfs", "sdboot-manage", "kernelstub", "limine-update",
    "limine-mkinitcpio", "rpm-ostree", "booster", "kernel-install", "grubby",
  };

  for (guint i = 0; i < G_N_ELEMENTS (ours); i++)
    if (!pp_boot_may_write (ours[i]))
      g_error ("%s should be writable by some plan", ours[i]);
  for (guint i = 0; i < G_N_ELEMENTS (not_ours); i++)
    if (pp_boot_may_write (not_ours[i]))
      g_error ("%s should not be writable by any plan", not_ours[i]);

  for (guint i = 0; i < G_N_ELEMENTS (runs); i++)
    g_assert_true (pp_boot_may_run (runs[i]));
  g_assert_false (pp_boot_may_run ("/usr/bin/mkinitcpio"));
  g_assert_false (pp_boot_may_run ("sh"));
  g_assert_false (pp_boot_may_run ("rm"));
  g_assert_false (pp_boot_may_run ("nixos-rebuild"));
  g_assert_false (pp_boot_may_run (""));
  g_assert_false (pp_boot_may_run (NULL));
}

/* efivarfs: 4 attribute bytes, then UTF-16LE up to a NUL */
static void
test_efi_decode (void)
{
  static const guint8 grub[] = { 6, 0, 0, 0, 'G', 0, 'R', 0, 'U', 0, 'B', 0, ' ', 0, '2', 0, 0, 0 };
  static const guint8 no_nul[] = { 7, 0, 0, 0, 'L', 0, 'i', 0 };
  static const guint8 odd[] = { 6, 0, 0, 0, 'G', 0, 'R' };
  static const guint8 lone_surrogate[] = { 6, 0, 0, 0, 0x00, 0xd8, 'x', 0, 0, 0 };
  static const guint8 only_attributes[] = { 6, 0, 0, 0 };
  static const guint8 after_nul[] = { 6, 0, 0, 0, 'a', 0, 0, 0, 'b', 0 };
  static const guint8 umlaut[] = { 6, 0, 0, 0, 0xfc, 0x00, 0, 0 };
  g_autoptr(GError) error = NULL;
  char *value = NULL;

  g_assert_true (pp_efi_decode_string ("v", grub, sizeof grub, &value, &error));
  g_assert_cmpstr (value, ==, "GRUB 2");
  g_clear_pointer (&value, g_free);
  g_assert_true (pp_efi_decode_string ("v", no_nul, sizeof no_nul, &value, &error));
  g_assert_cmpstr (value, ==, "Li");
  g_clear_pointer (&value, g_free);
  g_assert_true (pp_efi_decode_string ("v", after_nul, sizeof after_nul, &value, &error));
  g_assert_cmpstr (value, ==, "a");
  g_clear_pointer (&value, g_free);
  g_assert_true (pp_efi_decode_string ("v", umlaut, sizeof umlaut, &value, &error));
  g_assert_cmpstr (value, ==, "ü");
  g_clear_pointer (&value, g_free);
  g_assert_true (pp_efi_decode_string ("v", only_attributes, sizeof only_attributes, &value, &error));
  g_assert_null (value);
  g_assert_true (pp_efi_decode_string ("v", only_attributes, 0, &value, &error));
  g_assert_null (value);
  g_assert_no_error (error);

  g_assert_false (pp_efi_decode_string ("/sys/x", odd, sizeof odd, &value, &error));
  g_assert_error (error, PP_HOST_ERROR, PP_HOST_ERROR_MALFORMED);
  g_assert_true (g_str_has_prefix (error->message, "/sys/x: "));
  g_clear_error (&error);
  g_assert_false (pp_efi_decode_string ("v", lone_surrogate, sizeof lone_surrogate, &value, &error));
  g_assert_error (error, PP_HOST_ERROR, PP_HOST_ERROR_MALFORMED);
  g_assert_null (value);
}

/* A host tree with one GPU and whatever a case adds */
static PpBootSetup *
detect (const char *root)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;

  pp_test_tree_add_device (root, "0000:01:00.0", "10de:1b80", 0x030000, "nvidia", 1);
  host = pp_host_read (root, &error);
  g_assert_no_error (error);
  return pp_boot_setup_detect (host);
}

static void
assert_evidence (const PpBootSetup *setup,
                 const char        *needle)
{
  if (setup->boot_evidence == NULL || strstr (setup->boot_evidence, needle) == NULL)
    g_error ("evidence “%s” does not say “%s”", setup->boot_evidence, needle);
}

static void
write_grub_and_sdboot (const char *root)
{
  pp_test_tree_mkdir (root, "sys/firmware/efi/efivars");
  pp_test_tree_write (root, "etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
  pp_test_tree_write (root, "boot/grub/grub.cfg", "# generated\n");
  pp_test_tree_write (root, "boot/loader/loader.conf", "timeout 3\n");
  pp_test_tree_write (root, "boot/loader/entries/arch.conf", "title Arch\nlinux /vmlinuz-linux\noptions rw\n");
}

/* What booted: the firmware's word first */
static void
test_detect_firmware (void)
{
  g_autoptr(PpTestTree) sdboot = pp_test_tree_new ();
  g_autoptr(PpTestTree) grub = pp_test_tree_new ();
  g_autoptr(PpBootSetup) sdboot_setup = NULL;
  g_autoptr(PpBootSetup) grub_setup = NULL;

  /* a leftover GRUB on a machine that boots systemd-boot, even with BOOT_IMAGE= about */
  write_grub_and_sdboot (sdboot);
  pp_test_tree_write (sdboot, "proc/cmdline", "BOOT_IMAGE=/vmlinuz-linux rw\n");
  pp_test_tree_efi_string (sdboot, "LoaderInfo", "systemd-boot 256.7-1-arch");
  pp_test_tree_efi_string (sdboot, "LoaderEntrySelected", "arch.conf");
  sdboot_setup = detect (sdboot);
  g_assert_no_error (sdboot_setup->error);
  g_assert_cmpstr (sdboot_setup->boot->id, ==, "systemd-boot");
  g_assert_cmpstr (sdboot_setup->bootloader, ==, "systemd-boot");
  g_assert_cmpstr (sdboot_setup->loader_info, ==, "systemd-boot 256.7-1-arch");
  g_assert_cmpstr (sdboot_setup->entry_selected, ==, "arch.conf");
  assert_evidence (sdboot_setup, "the firmware says systemd-boot 256.7-1-arch booted");
  assert_evidence (sdboot_setup, "/boot/grub/grub.cfg and /etc/default/grub exist too, but that boot loader did not start");

  write_grub_and_sdboot (grub);
  pp_test_tree_efi_string (grub, "LoaderInfo", "GRUB 2.12");
  grub_setup = detect (grub);
  g_assert_cmpstr (grub_setup->boot->id, ==, "grub");
  g_assert_cmpstr (grub_setup->grub_cfg, ==, "/boot/grub/grub.cfg");
  assert_evidence (grub_setup, "the firmware says GRUB 2.12 booted");
  assert_evidence (grub_setup, "/boot/loader/loader.conf exists too");
}

/* No word from the firmware: BOOT_IMAGE= on the command line, or not */
static void
test_detect_boot_image (void)
{
  g_autoptr(PpTestTree) with = pp_test_tree_new ();
  g_autoptr(PpTestTree) without = pp_test_tree_new ();
  g_autoptr(PpBootSetup) with_setup = NULL;
  g_autoptr(PpBootSetup) without_setup = NULL;

  write_grub_and_sdboot (with);
  pp_test_tree_write (with, "proc/cmdline", "BOOT_IMAGE=/boot/vmlinuz-linux root=UUID=1 rw\n");
  with_setup = detect (with);
  g_assert_cmpstr (with_setup->boot->id, ==, "grub");
  g_assert_null (with_setup->loader_info);
  assert_evidence (with_setup, "BOOT_IMAGE=, which only GRUB adds");

  write_grub_and_sdboot (without);
  pp_test_tree_write (without, "proc/cmdline", "initrd=\\initramfs-linux.img root=UUID=1 rw\n");
  without_setup = detect (without);
  g_assert_cmpstr (without_setup->boot->id, ==, "systemd-boot");
  assert_evidence (without_setup, "no BOOT_IMAGE=, which GRUB always adds");
}

/* A variable that exists but cannot be read is not taken for absent; one
 * that cannot be decoded is said to be so */
static void
test_detect_firmware_unreadable (void)
{
  g_autoptr(PpTestTree) unreadable = pp_test_tree_new ();
  g_autoptr(PpTestTree) odd = pp_test_tree_new ();
  g_autoptr(PpBootSetup) unreadable_setup = NULL;
  g_autoptr(PpBootSetup) odd_setup = NULL;
  g_autofree char *variable = g_build_filename (unreadable, "sys/firmware/efi/efivars",
                                                "LoaderInfo-" PP_EFI_LOADER_GUID, NULL);
  static const guint8 odd_bytes[] = { 6, 0, 0, 0, 's', 0, 'y' };

  write_grub_and_sdboot (odd);
  pp_test_tree_write (odd, "proc/cmdline", "BOOT_IMAGE=/vmlinuz rw\n");
  pp_test_tree_write_bytes (odd, "sys/firmware/efi/efivars/LoaderInfo-" PP_EFI_LOADER_GUID, odd_bytes, sizeof odd_bytes);
  odd_setup = detect (odd);
  g_assert_no_error (odd_setup->error);
  g_assert_cmpstr (odd_setup->boot->id, ==, "grub");
  assert_evidence (odd_setup, "LoaderInfo could not be used");

  if (geteuid () == 0)
    {
      g_test_skip ("root reads files whatever their mode");
      return;
    }
  write_grub_and_sdboot (unreadable);
  pp_test_tree_efi_string (unreadable, "LoaderInfo", "systemd-boot 255");
  g_assert_cmpint (g_chmod (variable, 0), ==, 0);
  unreadable_setup = detect (unreadable);
  g_assert_error (unreadable_setup->error, PP_HOST_ERROR, PP_HOST_ERROR_UNREADABLE);
  g_assert_cmpstr (unreadable_setup->error->message, ==,
                   "/sys/firmware/efi/efivars/LoaderInfo-" PP_EFI_LOADER_GUID ": permission denied");
  g_chmod (variable, 0644);
}

typedef struct
{
  const char *name;
  const char *files;       /* "path=text|path=text" */
  const char *loader_info; /* or NULL */
  const char *selected;    /* LoaderEntrySelected, or NULL */
  const char *boot;
  const char *bootloader;
  const char *initramfs;   /* or NULL: not checked */
  const char *evidence;
} DetectCase;

static const DetectCase detect_cases[] = {
  { "rpm-ostree", "run/ostree-booted=|etc/default/grub=GRUB_ENABLE_BLSCFG=true\n|boot/grub2/grub.cfg=x|usr/bin/dracut=x",
    "GRUB 2.12", NULL, "rpm-ostree", "grub", "rpm-ostree", "/run/ostree-booted exists" },
  { "nixos", "etc/NIXOS=|boot/loader/loader.conf=timeout 3\n", "systemd-boot 255.6", NULL, "nixos", "systemd-boot",
    "nixos", "this is NixOS" },
  { "nixos-os-release", "etc/os-release=ID=nixos\n", NULL, NULL, "nixos", "unknown", "nixos", "os-release" },
  { "sdboot-manage", "boot/loader/loader.conf=x|etc/sdboot-manage.conf=#LINUX_OPTIONS=\"\"\n", "systemd-boot 257.2-1-arch",
    NULL, "sdboot-manage", "systemd-boot", NULL, "sdboot-manage writes the entries" },
  { "kernelstub", "boot/efi/loader/loader.conf=default Pop_OS-current\n|etc/kernelstub/configuration={}\n", NULL, NULL,
    "kernelstub", "systemd-boot", NULL, "kernelstub writes the entries" },
  { "uki-firmware", "boot/loader/loader.conf=x|boot/EFI/Linux/arch-linux.efi=MZ", "systemd-boot 256",
    "arch-linux.efi", "systemd-boot-uki", "systemd-boot", NULL, "started the unified kernel image arch-linux.efi" },
  { "uki-not-selected", "boot/loader/loader.conf=x|boot/EFI/Linux/arch-linux.efi=MZ", "systemd-boot 256",
    "arch.conf", "systemd-boot", "systemd-boot", NULL, "/boot/loader/loader.conf exists" },
  { "uki-mkinitcpio", "boot/loader/loader.conf=x|etc/mkinitcpio.d/linux.preset=default_uki=\"/efi/EFI/Linux/a.efi\"\n",
    NULL, NULL, "systemd-boot-uki", "systemd-boot", NULL, "mkinitcpio preset builds unified kernel images" },
  { "uki-kernel-install", "efi/loader/loader.conf=x|etc/kernel/install.conf=layout=uki\n", NULL, NULL,
    "systemd-boot-uki", "systemd-boot", NULL, "layout=uki" },
  { "limine-entry-tool", "boot/limine.conf=timeout: 5\n|etc/default/limine=KERNEL_CMDLINE[default]=\"quiet\"\n",
    "Limine 12.6.1", NULL, "limine-entry-tool", "limine", NULL, "limine-entry-tool writes" },
  { "limine", "boot/EFI/BOOT/limine.conf=/Arch\n", NULL, NULL, "limine", "limine", NULL,
    "/boot/EFI/BOOT/limine.conf exists" },
  { "limine-firmware-no-config", "etc/default/grub=x|boot/grub/grub.cfg=x", "Limine 9.3", NULL, "unknown", "limine",
    NULL, "its configuration was not found" },
  { "refind", "boot/refind_linux.conf=\"Boot\" \"rw\"\n|boot/efi/EFI/refind/refind.conf=timeout 20\n", NULL, NULL,
    "refind", "refind", NULL, "/boot/efi/EFI/refind/refind.conf exists" },
  { "lilo", "etc/lilo.conf=boot=/dev/sda\n", NULL, NULL, "unknown", "other", NULL,
    "/etc/lilo.conf exists, but PassthroughPrep does not edit that boot loader" },
  { "unknown-firmware", "", "rEFInd 0.14.2", NULL, "unknown", "refind", NULL, "the firmware says rEFInd 0.14.2 booted" },
  { "booster", "usr/bin/booster=x|etc/default/grub=x|boot/grub/grub.cfg=x", NULL, NULL, "grub", "grub", "booster",
    "/boot/grub/grub.cfg and /etc/default/grub exist" },
  { "limine-mkinitcpio", "usr/bin/limine-mkinitcpio=x|etc/mkinitcpio.conf=MODULES=()\n|etc/default/limine=x", NULL,
    NULL, NULL, "limine", "limine-mkinitcpio", NULL },
};

static void
test_detect_case (gconstpointer data)
{
  const DetectCase *c = data;
  g_autoptr(PpTestTree) root = pp_test_tree_new ();
  g_autoptr(PpBootSetup) setup = NULL;
  g_auto(GStrv) files = g_strsplit (c->files, "|", -1);

  pp_test_tree_mkdir (root, "sys/firmware/efi/efivars");
  for (guint i = 0; files[i] != NULL && files[i][0] != '\0'; i++)
    {
      g_auto(GStrv) pair = g_strsplit (files[i], "=", 2);
      g_autofree char *path = g_build_filename (root, pair[0], NULL);

      pp_test_tree_write (root, pair[0], pair[1]);
      if (g_str_has_prefix (pair[0], "usr/bin/"))
        g_chmod (path, 0755);
    }
  if (c->loader_info != NULL)
    pp_test_tree_efi_string (root, "LoaderInfo", c->loader_info);
  if (c->selected != NULL)
    pp_test_tree_efi_string (root, "LoaderEntrySelected", c->selected);
  setup = detect (root);
  g_assert_no_error (setup->error);
  if (c->boot != NULL)
    g_assert_cmpstr (setup->boot->id, ==, c->boot);
  g_assert_cmpstr (setup->bootloader, ==, c->bootloader);
  if (c->initramfs != NULL)
    g_assert_cmpstr (setup->initramfs->id, ==, c->initramfs);
  if (c->evidence != NULL)
    assert_evidence (setup, c->evidence);
}

/* VFIO configuration made before, wherever the host's tools read it */
static void
test_earlier_vfio_reader (void)
{
  g_autoptr(PpTestTree) root = pp_test_tree_new ();
  g_autoptr(PpBootSetup) setup = NULL;
  g_autoptr(GString) found = g_string_new (NULL);

  pp_test_tree_write (root, "etc/modprobe.d/vfio.conf",
                      "# old card\noptions vfio-pci ids=10de:1c03,10de:10f1 disable_vga=1\n"
                      "softdep nouveau pre: vfio-pci\ninstall vfio_pci /usr/local/bin/vfio-bind\n"
                      "options vfio_pci \\\n  ids=1:2\nblacklist vfio_iommu_type1\noptions pci-stub ids=10de:1401\n");
  /* /etc's file of the same name hides the package's */
  pp_test_tree_write (root, "usr/lib/modprobe.d/vfio.conf", "options vfio-pci ids=9:9\n");
  pp_test_tree_write (root, "usr/lib/modprobe.d/50-other.conf", "options vfio-pci ids=8:8\n");
  pp_test_tree_write (root, "etc/modprobe.d/passthrough-prep-vfio.conf.bak", "options vfio-pci ids=7:7\n");
  pp_test_tree_write (root, "etc/modules", "# comment vfio_pci ids=6:6\nvfio_pci ids=5:5\nvfio\n");
  pp_test_tree_write (root, "etc/initramfs-tools/modules", "pci_stub ids=10de:1401\n");
  pp_test_tree_write (root, "etc/dracut.conf.d/10-vfio.conf",
                      "force_drivers+=\" vfio_pci \"\nkernel_cmdline+=\" rd.driver.pre=vfio-pci vfio-pci.ids=4:4 \"\n");
  pp_test_tree_write (root, "etc/mkinitcpio.conf", "MODULES=(vfio_pci vfio vfio_iommu_type1 nvidia)\nHOOKS=(base udev)\n");
  pp_test_tree_write (root, "etc/default/grub",
                      "#GRUB_CMDLINE_LINUX=\"vfio-pci.ids=0:0\"\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet pci-stub.ids=10de:1401\"\n");
  setup = detect (root);
  g_assert_no_error (setup->error);
  for (guint i = 0; i < setup->earlier_vfio->len; i++)
    {
      PpEarlierVfio *item = g_ptr_array_index (setup->earlier_vfio, i);

      g_string_append_printf (found, "%s %s:%u %s%s%s\n", pp_earlier_vfio_kind_to_string (item->kind),
                              item->path, item->line, item->ids != NULL ? item->ids : "-",
                              item->stub ? " stub" : "", item->continued ? " continued" : "");
    }
  g_assert_cmpstr (found->str, ==,
                   "modprobe-options /usr/lib/modprobe.d/50-other.conf:1 8:8\n"
                   "modprobe-options /etc/modprobe.d/vfio.conf:2 10de:1c03,10de:10f1\n"
                   "modprobe-softdep /etc/modprobe.d/vfio.conf:3 -\n"
                   "modprobe-install /etc/modprobe.d/vfio.conf:4 -\n"
                   "modprobe-options /etc/modprobe.d/vfio.conf:5 1:2 continued\n"
                   "modprobe-blacklist /etc/modprobe.d/vfio.conf:7 -\n"
                   "modprobe-options /etc/modprobe.d/vfio.conf:8 10de:1401 stub\n"
                   "modules /etc/initramfs-tools/modules:1 10de:1401 stub\n"
                   "modules /etc/modules:2 5:5\n"
                   "dracut /etc/dracut.conf.d/10-vfio.conf:1 -\n"
                   "dracut /etc/dracut.conf.d/10-vfio.conf:2 4:4\n"
                   "mkinitcpio /etc/mkinitcpio.conf:1 -\n"
                   "kernel-cmdline /etc/default/grub:2 10de:1401 stub\n");
}

/* Once reserved, only what disagrees with the reservation is listed */
static void
test_earlier_vfio_after_reserving (void)
{
  g_autoptr(PpTestTree) root = pp_test_tree_new ();
  g_autoptr(PpBootSetup) setup = NULL;

  pp_test_tree_write (root, "etc/modprobe.d/passthrough-prep-vfio.conf", "options vfio-pci ids=10de:1b80,10de:10f0\n");
  pp_test_tree_write (root, "etc/modprobe.d/vfio.conf", "options vfio_pci ids=10DE:10f0,10de:1b80\nsoftdep x pre: vfio-pci\n");
  pp_test_tree_write (root, "etc/modules", "vfio_pci ids=1:2\n");
  pp_test_tree_write (root, "etc/kernel/cmdline", "root=/dev/sda1 vfio-pci.ids=10de:1b80,10de:10f0\n");
  pp_test_tree_write (root, "etc/mkinitcpio.conf", "MODULES=(vfio_pci vfio vfio_iommu_type1)\n");
  setup = detect (root);
  g_assert_cmpuint (setup->earlier_vfio->len, ==, 1);
  g_assert_cmpstr (((PpEarlierVfio *) g_ptr_array_index (setup->earlier_vfio, 0))->path, ==, "/etc/modules");
}

static void
test_earlier_vfio_unreadable (void)
{
  g_autoptr(PpTestTree) root = pp_test_tree_new ();
  g_autoptr(PpBootSetup) setup = NULL;
  g_autofree char *path = g_build_filename (root, "etc/modprobe.d/vfio.conf", NULL);

  if (geteuid () == 0)
    {
      g_test_skip ("root reads files whatever their mode");
      return;
    }
  pp_test_tree_write (root, "etc/modprobe.d/vfio.conf", "options vfio-pci ids=1:2\n");
  g_assert_cmpint (g_chmod (path, 0), ==, 0);
  setup = detect (root);
  g_assert_error (setup->error, PP_HOST_ERROR, PP_HOST_ERROR_UNREADABLE);
  g_assert_cmpstr (setup->error->message, ==, "/etc/modprobe.d/vfio.conf: permission denied");
}

static void
test_vfio_ids_same (void)
{
  g_assert_true (pp_vfio_ids_same ("10de:1b80,10de:10f0", "10DE:10F0, 10de:1b80"));
  g_assert_true (pp_vfio_ids_same ("10de:1b80:ffffffff:ffffffff,10de:1b80", "10de:1b80"));
  g_assert_false (pp_vfio_ids_same ("10de:1b80", "10de:1b80,10de:10f0"));
  g_assert_false (pp_vfio_ids_same ("10de:1b80", NULL));
  g_assert_true (pp_vfio_ids_contain ("1002:67df,1b21:1242", "1B21:1242"));
  g_assert_false (pp_vfio_ids_contain ("1002:67df", "1002:67d"));
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
  g_test_add_func ("/boot/initramfs/every-backend-binds-by-address", test_initramfs_backends_bind_by_address);
  g_test_add_func ("/boot/efi/decode", test_efi_decode);
  g_test_add_func ("/boot/detect/firmware", test_detect_firmware);
  g_test_add_func ("/boot/detect/boot-image", test_detect_boot_image);
  g_test_add_func ("/boot/detect/firmware-unreadable", test_detect_firmware_unreadable);
  g_test_add_func ("/boot/earlier-vfio/reader", test_earlier_vfio_reader);
  g_test_add_func ("/boot/earlier-vfio/after-reserving", test_earlier_vfio_after_reserving);
  g_test_add_func ("/boot/earlier-vfio/unreadable", test_earlier_vfio_unreadable);
  g_test_add_func ("/boot/earlier-vfio/ids-same", test_vfio_ids_same);
  for (guint i = 0; i < G_N_ELEMENTS (detect_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/boot/detect/%s", detect_cases[i].name);

      g_test_add_data_func (path, &detect_cases[i], test_detect_case);
    }
  g_test_add_func ("/boot/entry/loader-show-menu", test_loader_show_menu);
  g_test_add_func ("/boot/entry/passthrough-entry", test_passthrough_entry);
  g_test_add_func ("/boot/entry/grub-show-menu", test_grub_show_menu);
  g_test_add_func ("/boot/entry/grub-show-menu-refused", test_grub_show_menu_refused);
  return g_test_run ();
}
