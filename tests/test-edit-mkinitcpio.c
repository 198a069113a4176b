/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "pp-edit-mkinitcpio.h"
#include "pp-test-shell.h"
#include "pp-test-tree.h"

#define VFIO "vfio_pci vfio vfio_iommu_type1"
#define STOCK_HOOKS "HOOKS=(base udev autodetect microcode modconf kms keyboard keymap consolefont block filesystems fsck)\n"

typedef struct
{
  const char *name;
  const char *main;             /* /etc/mkinitcpio.conf */
  const char *dropin_names[2];  /* under /etc/mkinitcpio.conf.d/ */
  const char *dropin_texts[2];
  gboolean    kvmgt;
  const char *want_modules;     /* MODULES after, as mkinitcpio splits it */
  const char *want_error;       /* the message starts with this */
  const char *want_text;        /* the new main file, when it matters */
  const char *want_warning;     /* a warning contains this */
} MkinitcpioCase;

static const MkinitcpioCase cases[] = {
  { "stock-empty-array",
    "# vim:set ft=sh:\n# MODULES\n# The following modules are loaded before any boot hooks are\n"
    "# run.  For instance:\n#     MODULES=(usbhid xhci_hcd)\nMODULES=()\n\nBINARIES=()\nFILES=()\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, VFIO, NULL,
    "# vim:set ft=sh:\n# MODULES\n# The following modules are loaded before any boot hooks are\n"
    "# run.  For instance:\n#     MODULES=(usbhid xhci_hcd)\nMODULES=(" VFIO ")\n\nBINARIES=()\nFILES=()\n" STOCK_HOOKS },
  { "old-string-syntax",
    "# vim:set ft=sh\n#     MODULES=\"piix ide_disk reiserfs\"\nMODULES=\"\"\nBINARIES=\"\"\nFILES=\"\"\n"
    "HOOKS=\"base udev autodetect modconf block filesystems keyboard fsck\"\n",
    { NULL }, { NULL }, FALSE, VFIO, NULL,
    "# vim:set ft=sh\n#     MODULES=\"piix ide_disk reiserfs\"\nMODULES=\"" VFIO "\"\nBINARIES=\"\"\nFILES=\"\"\n"
    "HOOKS=\"base udev autodetect modconf block filesystems keyboard fsck\"\n" },
  { "mixed-syntax-virqfd",
    "MODULES=(vfio_pci vfio vfio_iommu_type1 vfio_virqfd)\nHOOKS=\"base udev autodetect modconf block keyboard keymap filesystems\"\n",
    { NULL }, { NULL }, FALSE, VFIO, NULL,
    "MODULES=(vfio_pci vfio vfio_iommu_type1)\nHOOKS=\"base udev autodetect modconf block keyboard keymap filesystems\"\n" },
  { "virqfd-first-optional",
    "MODULES=(vfio_virqfd? vfio_pci vfio vfio_iommu_type1)\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, VFIO, NULL,
    "MODULES=(vfio_pci vfio vfio_iommu_type1)\n" STOCK_HOOKS },
  { "nvidia-listed",
    "MODULES=(nvidia nvidia_modeset nvidia_uvm nvidia_drm)\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, VFIO " nvidia nvidia_modeset nvidia_uvm nvidia_drm", NULL,
    "MODULES=(" VFIO " nvidia nvidia_modeset nvidia_uvm nvidia_drm)\n" STOCK_HOOKS },
  { "other-modules-then-amdgpu",
    "MODULES=(btrfs crc32c_intel amdgpu)\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, "btrfs crc32c_intel " VFIO " amdgpu", NULL, NULL },
  { "vfio-after-gpu-driver",
    "MODULES=(amdgpu vfio_pci vfio vfio_iommu_type1)\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, VFIO " amdgpu", NULL,
    "MODULES=(" VFIO " amdgpu)\n" STOCK_HOOKS },
  { "partly-present",
    "MODULES=(vfio i915)\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, "vfio vfio_pci vfio_iommu_type1 i915", NULL, NULL },
  { "multi-line-commented-quoted",
    "MODULES=(\n  ext4   # root file system\n  \"crc32c\"\n  'nvme'\n)\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, "ext4 crc32c nvme " VFIO, NULL,
    "MODULES=(\n  ext4   # root file system\n  \"crc32c\"\n  'nvme'\n  vfio_pci\n  vfio\n  vfio_iommu_type1\n)\n" STOCK_HOOKS },
  { "multi-line-gpu-on-own-line",
    "MODULES=(\n\tbtrfs\n\tnvidia # proprietary\n\tnvidia_drm\n)\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, "btrfs " VFIO " nvidia nvidia_drm", NULL,
    "MODULES=(\n\tbtrfs\n\tvfio_pci\n\tvfio\n\tvfio_iommu_type1\n\tnvidia # proprietary\n\tnvidia_drm\n)\n" STOCK_HOOKS },
  { "multi-line-virqfd-with-comment",
    "MODULES=(\n  vfio_pci\n  vfio\n  vfio_iommu_type1\n  vfio_virqfd  # needed before 6.2\n  nvidia\n)\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, VFIO " nvidia", NULL,
    "MODULES=(\n  vfio_pci\n  vfio\n  vfio_iommu_type1\n  nvidia\n)\n" STOCK_HOOKS },
  { "empty-multi-line-array",
    "MODULES=(\n)\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, VFIO, NULL,
    "MODULES=(\n  vfio_pci\n  vfio\n  vfio_iommu_type1\n)\n" STOCK_HOOKS },
  { "comment-after-array",
    "MODULES=(nvme) # MODULES=(nvidia) was too early\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, "nvme " VFIO, NULL,
    "MODULES=(nvme " VFIO ") # MODULES=(nvidia) was too early\n" STOCK_HOOKS },
  { "dash-and-suffix-spellings",
    "MODULES=(vfio-pci vfio.ko vfio-iommu-type1? nvidia?)\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, "vfio-pci vfio.ko vfio-iommu-type1? nvidia?", NULL, NULL },
  { "quoted-gpu-driver",
    "MODULES=(\"amdgpu\" 'radeon')\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, VFIO " amdgpu radeon", NULL,
    "MODULES=(" VFIO " \"amdgpu\" 'radeon')\n" STOCK_HOOKS },
  { "string-with-gpu",
    "MODULES=\"i915 nvidia\"\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, VFIO " i915 nvidia", NULL,
    "MODULES=\"" VFIO " i915 nvidia\"\n" STOCK_HOOKS },
  { "unquoted-string-with-gpu",
    "MODULES=nouveau\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, VFIO " nouveau", NULL,
    "MODULES=\"" VFIO " nouveau\"\n" STOCK_HOOKS },
  { "single-quoted-string",
    "MODULES='ext4'\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, "ext4 " VFIO, NULL, "MODULES='ext4 " VFIO "'\n" STOCK_HOOKS },
  { "assigned-twice",
    "MODULES=(nvidia)\n" STOCK_HOOKS "MODULES=(amdgpu)\n",
    { NULL }, { NULL }, FALSE, VFIO " amdgpu", NULL,
    "MODULES=(nvidia)\n" STOCK_HOOKS "MODULES=(" VFIO " amdgpu)\n" },
  { "missing",
    "# no modules here\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, VFIO, NULL, "# no modules here\n" STOCK_HOOKS "MODULES=(" VFIO ")\n" },
  { "plus-equals-in-main",
    "MODULES=(ext4)\nMODULES+=(nvidia)\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, "ext4 " VFIO " nvidia", NULL,
    "MODULES=(ext4)\nMODULES+=(" VFIO " nvidia)\n" STOCK_HOOKS },
  { "dropin-replaces",
    "MODULES=(btrfs)\n" STOCK_HOOKS,
    { "10-nvidia.conf", NULL }, { "# nvidia early KMS\nMODULES=(nvidia nvidia_drm)\n", NULL },
    FALSE, VFIO " nvidia nvidia_drm", NULL, "MODULES=(btrfs)\n" STOCK_HOOKS, "10-nvidia.conf" },
  { "dropin-appends",
    "MODULES=(btrfs)\n" STOCK_HOOKS,
    { "10-a.conf", "20-b.conf" }, { "COMPRESSION=zstd\n", "MODULES+=(amdgpu)\n" },
    FALSE, "btrfs " VFIO " amdgpu", NULL, "MODULES=(btrfs)\n" STOCK_HOOKS },
  { "dropin-self-reference",
    "MODULES=(nvidia)\n" STOCK_HOOKS,
    { "90-x.conf", NULL }, { "MODULES=(ext4 ${MODULES[@]})\n", NULL },
    FALSE, "ext4 " VFIO " nvidia", NULL, "MODULES=(" VFIO " nvidia)\n" STOCK_HOOKS },
  { "kvmgt-wanted",
    "MODULES=(i915)\n" STOCK_HOOKS,
    { NULL }, { NULL }, TRUE, VFIO " kvmgt? i915", NULL, "MODULES=(" VFIO " kvmgt? i915)\n" STOCK_HOOKS },
  { "kvmgt-plain-made-optional",
    "MODULES=(kvmgt vfio_pci vfio vfio_iommu_type1)\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, "kvmgt? " VFIO, NULL, "MODULES=(kvmgt? " VFIO ")\n" STOCK_HOOKS },
  { "kvmgt-already-optional",
    "MODULES=(vfio_pci vfio vfio_iommu_type1 kvmgt?)\n" STOCK_HOOKS,
    { NULL }, { NULL }, TRUE, VFIO " kvmgt?", NULL, NULL },
  { "hooks-without-modconf",
    "MODULES=()\nHOOKS=(base udev autodetect block filesystems fsck)\n",
    { NULL }, { NULL }, FALSE, VFIO, NULL, NULL, "HOOKS has no “modconf”" },
  { "systemd-hooks-without-modconf",
    "MODULES=()\nHOOKS=(base systemd autodetect kms keyboard sd-vconsole block filesystems fsck)\n",
    { NULL }, { NULL }, FALSE, VFIO, NULL, NULL, "/etc/mkinitcpio.conf:2: HOOKS has no “modconf”" },
  { "variable-element-kept",
    "GPU=nvidia\nMODULES=(\"$GPU\" ext4)\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, "nvidia ext4 " VFIO, NULL, NULL },
  { "unterminated-array",
    "# c\nMODULES=(vfio_pci\n  nvidia\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, NULL, "/etc/mkinitcpio.conf:2: unterminated array", NULL },
  { "conditional",
    "MODULES=()\nif grep -q GenuineIntel /proc/cpuinfo; then\n  MODULES=(i915)\nfi\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, NULL, "/etc/mkinitcpio.conf:3: MODULES is set conditionally", NULL },
  { "string-spanning-lines",
    "MODULES=\"ext4\nnvme\"\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, NULL, "/etc/mkinitcpio.conf:1: MODULES is a string spanning lines", NULL },
  { "dollar-single-quote-element",
    "MODULES=(ext4 $'i915')\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, NULL,
    "/etc/mkinitcpio.conf:1: MODULES is written with $'…' or $\"…\" quoting", NULL },
  { "dollar-quote-string",
    "# modules\nMODULES=$\"ext4 i915\"\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, NULL,
    "/etc/mkinitcpio.conf:2: MODULES is written with $'…' or $\"…\" quoting", NULL },
  { "brace-expansion-element",
    "MODULES=(ext4\n  {amdgpu,radeon})\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, NULL,
    "/etc/mkinitcpio.conf:2: an element of MODULES has an unquoted *, [ or {", NULL },
  { "glob-element-in-dropin",
    "MODULES=()\n" STOCK_HOOKS,
    { "10-gpu.conf", NULL }, { "MODULES=(nvidia*)\n", NULL }, FALSE, NULL,
    "/etc/mkinitcpio.conf.d/10-gpu.conf:1: an element of MODULES has an unquoted *, [ or {", NULL },
  { "quoted-braces-are-a-word",
    "MODULES=(ext4 '{a,b}')\n" STOCK_HOOKS,
    { NULL }, { NULL }, FALSE, "ext4 {a,b} " VFIO, NULL, "MODULES=(ext4 '{a,b}' " VFIO ")\n" STOCK_HOOKS },
  { "dollar-quote-in-hooks-only",
    "MODULES=()\nHOOKS=($'base' udev modconf)\n",
    { NULL }, { NULL }, FALSE, VFIO, NULL, "MODULES=(" VFIO ")\nHOOKS=($'base' udev modconf)\n" },
};

static GPtrArray *
case_files (const MkinitcpioCase *c)
{
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);

  g_ptr_array_add (files, pp_text_file_new ("/etc/mkinitcpio.conf", c->main));
  for (guint i = 0; i < G_N_ELEMENTS (c->dropin_names) && c->dropin_names[i]; i++)
    {
      g_autofree char *path = g_strconcat ("/etc/mkinitcpio.conf.d/", c->dropin_names[i], NULL);

      g_ptr_array_add (files, pp_text_file_new (path, c->dropin_texts[i]));
    }
  return files;
}

/* MODULES as mkinitcpio's arrayize_config() sees it */
static char *
modules_as_mkinitcpio_reads (const char * const *paths)
{
  g_auto(GStrv) value = pp_test_shell_value ("bash", paths, "MODULES");
  g_autoptr(GStrvBuilder) words = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  for (guint i = 0; value[i]; i++)
    {
      g_auto(GStrv) split = g_strsplit (value[i], " ", -1);

      for (guint j = 0; split[j]; j++)
        if (split[j][0] != '\0')
          g_strv_builder_add (words, split[j]);
    }
  list = g_strv_builder_end (words);
  return g_strjoinv (" ", list);
}

static char
declare_kind (GHashTable *vars,
              const char *name)
{
  const char *line = g_hash_table_lookup (vars, name);

  return line != NULL && g_str_has_prefix (line, "declare -a") ? 'a' : 's';
}

static void
test_mkinitcpio_case (gconstpointer data)
{
  const MkinitcpioCase *c = data;
  PpMkinitcpioIntent intent = { c->kvmgt };
  g_autoptr(GPtrArray) files = case_files (c);
  g_autoptr(GPtrArray) edited = NULL;
  g_autoptr(PpEditResult) result = NULL;
  g_autoptr(PpEditResult) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpTestTree) tmp = pp_test_tree_new ();
  g_autofree char *before_dir = g_build_filename (tmp, "before", NULL);
  g_autofree char *after_dir = g_build_filename (tmp, "after", NULL);
  g_autoptr(GPtrArray) before_paths = NULL;
  g_autoptr(GPtrArray) after_paths = NULL;
  g_autoptr(GHashTable) vars_before = NULL;
  g_autoptr(GHashTable) vars_after = NULL;
  g_autofree char *modules = NULL;

  result = pp_mkinitcpio_edit_modules (files, &intent, &error);
  if (pp_test_expect_error (error, result, c->want_error))
    return;

  edited = pp_edit_result_apply (result, files);
  if (c->want_text != NULL)
    g_assert_cmpstr (((PpTextFile *) g_ptr_array_index (edited, 0))->text, ==, c->want_text);
  if (c->want_warning != NULL)
    {
      if (!pp_test_warnings_mention (result->warnings, c->want_warning))
        g_error ("no warning says “%s”", c->want_warning);
    }
  else
    for (guint i = 0; i < result->warnings->len; i++)
      g_assert_null (strstr (g_ptr_array_index (result->warnings, i), "HOOKS"));

  before_paths = pp_test_write_text_files (before_dir, files);
  after_paths = pp_test_write_text_files (after_dir, edited);
  vars_before = pp_test_shell_variables ("bash", (const char * const *) before_paths->pdata);
  vars_after = pp_test_shell_variables ("bash", (const char * const *) after_paths->pdata);
  pp_test_assert_same_except (vars_before, vars_after, "MODULES");
  if (g_hash_table_contains (vars_before, "MODULES"))
    g_assert_cmpint (declare_kind (vars_before, "MODULES"), ==, declare_kind (vars_after, "MODULES"));
  modules = modules_as_mkinitcpio_reads ((const char * const *) after_paths->pdata);
  g_assert_cmpstr (modules, ==, c->want_modules);

  again = pp_mkinitcpio_edit_modules (edited, &intent, &error);
  pp_test_assert_no_change (again, error);

}

typedef struct
{
  const char *name;
  const char *main;
  const char *dropin;         /* /etc/mkinitcpio.conf.d/50-hooks.conf, or NULL */
  const char *want_hooks;     /* HOOKS after, as bash reads both files */
  const char *want_error;
} HooksCase;

#define HOOK "passthrough-prep-vfio"

static const HooksCase hooks_cases[] = {
  { "stock", STOCK_HOOKS, NULL,
    "base " HOOK " udev autodetect microcode modconf kms keyboard keymap consolefont block filesystems fsck", NULL },
  { "systemd", "HOOKS=(base systemd autodetect microcode modconf kms keyboard sd-vconsole block filesystems fsck)\n",
    NULL, "base " HOOK " systemd autodetect microcode modconf kms keyboard sd-vconsole block filesystems fsck", NULL },
  { "string-syntax", "HOOKS=\"base udev autodetect modconf block filesystems keyboard fsck\"\n", NULL,
    "base " HOOK " udev autodetect modconf block filesystems keyboard fsck", NULL },
  { "one-per-line",
    "HOOKS=(\n  base\n  udev\n  block\n)\n", NULL, "base " HOOK " udev block", NULL },
  { "only-base", "HOOKS=(base)\n", NULL, "base " HOOK, NULL },
  { "no-base-first", "HOOKS=(systemd block)\n", NULL, HOOK " systemd block", NULL },
  { "there-already", "HOOKS=(base udev " HOOK " block)\n", NULL, "base udev " HOOK " block", NULL },
  { "dropin-appends", STOCK_HOOKS, "HOOKS+=(resume)\n",
    "base " HOOK " udev autodetect microcode modconf kms keyboard keymap consolefont block filesystems fsck resume",
    NULL },
  { "dropin-replaces", STOCK_HOOKS, "HOOKS=(base udev block)\n", "base " HOOK " udev block", NULL },
  { "unset", "MODULES=()\n", NULL, NULL, "/etc/mkinitcpio.conf: HOOKS is not set" },
  { "indexed", "HOOKS=([0]=base [1]=udev)\n", NULL, NULL, "/etc/mkinitcpio.conf:1: HOOKS is written" },
};

static void
test_hooks_case (gconstpointer data)
{
  const HooksCase *c = data;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);
  g_autoptr(PpEditResult) result = NULL;
  g_autoptr(PpEditResult) again = NULL;
  g_autoptr(GPtrArray) edited = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpTestTree) tmp = pp_test_tree_new ();
  g_autofree char *before_dir = g_build_filename (tmp, "before", NULL);
  g_autofree char *after_dir = g_build_filename (tmp, "after", NULL);
  g_autoptr(GPtrArray) before_paths = NULL;
  g_autoptr(GPtrArray) after_paths = NULL;
  g_autoptr(GHashTable) vars_before = NULL;
  g_autoptr(GHashTable) vars_after = NULL;
  g_auto(GStrv) hooks = NULL;
  g_autofree char *joined = NULL;

  g_ptr_array_add (files, pp_text_file_new ("/etc/mkinitcpio.conf", c->main));
  if (c->dropin != NULL)
    g_ptr_array_add (files, pp_text_file_new ("/etc/mkinitcpio.conf.d/50-hooks.conf", c->dropin));
  result = pp_mkinitcpio_edit_hooks (files, HOOK, &error);
  if (pp_test_expect_error (error, result, c->want_error))
    return;

  edited = pp_edit_result_apply (result, files);
  before_paths = pp_test_write_text_files (before_dir, files);
  after_paths = pp_test_write_text_files (after_dir, edited);
  vars_before = pp_test_shell_variables ("bash", (const char * const *) before_paths->pdata);
  vars_after = pp_test_shell_variables ("bash", (const char * const *) after_paths->pdata);
  pp_test_assert_same_except (vars_before, vars_after, "HOOKS");
  hooks = pp_test_shell_value ("bash", (const char * const *) after_paths->pdata, "HOOKS");
  {
    g_autofree char *one = g_strjoinv (" ", hooks);
    g_auto(GStrv) words = g_strsplit_set (one, " \n", -1);
    g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
    g_auto(GStrv) list = NULL;

    for (guint i = 0; words[i] != NULL; i++)
      if (words[i][0] != '\0')
        g_strv_builder_add (kept, words[i]);
    list = g_strv_builder_end (kept);
    joined = g_strjoinv (" ", list);
  }
  g_assert_cmpstr (joined, ==, c->want_hooks);

  again = pp_mkinitcpio_edit_hooks (edited, HOOK, &error);
  pp_test_assert_no_change (again, error);
}

static void
test_read_hooks (void)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);
  g_autoptr(GPtrArray) hooks = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (files, pp_text_file_new ("/etc/mkinitcpio.conf", "HOOKS=(base systemd \"$EXTRA\" sd-vconsole)\n"));
  hooks = pp_mkinitcpio_read_hooks (files, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hooks->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (hooks, 1), ==, "systemd");
  g_assert_null (g_ptr_array_index (hooks, 2));
  g_assert_cmpstr (g_ptr_array_index (hooks, 3), ==, "sd_vconsole");
}

static void
test_module_names (void)
{
  gboolean optional;
  g_autofree char *a = pp_module_name_normalize ("vfio-pci.ko.zst?", &optional);

  g_assert_cmpstr (a, ==, "vfio_pci");
  g_assert_true (optional);
  g_assert_true (pp_module_is_gpu_driver ("nvidia_drm"));
  g_assert_false (pp_module_is_gpu_driver ("snd_hda_intel"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/core/mkinitcpio/", cases[i].name, NULL);

      g_test_add_data_func (path, &cases[i], test_mkinitcpio_case);
    }
  for (guint i = 0; i < G_N_ELEMENTS (hooks_cases); i++)
    {
      g_autofree char *path = g_strconcat ("/core/mkinitcpio/hooks/", hooks_cases[i].name, NULL);

      g_test_add_data_func (path, &hooks_cases[i], test_hooks_case);
    }
  g_test_add_func ("/core/mkinitcpio/read-hooks", test_read_hooks);
  g_test_add_func ("/core/mkinitcpio/module-names", test_module_names);
  return g_test_run ();
}
