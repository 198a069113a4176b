/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "pp-edit-booster.h"
#include "pp-edit-limine.h"
#include "pp-edit-refind.h"
#include "pp-edit-shell-cmdline.h"
#include "pp-test-oracle.h"
#include "pp-test-shell.h"
#include "pp-test-tree.h"

/* The editors of the boot managers' own formats: Limine (limine.conf and
 * limine-entry-tool's /etc/default/limine), rEFInd's refind_linux.conf,
 * booster's YAML and a command line in a sourced shell variable
 * (sdboot-manage). Each case is checked with the format's own reader (the
 * shell, PyYAML, or a reader written from the boot manager's sources, in
 * pp-test-oracle.c), edited a second time (nothing changes) and, where the
 * exact bytes matter, against the text it must give. */

#define IDS "10de:1b80,10de:10f0"
#define ADD "intel_iommu=on iommu=pt vfio-pci.ids=" IDS

static const PpKernelParamsIntent intent = { PP_CPU_VENDOR_INTEL, TRUE, IDS };

/* intel_iommu once, with "on" among its values; iommu=pt and our IDs once */
static void
assert_params_once (const char *where,
                    const char *cmdline)
{
  g_auto(GStrv) words = g_strsplit_set (cmdline, " \t\n\v\f\r", -1);
  guint switches = 0;
  gboolean on = FALSE;

  for (guint i = 0; words[i] != NULL; i++)
    if (g_str_has_prefix (words[i], "intel_iommu="))
      {
        g_auto(GStrv) values = g_strsplit (words[i] + strlen ("intel_iommu="), ",", -1);

        switches++;
        on = g_strv_contains ((const char * const *) values, "on");
      }
  if (switches != 1 || !on || pp_test_count_words (cmdline, "iommu=pt") != 1
      || pp_test_count_words (cmdline, "vfio-pci.ids=" IDS) != 1)
    g_error ("%s: “%s” does not carry " ADD " once each", where, cmdline);
}

/* ------------------------------------------------------------------ limine.conf */

typedef struct
{
  const char *name;
  const char *path;
  const char *text;
  const char *want;         /* the whole new text, or NULL: only the oracle */
  const char *want_error;
  const char *want_warning;
  guint       linux_entries;
} LimineCase;

