/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "pp-edit-initramfs-tools.h"
#include "pp-edit-modprobe.h"
#include "pp-test-shell.h"
#include "pp-test-tree.h"

#define IDS "10de:1f08,10de:10f9"
#define VFIO "vfio_pci\nvfio\nvfio_iommu_type1\n"
#define STOCK "# List of modules that you want to include in your initramfs.\n" \
              "# They will be loaded at boot time in the order below.\n#\n" \
              "# Syntax:  module_name [args ...]\n#\n" \
              "# You must run update-initramfs(8) to effect this change.\n#\n# Examples:\n#\n# raid1\n# sd_mod\n"

typedef struct
{
  const char *name;
  const char *before;   /* NULL: no file */
  const char *modules;  /* what mkinitramfs loads after, "module args" a line */
  const char *after;    /* the exact text, when it matters */
  const char *ids;      /* NULL: IDS; "": bound by address */
} ModulesCase;

static const ModulesCase modules_cases[] = {
  { "stock", STOCK, "vfio_pci\nvfio\nvfio_iommu_type1\n", STOCK VFIO },
  { "absent", NULL, "vfio_pci\nvfio\nvfio_iommu_type1\n", VFIO },
  { "no-final-newline", "raid1", "raid1\nvfio_pci\nvfio\nvfio_iommu_type1\n", "raid1\n" VFIO },
  { "guide-with-trailing-spaces-and-virqfd",
    "vfio \nvfio_iommu_type1 \nvfio_virqfd \nvfio_pci ids=10de:1f08,10de:1f09\nvfio_pci\n",
    "vfio\nvfio_iommu_type1\nvfio_pci ids=" IDS "\nvfio_pci\n",
    "vfio \nvfio_iommu_type1 \nvfio_pci ids=" IDS "\nvfio_pci\n" },
  { "dash-names", "vfio\nvfio-iommu-type1\nvfio-pci\nvhost-net\n", "vfio\nvfio-iommu-type1\nvfio-pci\nvhost-net\n", NULL },
  { "gpu-driver-listed", "# early KMS\nnvidia\nnvidia_drm modeset=1\n",
    "vfio_pci\nvfio\nvfio_iommu_type1\nnvidia\nnvidia_drm modeset=1\n",
    "# early KMS\n" VFIO "nvidia\nnvidia_drm modeset=1\n" },
  { "vfio-after-gpu-driver", "amdgpu\nvfio_pci\n", "vfio_pci\nvfio\nvfio_iommu_type1\namdgpu\n", VFIO "amdgpu\n" },
  { "blacklist-line-kept", "blacklist ata_piix\n# comment vfio_pci\n", "blacklist ata_piix\nvfio_pci\nvfio\nvfio_iommu_type1\n", NULL },
  { "indented-comment-is-a-module-line", "  # not a comment for grep '^[^#]'\n",
    "# not a comment for grep '^[^#]'\nvfio_pci\nvfio\nvfio_iommu_type1\n", NULL },
  /* bound by address: an earlier ids= would take the identical twin too */
  { "by-address-drops-ids", "vfio_pci disable_vga=1 ids=10de:1f08,10de:1f09\nvfio\nvfio_iommu_type1\n",
    "vfio_pci disable_vga=1\nvfio\nvfio_iommu_type1\n", "vfio_pci disable_vga=1\nvfio\nvfio_iommu_type1\n", "" },
  { "by-address-stock", STOCK, "vfio_pci\nvfio\nvfio_iommu_type1\n", STOCK VFIO, "" },
};

static char *
modules_as_mkinitramfs_reads (const char *path)
{
  const char *argv[] = { "sh", "-c",
    "grep '^[^#]' \"$1\" | while read -r mod args; do [ -n \"$mod\" ] && echo \"$mod${args:+ $args}\"; done",
    "oracle", path, NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL, NULL, &error);
  g_assert_no_error (error);
  return out;
}

static void
test_modules_case (gconstpointer data)
{
  const ModulesCase *c = data;
  const char *ids = c->ids != NULL ? c->ids : IDS;
  g_autofree char *after = pp_initramfs_tools_edit_modules (PP_INITRAMFS_TOOLS_MODULES, c->before, ids);
  g_autofree char *again = NULL;
  g_autoptr(PpTestTree) tmp = pp_test_tree_new ();
  g_autofree char *path = NULL;
  g_autofree char *loaded = NULL;
  const char *result;

  /* NULL: nothing to change */
  result = after ? after : c->before;
  g_assert_nonnull (result);
  if (c->after != NULL)
    g_assert_cmpstr (result, ==, c->after);
  path = pp_test_write_file (tmp, "modules", result);
  loaded = modules_as_mkinitramfs_reads (path);
  g_assert_cmpstr (loaded, ==, c->modules);
  again = pp_initramfs_tools_edit_modules (PP_INITRAMFS_TOOLS_MODULES, result, ids);
  g_assert_null (again);
}