static const LimineCase limine_cases[] = {
  { "plain", "/boot/limine.conf",
    "timeout: 3\n\n/Arch Linux\n    protocol: linux\n    path: boot():/vmlinuz-linux\n"
    "    cmdline: root=UUID=1 rw quiet\n    module_path: boot():/initramfs-linux.img\n",
    "timeout: 3\n\n/Arch Linux\n    protocol: linux\n    path: boot():/vmlinuz-linux\n"
    "    cmdline: root=UUID=1 rw quiet " ADD "\n    module_path: boot():/initramfs-linux.img\n", NULL, NULL, 1 },
  /* Limine takes the first kernel_cmdline, else the first cmdline */
  { "kernel-cmdline-wins", "/boot/limine.conf",
    "/Arch\nprotocol: linux\nCMDLINE: ignored=1\nKERNEL_CMDLINE: root=UUID=1 rw\ncmdline: ignored=2\n",
    "/Arch\nprotocol: linux\nCMDLINE: ignored=1\nKERNEL_CMDLINE: root=UUID=1 rw " ADD "\ncmdline: ignored=2\n",
    NULL, NULL, 1 },
  { "first-cmdline", "/boot/limine.conf",
    "/Arch\n  protocol: linux\n  cmdline: root=/dev/sda2 iommu=soft vfio-pci.ids=1:2\n  cmdline: later=1\n",
    "/Arch\n  protocol: linux\n  cmdline: root=/dev/sda2 iommu=pt vfio-pci.ids=" IDS " intel_iommu=on\n  cmdline: later=1\n",
    NULL, NULL, 1 },
  { "no-cmdline-crlf", "/boot/EFI/BOOT/limine.conf",
    "timeout: 5\r\n/Arch Linux\r\n\tprotocol: linux\r\n\tpath: boot():/vmlinuz-linux\r\n",
    "timeout: 5\r\n/Arch Linux\r\n\tprotocol: linux\r\n\tcmdline: " ADD "\r\n\tpath: boot():/vmlinuz-linux\r\n",
    NULL, NULL, 1 },
  { "protocol-last-no-newline", "/boot/limine.conf",
    "/Arch\n  path: boot():/vmlinuz-linux\n  protocol: linux",
    "/Arch\n  path: boot():/vmlinuz-linux\n  protocol: linux\n  cmdline: " ADD, NULL, NULL, 1 },
  { "directories-and-other-protocols", "/boot/limine.conf",
    "/+CachyOS\ncomment: machine-id=abc\n    //linux-cachyos\n    protocol: linux\n    cmdline: quiet\n"
    "    //linux-cachyos-lts\n    PROTOCOL: Linux\n    CMDLINE: quiet rw\n"
    "/Windows\n    protocol: efi_chainload\n    image_path: boot():/EFI/Microsoft/Boot/bootmgfw.efi\n"
    "/Memtest\n    protocol: efi\n    cmdline: not-linux\n",
    NULL, NULL, NULL, 2 },
  { "comments-are-not-keys", "/boot/limine.conf",
    "/Arch\n  protocol: linux\n  # cmdline: root=old\n  #cmdline: x\n  cmdline: root=UUID=1\n",
    "/Arch\n  protocol: linux\n  # cmdline: root=old\n  #cmdline: x\n  cmdline: root=UUID=1 " ADD "\n",
    NULL, NULL, 1 },
  { "empty-cmdline", "/boot/limine.conf",
    "/Arch\n  protocol: linux\n  cmdline:\n", "/Arch\n  protocol: linux\n  cmdline: " ADD "\n", NULL, NULL, 1 },
  { "trailing-blanks", "/boot/limine.conf",
    "/Arch\n  protocol: linux\n  cmdline: root=UUID=1   \n",
    "/Arch\n  protocol: linux\n  cmdline: root=UUID=1 " ADD "   \n", NULL, NULL, 1 },
  { "macro", "/boot/limine.conf",
    "${ROOT}=root=UUID=1 rw\n/Arch\n  protocol: linux\n  cmdline: ${ROOT} quiet\n",
    "${ROOT}=root=UUID=1 rw\n/Arch\n  protocol: linux\n  cmdline: ${ROOT} quiet " ADD "\n", NULL, "${ROOT}", 1 },
  { "done-already", "/boot/limine.conf",
    "/Arch\n  protocol: linux\n  cmdline: " ADD "\n", NULL, NULL, NULL, 1 },
  { "old-syntax", "/boot/limine.cfg",
    "TIMEOUT=5\n\n:Arch Linux\n    PROTOCOL=linux\n    KERNEL_PATH=boot:///vmlinuz-linux\n    CMDLINE=root=UUID=1 rw\n"
    ":Arch Linux (no cmdline)\n    PROTOCOL=linux\n    KERNEL_PATH=boot:///vmlinuz-linux\n",
    "TIMEOUT=5\n\n:Arch Linux\n    PROTOCOL=linux\n    KERNEL_PATH=boot:///vmlinuz-linux\n    CMDLINE=root=UUID=1 rw " ADD "\n"
    ":Arch Linux (no cmdline)\n    PROTOCOL=linux\n    CMDLINE=" ADD "\n    KERNEL_PATH=boot:///vmlinuz-linux\n",
    NULL, NULL, 2 },
  { "quoted-value", "/boot/limine.conf",
    "/Arch\n  protocol: linux\n  cmdline: root=UUID=1 intel_iommu=\"off\"\n",
    NULL, "/boot/limine.conf: cannot safely replace", NULL, 0 },
};

static void
test_limine_conf (gconstpointer data)
{
  const LimineCase *c = data;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *edited = pp_limine_edit_conf (c->path, c->text, &intent, warnings, &error);
  g_autofree char *again = NULL;
  g_autoptr(GPtrArray) cmdlines = NULL;
  const char *after = edited != NULL ? edited : c->text;

  if (c->want_error != NULL)
    {
      pp_test_expect_error (error, edited, c->want_error);
      return;
    }
  g_assert_no_error (error);
  if (c->want != NULL)
    g_assert_cmpstr (edited, ==, c->want);
  if (c->want_warning != NULL)
    g_assert_true (pp_test_warnings_mention (warnings, c->want_warning));
  cmdlines = pp_test_limine_cmdlines (after, g_str_has_suffix (c->path, ".cfg"));
  g_assert_cmpuint (cmdlines->len, ==, c->linux_entries);
  for (guint i = 0; i < cmdlines->len; i++)
    assert_params_once (c->name, g_ptr_array_index (cmdlines, i));
  again = pp_limine_edit_conf (c->path, after, &intent, warnings, &error);
  g_assert_no_error (error);
  g_assert_null (again);
}

static void
test_limine_conf_too_long (void)
{
  g_autoptr(GString) text = g_string_new ("/Arch\n  protocol: linux\n  cmdline: ");
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *edited = NULL;

  for (guint i = 0; i < 405; i++)
    g_string_append (text, "option=12 ");
  g_string_append (text, "\n");
  edited = pp_limine_edit_conf ("/boot/limine.conf", text->str, &intent, warnings, &error);
  pp_test_expect_error (error, edited, "/boot/limine.conf:3: the command line would be longer than the 4095");
}

/* ------------------------------------------------------------------ /etc/default/limine */

typedef struct
{
  const char *name;
  const char *dropin;       /* /etc/limine-entry-tool.d/50-x.conf, or NULL */
  const char *defaults;     /* /etc/default/limine */
  const char *want;         /* the new /etc/default/limine, or NULL */
  const char *want_error;
  guint       keys;         /* KERNEL_CMDLINE keys the shell sees */
  gboolean    crlf;         /* bash keeps the \r: no shell oracle */
  const char *want_warning;
} DefaultsCase;

static const DefaultsCase defaults_cases[] = {
  { "cachyos", NULL,
    "TARGET_OS_NAME=\"CachyOS\"\nKERNEL_CMDLINE[default]=\"quiet nowatchdog splash rw root=UUID=1\"\n",
    "TARGET_OS_NAME=\"CachyOS\"\nKERNEL_CMDLINE[default]=\"quiet nowatchdog splash rw root=UUID=1 " ADD "\"\n",
    NULL, 1 },
  { "appended", NULL,
    "KERNEL_CMDLINE[default]=\"quiet\"\nKERNEL_CMDLINE[default]+=\" splash iommu=soft\"\n",
    "KERNEL_CMDLINE[default]=\"quiet\"\nKERNEL_CMDLINE[default]+=\" splash iommu=pt intel_iommu=on vfio-pci.ids=" IDS "\"\n",
    NULL, 1 },
  { "per-kernel-keys", NULL,
    "KERNEL_CMDLINE[default]=\"quiet\"\nKERNEL_CMDLINE[\"linux-cachyos\"]=\"quiet mitigations=off\"\n"
    "KERNEL_CMDLINE['linux-zen']='rw'\nKERNEL_CMDLINE[linux-lts]=rw  # bare\n",
    "KERNEL_CMDLINE[default]=\"quiet " ADD "\"\nKERNEL_CMDLINE[\"linux-cachyos\"]=\"quiet mitigations=off " ADD "\"\n"
    "KERNEL_CMDLINE['linux-zen']='rw " ADD "'\nKERNEL_CMDLINE[linux-lts]=\"rw " ADD "\"  # bare\n",
    NULL, 4 },
  /* "quiet intel_iommu=" "off": the glued parameter is left, ours comes after it and wins */
  { "glued-append", NULL,
    "KERNEL_CMDLINE[default]=\"quiet intel_iommu=\"\nKERNEL_CMDLINE[default]+=\"off\"\n",
    "KERNEL_CMDLINE[default]=\"quiet intel_iommu=\"\nKERNEL_CMDLINE[default]+=\"off " ADD "\"\n", NULL, 1, FALSE,
    "joins “+=” text to the value before it" },
  { "dropin-then-defaults", "KERNEL_CMDLINE[default]=\"root=UUID=1 rw vfio-pci.ids=1:2\"\n",
    "# local additions\nKERNEL_CMDLINE[default]+=\" quiet\"\n",
    "# local additions\nKERNEL_CMDLINE[default]+=\" quiet intel_iommu=on iommu=pt\"\n", NULL, 1 },
  { "empty-append", NULL,
    "KERNEL_CMDLINE[default]=\"quiet\"\nKERNEL_CMDLINE[default]+=\"\"\n",
    "KERNEL_CMDLINE[default]=\"quiet\"\nKERNEL_CMDLINE[default]+=\" " ADD "\"\n", NULL, 1 },
  /* a form feed is blank to the kernel: what is added goes before it, once
   * (found by fuzz-limine) */
  { "form-feed-at-end", NULL, "KERNEL_CMDLINE[default]+=\" quiet\f\"\n",
    "KERNEL_CMDLINE[default]+=\" quiet " ADD "\f\"\n", NULL, 1 },
  { "commented", NULL, "#KERNEL_CMDLINE[default]=\"quiet\"\n   # KERNEL_CMDLINE[x]+=\"y\"\n", NULL, NULL, 0 },
  { "crlf", NULL, "KERNEL_CMDLINE[default]=\"quiet\"\r\nENABLE_UKI=no\r\n",
    "KERNEL_CMDLINE[default]=\"quiet " ADD "\"\r\nENABLE_UKI=no\r\n", NULL, 1, TRUE },
  { "command-substitution", NULL, "KERNEL_CMDLINE[default]=\"$(cat /etc/kernel/cmdline)\"\n", NULL,
    "/etc/default/limine:1: KERNEL_CMDLINE is set in a way PassthroughPrep does not read", 0 },
  { "continued", NULL, "KERNEL_CMDLINE[default]=\"quiet \\\nsplash\"\n", NULL,
    "/etc/default/limine:1: KERNEL_CMDLINE is set in a way", 0 },
  { "unterminated", NULL, "KERNEL_CMDLINE[default]=\"quiet\n", NULL, "/etc/default/limine:1: KERNEL_CMDLINE is set", 0 },
  { "export", NULL, "export KERNEL_CMDLINE\n", NULL, "/etc/default/limine:1: KERNEL_CMDLINE is set", 0 },
  { "trailing-command", NULL, "KERNEL_CMDLINE[default]=\"quiet\"; echo x\n", NULL,
    "/etc/default/limine:1: KERNEL_CMDLINE is set", 0 },
};