static PpPciDevice *
device (guint16     vendor,
        guint16     class_id,
        const char *driver)
{
  PpPciDevice *d = g_new0 (PpPciDevice, 1);

  d->vendor_id = vendor;
  d->class_id = class_id;
  d->driver = g_strdup (driver);
  return d;
}

static void
test_competing_modules (void)
{
  g_autoptr(GPtrArray) modules = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(PpPciDevice) vga = device (0x10de, 0x0300, "nvidia");
  g_autoptr(PpPciDevice) audio = device (0x10de, 0x0403, "snd_hda_intel");
  g_autoptr(PpPciDevice) usb = device (0x10de, 0x0c03, "xhci_hcd");
  g_autoptr(PpPciDevice) ucsi = device (0x10de, 0x0c80, "nvidia-gpu");
  g_autoptr(PpPciDevice) amd = device (0x1002, 0x0300, "vfio-pci");
  const char *want[] = { "nvidia", "nouveau", "snd_hda_intel", "xhci_pci", "i2c_nvidia_gpu", "amdgpu", "radeon", NULL };

  g_assert_true (pp_modprobe_competing_modules (vga, modules, NULL));
  g_assert_true (pp_modprobe_competing_modules (audio, modules, NULL));
  g_assert_true (pp_modprobe_competing_modules (usb, modules, NULL));
  g_assert_true (pp_modprobe_competing_modules (ucsi, modules, NULL));
  g_assert_true (pp_modprobe_competing_modules (amd, modules, NULL));
  g_ptr_array_add (modules, NULL);
  g_assert_cmpstrv ((const char * const *) modules->pdata, want);
}

/* A driver's name comes from a sysfs link: only a module name may reach a
 * modprobe.d line */
static void
test_competing_modules_refuse_odd_names (void)
{
  const char *odd[] = { "nvidia\nblacklist vfio_pci", "nvidia pre: x", "", "n/v", "nvidia;", "nvidïa",
                        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
  const char *fine[] = { "nvidia", "snd_hda_intel", "ehci-pci", "A-Z_0-9",
                         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };

  for (guint i = 0; i < G_N_ELEMENTS (odd); i++)
    {
      g_autoptr(GPtrArray) modules = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(PpPciDevice) vga = device (0x10de, 0x0300, odd[i]);
      g_autoptr(GError) error = NULL;

      vga->address = g_strdup ("0000:01:00.0");
      g_assert_false (pp_modprobe_name_is_valid (odd[i]));
      g_assert_false (pp_modprobe_competing_modules (vga, modules, &error));
      g_assert_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED);
      g_assert_true (g_str_has_prefix (error->message, "0000:01:00.0 is bound to a driver named “"));
      g_assert_null (strchr (error->message, '\n'));
      g_assert_cmpuint (modules->len, ==, 0);
    }
  for (guint i = 0; i < G_N_ELEMENTS (fine); i++)
    g_assert_true (pp_modprobe_name_is_valid (fine[i]));
  g_assert_false (pp_modprobe_name_is_valid (NULL));
}

static void
test_modprobe_render (void)
{
  const char *ids[] = { "10de:1b80", "10de:10f0", NULL };
  const char *softdeps[] = { "nvidia", "nouveau", "snd_hda_intel", NULL };
  g_autofree char *text = pp_modprobe_render ("0000:01:00.0", ids, NULL, FALSE, softdeps);
  g_autoptr(GPtrArray) commands = pp_modprobe_parse (text);
  PpModprobeCommand *options;

  g_assert_true (g_str_has_prefix (text, "# Written by PassthroughPrep"));
  g_assert_cmpuint (commands->len, ==, 4);
  options = g_ptr_array_index (commands, 0);
  g_assert_cmpstr (options->words[0], ==, "options");
  g_assert_cmpstr (options->words[1], ==, "vfio-pci");
  g_assert_cmpstr (options->words[2], ==, "ids=10de:1b80,10de:10f0");
  g_assert_cmpuint (options->line, ==, 3);
  for (guint i = 1; i < 4; i++)
    {
      PpModprobeCommand *softdep = g_ptr_array_index (commands, i);
      const char *want[] = { "softdep", softdeps[i - 1], "pre:", "vfio-pci", NULL };

      g_assert_cmpstrv ((const char * const *) softdep->words, want);
    }
}