static void
test_limine_defaults (gconstpointer data)
{
  const DefaultsCase *c = data;
  g_autoptr(PpTestTree) dir = pp_test_tree_new ();
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);
  g_autoptr(PpEditResult) result = NULL;
  g_autoptr(PpEditResult) again = NULL;
  g_autoptr(GPtrArray) edited = NULL;
  g_autoptr(GError) error = NULL;
  gboolean found = FALSE;

  g_ptr_array_add (files, pp_text_file_new ("/etc/limine-entry-tool.conf", NULL));
  g_ptr_array_add (files, pp_text_file_new ("/etc/limine-entry-tool.d/50-x.conf", c->dropin));
  g_ptr_array_add (files, pp_text_file_new ("/etc/default/limine", c->defaults));
  result = pp_limine_defaults_edit (files, &intent, &found, &error);
  if (c->want_error != NULL)
    {
      pp_test_expect_error (error, result, c->want_error);
      return;
    }
  g_assert_no_error (error);
  g_assert_true (found == (c->keys > 0));
  if (c->want != NULL)
    g_assert_cmpstr (g_ptr_array_index (result->texts, 2), ==, c->want);
  if (c->want_warning != NULL)
    g_assert_true (pp_test_warnings_mention (result->warnings, c->want_warning));
  edited = pp_edit_result_apply (result, files);
  if (!c->crlf && c->keys > 0 && c->want_warning == NULL)
    {
      g_autoptr(GPtrArray) paths = pp_test_write_text_files (dir, edited);
      g_autoptr(GHashTable) values = pp_test_shell_assoc ((const char * const *) paths->pdata, "KERNEL_CMDLINE");
      GHashTableIter iter;
      gpointer key, value;

      g_assert_cmpuint (g_hash_table_size (values), ==, c->keys);
      g_hash_table_iter_init (&iter, values);
      while (g_hash_table_iter_next (&iter, &key, &value))
        assert_params_once (key, value);
    }
  again = pp_limine_defaults_edit (edited, &intent, &found, &error);
  pp_test_assert_no_change (again, error);
}

/* ------------------------------------------------------------------ refind_linux.conf */

typedef struct
{
  const char *name;
  const char *text;
  const char *want;
  const char *want_error;
  guint       lines;        /* option strings rEFInd reads */
} RefindCase;

static const RefindCase refind_cases[] = {
  { "mkrlconf",
    "\"Boot with standard options\"  \"ro root=UUID=1 quiet splash\"\n"
    "\"Boot to single-user mode\"    \"ro root=UUID=1 quiet splash single\"\n"
    "\"Boot with minimal options\"   \"ro root=UUID=1\"\n",
    "\"Boot with standard options\"  \"ro root=UUID=1 quiet splash " ADD "\"\n"
    "\"Boot to single-user mode\"    \"ro root=UUID=1 quiet splash single " ADD "\"\n"
    "\"Boot with minimal options\"   \"ro root=UUID=1 " ADD "\"\n", NULL, 3 },
  { "comments-and-version",
    "# written by hand\n\"Default\"\t\"root=PARTUUID=2 rw initrd=\\initramfs-%v.img\"  # trailing note\n\n",
    "# written by hand\n\"Default\"\t\"root=PARTUUID=2 rw initrd=\\initramfs-%v.img " ADD "\"  # trailing note\n\n",
    NULL, 1 },
  { "doubled-quotes",
    "\"Boot\" \"root=/dev/sdb9 my_opt=\"\"this is it\"\" iommu=off\"\n",
    "\"Boot\" \"root=/dev/sdb9 my_opt=\"\"this is it\"\" iommu=pt " "intel_iommu=on vfio-pci.ids=" IDS "\"\n", NULL, 1 },
  { "trailing-space-in-options",
    "\"Boot\" \"ro root=UUID=1 splash=silent quiet showopts \"\n",
    "\"Boot\" \"ro root=UUID=1 splash=silent quiet showopts " ADD " \"\n", NULL, 1 },
  { "empty-options", "\"Boot\" \"\"\n", "\"Boot\" \"" ADD "\"\n", NULL, 1 },
  { "replaces-old-ids",
    "\"Boot\" \"root=UUID=1 vfio-pci.ids=1:2 intel_iommu=on,igfx_off\"\r\n",
    "\"Boot\" \"root=UUID=1 vfio-pci.ids=" IDS " intel_iommu=on,igfx_off iommu=pt\"\r\n", NULL, 1 },
  { "label-only-is-skipped", "\"Just a label\"\n\"Boot\" \"rw\"\n", "\"Just a label\"\n\"Boot\" \"rw " ADD "\"\n", NULL, 1 },
  { "unquoted-options", "\"Boot\" ro\n", NULL, "/boot/refind_linux.conf:1: the options are not in double quotes", 0 },
  { "open-quote", "\"Boot\" \"ro root=UUID=1\n", NULL, "/boot/refind_linux.conf:1: a quote is not closed", 0 },
  /* parameters added after a kernel quote left open would become part of its
   * value (found by fuzz-boot-configs) */
  { "inner-quote-open", "\"Boot\" \"root=1 opt=\"\"a b\"\n", NULL,
    "/boot/refind_linux.conf:1: a quote inside the options is not closed", 0 },
  /* a value in quotes is left as it is; the kernel takes the last iommu= */
  { "quoted-value", "\"Boot\" \"root=1 iommu=\"\"soft\"\"\"\n",
    "\"Boot\" \"root=1 iommu=\"\"soft\"\" " ADD "\"\n", NULL, 1 },
};

static void
test_refind (gconstpointer data)
{
  const RefindCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *edited = pp_refind_edit_linux_conf ("/boot/refind_linux.conf", c->text, &intent, &error);
  g_autofree char *again = NULL;
  g_autoptr(GPtrArray) options = NULL;

  if (pp_test_expect_error (error, edited, c->want_error))
    return;
  g_assert_cmpstr (edited, ==, c->want);
  options = pp_test_refind_options (edited);
  g_assert_cmpuint (options->len, ==, c->lines);
  for (guint i = 0; i < options->len; i++)
    assert_params_once (c->name, g_ptr_array_index (options, i));
  again = pp_refind_edit_linux_conf ("/boot/refind_linux.conf", edited, &intent, &error);
  g_assert_no_error (error);
  g_assert_null (again);
}