/* bound by address: no ids, and modprobe runs the script before vfio-pci */
static void
test_modprobe_render_by_address (void)
{
  const char *softdeps[] = { "amdgpu", NULL };
  g_autofree char *text = pp_modprobe_render ("0000:0d:00.0", NULL, "/etc/passthrough-prep/vfio-bind", FALSE,
                                              softdeps);
  g_autofree char *entry_text = pp_modprobe_render ("0000:0d:00.0", NULL, "/etc/passthrough-prep/vfio-bind", TRUE,
                                                    softdeps);
  g_autoptr(GPtrArray) commands = pp_modprobe_parse (text);
  g_autoptr(GPtrArray) entry_commands = pp_modprobe_parse (entry_text);
  const char *install[] = { "install", "vfio-pci", "/etc/passthrough-prep/vfio-bind;", "/sbin/modprobe",
                            "--ignore-install", "vfio-pci", "$CMDLINE_OPTS", NULL };

  g_assert_null (strstr (text, "ids="));
  g_assert_cmpuint (commands->len, ==, 2);
  g_assert_cmpstrv ((const char * const *) ((PpModprobeCommand *) g_ptr_array_index (commands, 0))->words, install);
  /* boot-entry mode: the same commands, and the note Readiness looks for */
  g_assert_null (strstr (text, PP_MODPROBE_BOOT_ENTRY_NOTE));
  g_assert_nonnull (strstr (entry_text, PP_MODPROBE_BOOT_ENTRY_NOTE "\n"));
  g_assert_cmpuint (entry_commands->len, ==, 2);
  g_assert_cmpstrv ((const char * const *) ((PpModprobeCommand *) g_ptr_array_index (entry_commands, 0))->words,
                    install);
}

static void
test_vfio_addresses_render (void)
{
  g_autoptr(GPtrArray) reserve = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_pci_device_free);
  g_autofree char *text = NULL;
  PpPciDevice *gpu = device (0x1002, 0x0300, "amdgpu");
  PpPciDevice *audio = device (0x1002, 0x0403, "snd_hda_intel");

  gpu->address = g_strdup ("0000:0d:00.0");
  gpu->device_id = 0x73bf;
  audio->address = g_strdup ("0000:0d:00.1");
  audio->device_id = 0xab28;
  g_ptr_array_add (reserve, gpu);
  g_ptr_array_add (reserve, audio);
  text = pp_vfio_addresses_render ("0000:0d:00.0", "/etc/passthrough-prep/vfio-bind", reserve);
  g_assert_true (g_str_has_prefix (text, "# Written by PassthroughPrep"));
  g_assert_true (g_str_has_suffix (text, "# reserve again and removed by Revert; do not edit.\n"
                                         "0000:0d:00.0@1002:73bf\n0000:0d:00.1@1002:ab28\n"));
  g_free (text);
  /* boot-entry mode: none here, they are on the Passthrough entries' command line */
  text = pp_vfio_addresses_render ("0000:0d:00.0", "/etc/passthrough-prep/vfio-bind", NULL);
  g_assert_true (g_str_has_suffix (text, "do not edit.\n" PP_VFIO_ADDRESSES_BOOT_ENTRY_NOTE "\n"));
}

static void
test_modprobe_parse_and_conflicts (void)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) commands = pp_modprobe_parse ("  # comment\noptions vfio_pci \\\n  disable_vga=1 ids=1:2\nblacklist nouveau\n");

  g_assert_cmpuint (commands->len, ==, 2);
  g_assert_cmpuint (((PpModprobeCommand *) g_ptr_array_index (commands, 0))->line, ==, 2);
  g_assert_cmpstr (((PpModprobeCommand *) g_ptr_array_index (commands, 0))->words[3], ==, "ids=1:2");

  g_ptr_array_add (files, pp_text_file_new ("/etc/modprobe.d/vfio.conf", "options vfio-pci ids=10de:21c4\n"));
  g_ptr_array_add (files, pp_text_file_new ("/etc/modprobe.d/no.conf", "# x\nblacklist vfio_pci\n"));
  g_ptr_array_add (files, pp_text_file_new (PP_MODPROBE_FILE, "options vfio-pci ids=1:2\n"));
  /* other IDs are reconciled by the plan (pp-plan-earlier.c); a blacklist is a warning */
  pp_modprobe_check_others (files, warnings);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (warnings, 0), "/etc/modprobe.d/no.conf:2: "));
}

/* The earlier "options vfio-pci ids=" loses its ids= and nothing else; a
 * line left with nothing to say goes */