static void
test_refind_stanzas (void)
{
  static const char conf[] =
    "timeout 20\n"
    "menuentry \"Arch Linux\" {\n"
    "    icon     /EFI/refind/icons/os_arch.png\n"
    "    loader   /boot/vmlinuz-linux\n"
    "    initrd   /boot/initramfs-linux.img\n"
    "    options  \"root=PARTUUID=5028fa50 rw add_efi_memmap\"\n"
    "    submenuentry \"Boot to terminal\" {\n"
    "        add_options \"systemd.unit=multi-user.target\"\n"
    "    }\n"
    "}\n"
    "menuentry Windows {\r\n"
    "    loader \\EFI\\Microsoft\\Boot\\bootmgfw.efi\r\n"
    "}\r\n"
    "menuentry \"Old kernel\" {\n"
    "    loader /boot/vmlinuz-linux-lts\n"
    "    disabled\n"
    "}\n"
    "menuentry \"Gentoo\" {\n"
    "    loader /EFI/gentoo/kernel.efi\n"
    "    options \"root=/dev/sda3\"\n"
    "}\n";
  g_autoptr(GPtrArray) stanzas = pp_refind_linux_stanzas (conf);
  PpRefindStanza *first, *second;

  g_assert_cmpuint (stanzas->len, ==, 2);
  first = g_ptr_array_index (stanzas, 0);
  second = g_ptr_array_index (stanzas, 1);
  g_assert_cmpstr (first->title, ==, "Arch Linux");
  g_assert_cmpuint (first->line, ==, 6);
  g_assert_cmpstr (second->title, ==, "Gentoo");
  g_assert_cmpuint (second->line, ==, 20);
}

/* ------------------------------------------------------------------ booster.yaml */

typedef struct
{
  const char *name;
  const char *text;         /* NULL: absent */
  const char *want;         /* NULL: no change */
  const char *want_error;
} BoosterCase;

static const BoosterCase booster_cases[] = {
  { "absent", NULL, "modules_force_load: vfio_pci,vfio,vfio_iommu_type1\n", NULL },
  { "empty", "", "modules_force_load: vfio_pci,vfio,vfio_iommu_type1\n", NULL },
  { "other-keys", "# booster\ncompression: zstd\nuniversal: false",
    "# booster\ncompression: zstd\nuniversal: false\nmodules_force_load: vfio_pci,vfio,vfio_iommu_type1\n", NULL },
  { "prepends", "modules_force_load: nvidia,nvidia_drm\nmodules: -*,nvme\n",
    "modules_force_load: vfio_pci,vfio,vfio_iommu_type1,nvidia,nvidia_drm\nmodules: -*,nvme\n", NULL },
  { "some-there", "modules_force_load: \"vfio-pci, vfio\"  # mine\n",
    "modules_force_load: \"vfio_iommu_type1,vfio-pci, vfio\"  # mine\n", NULL },
  { "single-quoted", "modules_force_load: 'amdgpu'\r\ncompression: lz4\r\n",
    "modules_force_load: 'vfio_pci,vfio,vfio_iommu_type1,amdgpu'\r\ncompression: lz4\r\n", NULL },
  { "key-alone", "modules_force_load:\nstrip: true\n",
    "modules_force_load: vfio_pci,vfio,vfio_iommu_type1\nstrip: true\n", NULL },
  { "comment-only", "modules_force_load: # later\n",
    "modules_force_load: vfio_pci,vfio,vfio_iommu_type1 # later\n", NULL },
  { "document-start", "---\nmodules_force_load: usbhid\n",
    "---\nmodules_force_load: vfio_pci,vfio,vfio_iommu_type1,usbhid\n", NULL },
  { "all-there", "modules_force_load: vfio_pci,vfio,vfio_iommu_type1\n", NULL, NULL },
  { "block-list", "modules_force_load:\n  - nvidia\n", NULL, "/etc/booster.yaml:2: a value on the lines below the key" },
  { "flow-list", "modules_force_load: [nvidia]\n", NULL, "/etc/booster.yaml:1: a flow, block, anchor" },
  { "twice", "modules_force_load: a\nstrip: true\nmodules_force_load: b\n", NULL,
    "/etc/booster.yaml:3: modules_force_load is set again (first on line 1)" },
  { "escapes", "modules_force_load: \"a\\tb\"\n", NULL, "/etc/booster.yaml:1: a quoted value with escapes" },
  { "second-document", "strip: true\n---\nmodules_force_load: a\n", NULL, "/etc/booster.yaml:2: a second YAML document" },
  { "not-a-mapping", "- a\n", NULL, "/etc/booster.yaml:1: a line that is not a top-level" },
};

static void
test_booster (gconstpointer data)
{
  const BoosterCase *c = data;
  g_autoptr(PpTestTree) dir = pp_test_tree_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *edited = pp_booster_edit_config ("/etc/booster.yaml", c->text, &error);
  g_autofree char *again = NULL;
  g_autofree char *path = NULL;
  g_autofree char *force = NULL;
  gboolean available = FALSE;

  if (c->want_error != NULL)
    {
      pp_test_expect_error (error, edited, c->want_error);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpstr (edited, ==, c->want);
  path = pp_test_write_file (dir, "booster.yaml", edited != NULL ? edited : c->text);
  force = pp_test_yaml_scalar (path, "modules_force_load", &available);
  if (!available)
    g_test_message ("python3 has no yaml module: booster.yaml read only by the editor");
  else
    {
      g_auto(GStrv) modules = g_strsplit (force, ",", -1);

      for (guint i = 0; modules[i] != NULL; i++)
        g_strstrip (g_strdelimit (modules[i], "-", '_'));
      g_assert_true (g_strv_contains ((const char * const *) modules, "vfio_pci"));
      g_assert_true (g_strv_contains ((const char * const *) modules, "vfio"));
      g_assert_true (g_strv_contains ((const char * const *) modules, "vfio_iommu_type1"));
    }
  again = pp_booster_edit_config ("/etc/booster.yaml", edited != NULL ? edited : c->text, &error);
  g_assert_no_error (error);
  g_assert_null (again);
}

/* The other keys read the same after the edit */
static void
test_booster_keeps_the_rest (void)
{
  static const char text[] =
    "# booster configuration\ncompression: zstd\nmount_timeout: 10s\nextra_files: fsck,vim\nvconsole: true\n"
    "modules: -*,nvme,usbhid\nmodules_force_load: amdgpu\n";
  g_autoptr(PpTestTree) dir = pp_test_tree_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *edited = pp_booster_edit_config ("/etc/booster.yaml", text, &error);
  g_autofree char *before = pp_test_write_file (dir, "before.yaml", text);
  g_autofree char *after = pp_test_write_file (dir, "after.yaml", edited);
  const char *keys[] = { "compression", "mount_timeout", "extra_files", "vconsole", "modules" };
  gboolean available = FALSE;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      g_autofree char *old = pp_test_yaml_scalar (before, keys[i], &available);
      g_autofree char *new = pp_test_yaml_scalar (after, keys[i], &available);

      if (!available)
        {
          g_test_skip ("python3 has no yaml module");
          return;
        }
      g_assert_cmpstr (old, ==, new);
    }
}

/* ------------------------------------------------------------------ a command line in a shell variable */

typedef struct
{
  const char *name;
  const char *text;         /* /etc/sdboot-manage.conf, NULL: absent */
  const char *want;
  const char *want_error;
  gboolean    bash_only;
} ShellCase;

static const ShellCase shell_cases[] = {
  { "set", "LINUX_OPTIONS=\"zswap.enabled=0 nowatchdog splash\"\n",
    "LINUX_OPTIONS=\"zswap.enabled=0 nowatchdog splash " ADD "\"\n", NULL },
  { "commented", "#LINUX_OPTIONS=\"\"\n#DISABLE_FALLBACK=\"no\"\n",
    "#LINUX_OPTIONS=\"\"\n#DISABLE_FALLBACK=\"no\"\nLINUX_OPTIONS=\"" ADD "\"\n", NULL },
  { "absent-file", NULL, "LINUX_OPTIONS=\"" ADD "\"\n", NULL },
  { "no-final-newline", "DISABLE_FALLBACK=\"yes\"", "DISABLE_FALLBACK=\"yes\"\nLINUX_OPTIONS=\"" ADD "\"\n", NULL },
  { "single-quoted", "LINUX_OPTIONS='quiet iommu=soft'\n", "LINUX_OPTIONS='quiet iommu=pt " "intel_iommu=on vfio-pci.ids=" IDS "'\n", NULL },
  { "appended", "LINUX_OPTIONS=\"quiet\"\nLINUX_OPTIONS+=\" splash\"\n",
    "LINUX_OPTIONS=\"quiet\"\nLINUX_OPTIONS+=\" splash " ADD "\"\n", NULL, TRUE },
  { "self-reference", "LINUX_OPTIONS=\"quiet\"\nLINUX_OPTIONS=\"$LINUX_OPTIONS splash\"\n",
    "LINUX_OPTIONS=\"quiet\"\nLINUX_OPTIONS=\"$LINUX_OPTIONS splash " ADD "\"\n", NULL },
  { "unset-after", "LINUX_OPTIONS=\"quiet\"\nunset LINUX_OPTIONS\nNO_AUTOGEN=no\n",
    "LINUX_OPTIONS=\"quiet\"\nunset LINUX_OPTIONS\nLINUX_OPTIONS=\"" ADD "\"\nNO_AUTOGEN=no\n", NULL },
  { "array", "LINUX_OPTIONS=(quiet splash)\n", NULL, "/etc/sdboot-manage.conf:1: LINUX_OPTIONS is an array", TRUE },
  { "conditional", "if [ -e /x ]; then LINUX_OPTIONS=\"quiet\"; fi\n", NULL, "/etc/sdboot-manage.conf:1: " },
};