static void
test_modprobe_drop_ids (void)
{
  static const struct { const char *text; guint line; const char *want; } cases[] = {
    { "options vfio-pci ids=10de:1b80,10de:10f0\n", 1, "" },
    { "# mine\noptions vfio_pci ids=1:2 disable_vga=1\nsoftdep nouveau pre: vfio-pci\n", 2,
      "# mine\noptions vfio_pci disable_vga=1\nsoftdep nouveau pre: vfio-pci\n" },
    { "options vfio-pci disable_vga=1\tids=1:2\r\n", 1, "options vfio-pci disable_vga=1\r\n" },
    { "options vfio-pci ids=1:2 ids=3:4\n", 1, "" },
    { "options vfio-pci ids=1:2", 1, "" },
    { "a\noptions vfio-pci ids=1:2", 2, "a\n" },
    { "options vfio-pci disable_vga=1\n", 1, NULL },
    { "options vfio-pci ids=1:2\n", 3, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *edited = pp_modprobe_drop_ids (cases[i].text, cases[i].line);

      g_assert_cmpstr (edited, ==, cases[i].want);
    }
}

/* /etc/modules and initramfs-tools lines: only the ids= value changes */
static void
test_modules_line_set_ids (void)
{
  g_autofree char *edited = pp_modules_line_set_ids ("# x\nvfio_pci ids=1:2 disable_vga=1\nnvidia\n", 2, "10de:1b80");
  g_autofree char *same = pp_modules_line_set_ids ("vfio_pci ids=10de:1b80\n", 1, "10de:1b80");
  g_autofree char *comment = pp_modules_line_set_ids ("#vfio_pci ids=1:2\n", 1, "10de:1b80");

  g_assert_cmpstr (edited, ==, "# x\nvfio_pci ids=10de:1b80 disable_vga=1\nnvidia\n");
  g_assert_null (same);
  g_assert_null (comment);
}

/* The spaces rule: our list must not glue to what other files add */
static void
test_dracut_spaces (void)
{
  g_autofree char *ours = pp_dracut_render ("0000:01:00.0", NULL);
  g_autoptr(PpTestTree) tmp = pp_test_tree_new ();
  g_autofree char *before = pp_test_write_file (tmp, "10-nvme.conf", "force_drivers+=\"nvme\"\n");
  g_autofree char *mine = pp_test_write_file (tmp, "passthrough-prep-vfio.conf", ours);
  g_autofree char *after = pp_test_write_file (tmp, "zz-late.conf", "force_drivers+=\"ahci\"\n");
  const char *paths[] = { before, mine, after, NULL };
  g_auto(GStrv) value = pp_test_shell_value ("bash", paths, "force_drivers");
  g_auto(GStrv) words = NULL;
  const char *want[] = { "nvme", "vfio_pci", "vfio", "vfio_iommu_type1", "ahci", NULL };
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (g_strv_length (value), ==, 1);
  words = g_strsplit_set (value[0], " ", -1);
  {
    g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
    g_auto(GStrv) list = NULL;

    for (guint i = 0; words[i]; i++)
      if (words[i][0])
        g_strv_builder_add (kept, words[i]);
    list = g_strv_builder_end (kept);
    g_assert_cmpstrv ((const char * const *) list, want);
  }

  g_ptr_array_add (files, pp_text_file_new ("/etc/dracut.conf", "hostonly=\"yes\"\n"));
  g_ptr_array_add (files, pp_text_file_new (PP_DRACUT_FILE, ours));
  g_ptr_array_add (files, pp_text_file_new ("/etc/dracut.conf.d/zz.conf", "# reset\nforce_drivers=\"ahci\"\n"));
  g_assert_true (pp_dracut_check_others (files, warnings, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (warnings->len, ==, 1);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (warnings, 0), "/etc/dracut.conf.d/zz.conf:2: "));

}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (modules_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/core/initramfs-tools/", modules_cases[i].name, NULL);

      g_test_add_data_func (path, &modules_cases[i], test_modules_case);
    }
  g_test_add_func ("/core/modprobe/competing-modules", test_competing_modules);
  g_test_add_func ("/core/modprobe/competing-modules-refuse-odd-names", test_competing_modules_refuse_odd_names);
  g_test_add_func ("/core/modprobe/render", test_modprobe_render);
  g_test_add_func ("/core/modprobe/render-by-address", test_modprobe_render_by_address);
  g_test_add_func ("/core/modprobe/addresses-file", test_vfio_addresses_render);
  g_test_add_func ("/core/modprobe/drop-ids", test_modprobe_drop_ids);
  g_test_add_func ("/core/modules/set-ids", test_modules_line_set_ids);
  g_test_add_func ("/core/modprobe/parse-and-conflicts", test_modprobe_parse_and_conflicts);
  g_test_add_func ("/core/dracut/spaces-rule", test_dracut_spaces);
  return g_test_run ();
}