static void
test_shell_cmdline (gconstpointer data)
{
  const ShellCase *c = data;
  g_autoptr(PpTestTree) dir = pp_test_tree_new ();
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);
  g_autoptr(PpEditResult) result = NULL;
  g_autoptr(PpEditResult) again = NULL;
  g_autoptr(GPtrArray) edited = NULL;
  g_autoptr(GError) error = NULL;
  const char *shells[] = { "bash", "sh" };

  g_ptr_array_add (files, pp_text_file_new ("/etc/sdboot-manage.conf", c->text));
  result = pp_shell_edit_cmdline (files, "LINUX_OPTIONS", &intent, &error);
  if (c->want_error != NULL)
    {
      pp_test_expect_error (error, result, c->want_error);
      return;
    }
  g_assert_no_error (error);
  g_assert_cmpstr (g_ptr_array_index (result->texts, 0), ==, c->want);
  edited = pp_edit_result_apply (result, files);
  for (guint s = 0; s < G_N_ELEMENTS (shells) - (c->bash_only ? 1 : 0); s++)
    {
      g_autoptr(GPtrArray) before_paths = NULL;
      g_autoptr(GPtrArray) after_paths = NULL;
      g_autoptr(GHashTable) before = NULL;
      g_autoptr(GHashTable) after = NULL;
      g_autofree char *before_dir = g_build_filename (dir, shells[s], "before", NULL);
      g_autofree char *after_dir = g_build_filename (dir, shells[s], "after", NULL);
      g_auto(GStrv) value = NULL;

      before_paths = pp_test_write_text_files (before_dir, files);
      after_paths = pp_test_write_text_files (after_dir, edited);
      after = pp_test_shell_variables (shells[s], (const char * const *) after_paths->pdata);
      before = pp_test_shell_variables (shells[s], (const char * const *) before_paths->pdata);
      pp_test_assert_same_except (before, after, "LINUX_OPTIONS");
      value = pp_test_shell_value (shells[s], (const char * const *) after_paths->pdata, "LINUX_OPTIONS");
      assert_params_once (shells[s], value[0]);
    }
  again = pp_shell_edit_cmdline (edited, "LINUX_OPTIONS", &intent, &error);
  pp_test_assert_no_change (again, error);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (limine_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/editors/limine/conf/%s", limine_cases[i].name);

      g_test_add_data_func (path, &limine_cases[i], test_limine_conf);
    }
  g_test_add_func ("/editors/limine/conf/too-long", test_limine_conf_too_long);
  for (guint i = 0; i < G_N_ELEMENTS (defaults_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/editors/limine/defaults/%s", defaults_cases[i].name);

      g_test_add_data_func (path, &defaults_cases[i], test_limine_defaults);
    }
  for (guint i = 0; i < G_N_ELEMENTS (refind_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/editors/refind/%s", refind_cases[i].name);

      g_test_add_data_func (path, &refind_cases[i], test_refind);
    }
  g_test_add_func ("/editors/refind/stanzas", test_refind_stanzas);
  for (guint i = 0; i < G_N_ELEMENTS (booster_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/editors/booster/%s", booster_cases[i].name);

      g_test_add_data_func (path, &booster_cases[i], test_booster);
    }
  g_test_add_func ("/editors/booster/keeps-the-rest", test_booster_keeps_the_rest);
  for (guint i = 0; i < G_N_ELEMENTS (shell_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/editors/shell-cmdline/%s", shell_cases[i].name);

      g_test_add_data_func (path, &shell_cases[i], test_shell_cmdline);
    }
  return g_test_run ();
}
