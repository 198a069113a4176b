/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "pp-advice.h"
#include "pp-boot.h"
#include "pp-format.h"
#include "pp-edit-modprobe.h"
#include "pp-edit-sdboot.h"
#include "pp-host.h"
#include "pp-plan.h"
#include "pp-test-shell.h"

#define ARCH_GRUB "mkinitcpio -P|grub-mkconfig -o /boot/grub/grub.cfg"
#define ARCH_GRUB_FILES "/etc/default/grub|/etc/mkinitcpio.conf|/etc/modprobe.d/passthrough-prep-vfio.conf"
#define DEBIAN "update-initramfs -u -k all|update-grub"
#define DEBIAN_FILES "/etc/default/grub|/etc/initramfs-tools/modules|/etc/modprobe.d/passthrough-prep-vfio.conf"
/* binding by address: each initramfs tool's hook, then the script and its addresses */
#define BIND_FILES "|/etc/passthrough-prep/vfio-bind|/etc/passthrough-prep/vfio-addresses"
#define ARCH_BIND_FILES "|/etc/initcpio/install/passthrough-prep-vfio|/etc/initcpio/hooks/passthrough-prep-vfio" BIND_FILES
#define DEBIAN_BIND_FILES "|/etc/initramfs-tools/hooks/passthrough-prep-vfio" \
                          "|/etc/initramfs-tools/scripts/init-top/passthrough-prep-vfio" BIND_FILES
#define DRACUT_BIND_FILES "|/usr/lib/dracut/modules.d/90passthrough-prep-vfio/module-setup.sh" \
                          "|/usr/lib/dracut/modules.d/90passthrough-prep-vfio/passthrough-prep-vfio.sh" BIND_FILES

typedef struct
{
  const char *host;
  const char *gpu;
  const char *refused;    /* the refusal contains this; NULL: a plan */
  const char *commands;   /* argv joined by spaces, commands by | ; grubby checked by prefix */
  const char *files;      /* paths joined by | */
} PlanCase;

static const PlanCase cases[] = {
  { "desktop-intel-nvidia", "0000:01:00.0", NULL, ARCH_GRUB, ARCH_GRUB_FILES },
  { "desktop-intel-nvidia", "0000:00:02.0", NULL, ARCH_GRUB, ARCH_GRUB_FILES },
  { "apu-rx580", "0000:10:00.0", NULL, ARCH_GRUB, ARCH_GRUB_FILES },
  { "acs-override-split", "0000:01:00.0", NULL, ARCH_GRUB, ARCH_GRUB_FILES },
  { "demo", "0000:03:00.0", NULL, ARCH_GRUB, ARCH_GRUB_FILES },
  { "demo", "0000:07:00.0", "0000:04:00.0 (", NULL, NULL },
  { "ryzen-two-dgpu-bad-group", "0000:26:00.0", NULL, DEBIAN, DEBIAN_FILES },
  { "ryzen-two-dgpu-bad-group", "0000:25:00.0", "0000:22:00.0 (", NULL, NULL },
  { "ubuntu-grub-dropin", "0000:01:00.0", NULL, DEBIAN,
    "/etc/default/grub.d/50-cloudimg-settings.cfg|/etc/initramfs-tools/modules|/etc/modprobe.d/passthrough-prep-vfio.conf" },
  { "laptop-3d-controller", "0000:01:00.0", NULL, "dracut -f --regenerate-all|grubby --update-kernel=ALL",
    "/etc/default/grub|/etc/kernel/cmdline|/etc/dracut.conf.d/passthrough-prep-vfio.conf|/etc/modprobe.d/passthrough-prep-vfio.conf" },
  { "nvidia-4fn-igpu-0380", "0000:01:00.0", NULL, "mkinitcpio -P",
    "/boot/loader/entries/arch-fallback.conf|/boot/loader/entries/arch.conf|/etc/mkinitcpio.conf|/etc/modprobe.d/passthrough-prep-vfio.conf" },
  { "single-gpu-desktop", "0000:07:00.0", "only GPU", NULL, NULL },
  { "identical-gpus", "0000:0a:00.0", NULL, ARCH_GRUB, ARCH_GRUB_FILES ARCH_BIND_FILES },
  { "identical-gpus", "0000:0d:00.0", NULL, ARCH_GRUB, ARCH_GRUB_FILES ARCH_BIND_FILES },
  { "identical-gpus-server", "0000:41:00.0", NULL, DEBIAN, DEBIAN_FILES DEBIAN_BIND_FILES },
  { "identical-gpus-server-mkinitcpio", "0000:41:00.0", NULL, ARCH_GRUB, ARCH_GRUB_FILES ARCH_BIND_FILES },
  { "identical-gpus-server-sdboot", "0000:41:00.0", NULL, "mkinitcpio -P",
    "/boot/loader/entries/arch-fallback.conf|/boot/loader/entries/arch.conf|/etc/mkinitcpio.conf"
    "|/etc/modprobe.d/passthrough-prep-vfio.conf" ARCH_BIND_FILES },
  { "identical-gpus-server-dracut", "0000:41:00.0", NULL, "dracut -f --regenerate-all|grubby --update-kernel=ALL",
    "/etc/default/grub|/etc/kernel/cmdline|/etc/dracut.conf.d/passthrough-prep-vfio.conf"
    "|/etc/modprobe.d/passthrough-prep-vfio.conf" DRACUT_BIND_FILES },
  { "identical-gpus-server-booster", "0000:41:00.0", "booster cannot hand a GPU to vfio-pci by its address", NULL, NULL },
  { "identical-gpus-server-booster", "0000:c3:00.0", NULL, "grub-mkconfig -o /boot/grub/grub.cfg",
    "/etc/default/grub|/etc/modprobe.d/passthrough-prep-vfio.conf" },
  { "laptop-one-group", "0000:01:00.0", "0000:03:00.0 (", NULL, NULL },
  { "server-pch-group", "0000:02:00.0", "0000:05:00.0 (", NULL, NULL },
  { "iommu-off", "0000:01:00.0", "IOMMU is off", NULL, NULL },
  { "server-no-gpu", "0000:00:00.0", "is not a GPU", NULL, NULL },
  { "server-no-gpu", "0000:7f:1f.7", "no PCI device", NULL, NULL },
};

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
build_root (const char *host,
            const char *label)
{
  g_autofree char *desc = g_test_build_filename (G_TEST_DIST, "hosts", host, NULL);
  g_autofree char *desc_file = g_strconcat (desc, ".host", NULL);
  g_autofree char *mkhost = g_test_build_filename (G_TEST_DIST, "mkhost.py", NULL);
  g_autofree char *name = g_strdup_printf ("plan-%s-%s", host, label);
  char *root = g_test_build_filename (G_TEST_BUILT, "plan-hosts", name, NULL);
  const char *argv[] = { "/usr/bin/python3", mkhost, desc_file, root, NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_strdelimit (root + strlen (root) - strlen (label), ":.", '-');
  g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("mkhost.py failed: %s", err);
  return root;
}

/* The plan core makes of @host, as the command line and the helper ask for it */
static PpPlan *
plan_host_request (const PpHost  *host,
                   const char    *gpu,
                   PpBootMode     mode,
                   gboolean       acs_override,
                   GError       **error)
{
  g_autoptr(PpBootSetup) setup = pp_boot_setup_detect (host);
  g_autoptr(PpAdvice) advice = pp_advice_new (host);
  PpPlanRequest request = { gpu, mode, acs_override };

  return pp_plan_reserve (host, setup, advice, &request, error);
}

static PpPlan *
plan_host (const PpHost  *host,
           const char    *gpu,
           GError       **error)
{
  return plan_host_request (host, gpu, PP_BOOT_MODE_EVERY_BOOT, FALSE, error);
}

static PpPlan *
plan_for_request (const char  *root,
                  const char  *gpu,
                  PpBootMode   mode,
                  gboolean     acs_override,
                  PpHost     **host_out)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = pp_host_read (root, &error);
  PpPlan *plan;

  g_assert_no_error (error);
  plan = plan_host_request (host, gpu, mode, acs_override, &error);
  g_assert_no_error (error);
  g_assert_nonnull (plan);
  if (host_out != NULL)
    *host_out = g_steal_pointer (&host);
  return plan;
}

static PpPlan *
plan_for_in_mode (const char  *root,
                  const char  *gpu,
                  PpBootMode   mode,
                  PpHost     **host_out)
{
  return plan_for_request (root, gpu, mode, FALSE, host_out);
}

static PpPlan *
plan_for (const char  *root,
          const char  *gpu,
          PpHost     **host_out)
{
  return plan_for_in_mode (root, gpu, PP_BOOT_MODE_EVERY_BOOT, host_out);
}

static char *
joined_commands (PpPlan *plan)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < plan->commands->len; i++)
    {
      g_autofree char *line = g_strjoinv (" ", g_ptr_array_index (plan->commands, i));

      g_string_append_printf (out, "%s%s", i > 0 ? "|" : "", line);
    }
  return g_string_free (out, FALSE);
}

static void
apply_diffs (const char *root,
             PpPlan     *plan)
{
  for (guint i = 0; i < plan->files->len; i++)
    {
      PpFileEdit *edit = g_ptr_array_index (plan->files, i);
      g_autofree char *patch = g_build_filename (root, "..", "change.patch", NULL);
      g_autofree char *target = g_build_filename (root, edit->path, NULL);
      g_autofree char *written = NULL;
      const char *argv[] = { "patch", "-p1", "-s", "-d", root, "-i", patch, NULL };
      g_autoptr(GError) error = NULL;
      int status = 0;

      g_file_set_contents (patch, edit->diff, -1, &error);
      g_assert_no_error (error);
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      g_file_get_contents (target, &written, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (written, ==, edit->new_text);
      g_unlink (patch);
    }
}

/* What grubby --update-kernel=ALL --args would do to the BLS entries */
static void
simulate_grubby (const char   *root,
                 const PpHost *host,
                 PpPlan       *plan)
{
  g_autofree char *dir = g_build_filename (root, "boot/loader/entries", NULL);
  g_autoptr(GDir) entries = g_dir_open (dir, 0, NULL);
  g_autofree char *ids = NULL;
  PpKernelParamsIntent intent = { host->cpu_vendor, TRUE, NULL };
  const char *name;

  g_ptr_array_add (plan->ids, NULL);
  ids = g_strjoinv (",", (char **) plan->ids->pdata);
  g_ptr_array_remove_index (plan->ids, plan->ids->len - 1);
  intent.vfio_ids = plan->binding == PP_BINDING_IDS ? ids : NULL;
  intent.no_vfio_ids = plan->binding == PP_BINDING_ADDRESS;
  intent.acs_override = plan->acs_override;
  while (entries != NULL && (name = g_dir_read_name (entries)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *text = NULL;
      g_autofree char *edited = NULL;

      g_file_get_contents (path, &text, NULL, NULL);
      edited = pp_sdboot_edit_entry (path, text, &intent, NULL);
      if (edited != NULL)
        g_file_set_contents (path, edited, -1, NULL);
    }
}

static guint
count_words (const char *line,
             const char *word)
{
  g_auto(GStrv) words = g_strsplit_set (line, " \t\n", -1);
  guint n = 0;

  for (guint i = 0; words[i]; i++)
    n += g_str_equal (words[i], word);
  return n;
}

/* Sources the GRUB files as grub-mkconfig does and checks the command line
 * the kernel gets */
static void
check_grub_cmdline (const char   *root,
                    const PpHost *host,
                    PpPlan       *plan)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *dropin_dir = g_build_filename (root, "etc/default/grub.d", NULL);
  g_autoptr(GDir) dir = g_dir_open (dropin_dir, 0, NULL);
  g_autoptr(GPtrArray) dropins = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) linux_value = NULL;
  g_auto(GStrv) default_value = NULL;
  g_autofree char *cmdline = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *ids_param = NULL;
  const char *name;

  g_ptr_array_add (paths, g_build_filename (root, "etc/default/grub", NULL));
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".cfg"))
      g_ptr_array_add (dropins, g_build_filename (dropin_dir, name, NULL));
  g_ptr_array_sort (dropins, compare_paths);
  for (guint i = 0; i < dropins->len; i++)
    g_ptr_array_add (paths, g_strdup (g_ptr_array_index (dropins, i)));
  g_ptr_array_add (paths, NULL);

  linux_value = pp_test_shell_value ("sh", (const char * const *) paths->pdata, "GRUB_CMDLINE_LINUX");
  default_value = pp_test_shell_value ("sh", (const char * const *) paths->pdata, "GRUB_CMDLINE_LINUX_DEFAULT");
  cmdline = g_strdup_printf ("%s %s", linux_value[0] ? linux_value[0] : "", default_value[0] ? default_value[0] : "");

  g_ptr_array_add (plan->ids, NULL);
  ids = g_strjoinv (",", (char **) plan->ids->pdata);
  g_ptr_array_remove_index (plan->ids, plan->ids->len - 1);
  ids_param = g_strconcat ("vfio-pci.ids=", ids, NULL);

  if (plan->binding == PP_BINDING_IDS)
    g_assert_cmpuint (count_words (cmdline, ids_param), ==, 1);
  else
    g_assert_null (strstr (cmdline, "vfio-pci.ids"));
  g_assert_cmpuint (count_words (cmdline, "iommu=pt"), ==, 1);
  if (plan->acs_override)
    g_assert_cmpuint (count_words (cmdline, "pcie_acs_override=downstream,multifunction"), ==, 1);
  g_assert_cmpuint (count_words (cmdline, host->cpu_vendor == PP_CPU_VENDOR_AMD ? "amd_iommu=on" : "intel_iommu=on"), ==, 1);
}

static void
check_mkinitcpio (const char *root)
{
  g_autofree char *conf = g_build_filename (root, "etc/mkinitcpio.conf", NULL);
  const char *paths[] = { conf, NULL };
  g_auto(GStrv) modules = pp_test_shell_value ("bash", paths, "MODULES");
  const char *want[] = { "vfio_pci", "vfio", "vfio_iommu_type1" };

  for (guint i = 0; i < G_N_ELEMENTS (want); i++)
    g_assert_true (g_strv_contains ((const char * const *) modules, want[i]));
}

/* every backend declares what its plans touch, or revert would refuse them */
static void
assert_plan_declared (const PpPlan *plan)
{
  for (guint i = 0; i < plan->files->len; i++)
    {
      const PpFileEdit *edit = g_ptr_array_index (plan->files, i);

      if (!pp_boot_may_write (edit->path))
        g_error ("%s is in a plan but no backend declares writing it", edit->path);
    }
  for (guint i = 0; i < plan->commands->len; i++)
    {
      char **argv = g_ptr_array_index (plan->commands, i);

      if (!pp_boot_may_run (argv[0]))
        g_error ("%s is in a plan but no backend declares running it", argv[0]);
    }
}

static void
apply_and_plan_again (const char *root,
                      PpHost     *host,
                      PpPlan     *plan,
                      const char *gpu)
{
  g_autofree char *commands = joined_commands (plan);
  g_autoptr(PpPlan) again = NULL;
  g_autoptr(PpBootSetup) setup = pp_boot_setup_detect (host);

  assert_plan_declared (plan);
  /* the diffs are the change: patch applies them to the host's files */
  apply_diffs (root, plan);
  if (strstr (commands, "grubby") != NULL)
    simulate_grubby (root, host, plan);
  /* in boot-entry mode the normal command line stays as it is */
  if (g_str_equal (setup->boot->bootloader, "grub") && plan->mode == PP_BOOT_MODE_EVERY_BOOT)
    check_grub_cmdline (root, host, plan);
  if (g_str_equal (setup->initramfs->id, "mkinitcpio"))
    check_mkinitcpio (root);

  /* and planning again finds nothing left to do */
  again = plan_for_request (root, gpu, plan->mode, plan->acs_override, NULL);
  g_assert_null (again->refused);
  if (again->files->len > 0)
    g_error ("second plan still changes %s:\n%s", ((PpFileEdit *) g_ptr_array_index (again->files, 0))->path,
             ((PpFileEdit *) g_ptr_array_index (again->files, 0))->diff);
  g_assert_cmpuint (again->commands->len, ==, 0);
}

typedef struct
{
  const char *host;
  const char *gpu;
  const char *files;      /* paths joined by | */
  const char *commands;   /* argv joined by spaces, commands by | */
  const char *entries;    /* titles joined by | */
  const char *restart;    /* "METHOD ENTRY" */
} EntryCase;

static const EntryCase entry_cases[] = {
  { "desktop-intel-nvidia", "0000:01:00.0",
    "/etc/grub.d/42_passthrough-prep|/etc/mkinitcpio.conf|/etc/modprobe.d/passthrough-prep-vfio.conf",
    ARCH_GRUB, "Arch Linux, with Linux linux (Passthrough)", "helper passthrough-prep-vmlinuz-linux" },
  /* Ubuntu's hidden menu shows: style in the main file, timeout in the drop-in that decides it */
  { "ubuntu-grub-dropin", "0000:01:00.0",
    "/etc/default/grub|/etc/default/grub.d/50-cloudimg-settings.cfg|/etc/grub.d/42_passthrough-prep|"
    "/etc/initramfs-tools/modules|/etc/modprobe.d/passthrough-prep-vfio.conf",
    DEBIAN, "Ubuntu, with Linux 6.8.0-45-generic (Passthrough)", "helper passthrough-prep-vmlinuz-6.8.0-45-generic" },
  { "ryzen-two-dgpu-bad-group", "0000:26:00.0",
    "/etc/grub.d/42_passthrough-prep|/etc/initramfs-tools/modules|/etc/modprobe.d/passthrough-prep-vfio.conf",
    DEBIAN, "Debian GNU/Linux, with Linux 6.1.0-13-amd64 (Passthrough)|"
    "Debian GNU/Linux, with Linux 6.1.0-12-amd64 (Passthrough)", "helper passthrough-prep-vmlinuz-6.1.0-13-amd64" },
  { "nvidia-4fn-igpu-0380", "0000:01:00.0",
    "/boot/loader/entries/arch-passthrough.conf|/etc/mkinitcpio.conf|/etc/modprobe.d/passthrough-prep-vfio.conf",
    "mkinitcpio -P", "Arch Linux (Passthrough)", "logind arch-passthrough.conf" },
  /* GRUB with BLS: entries written beside Fedora's, and the kernel-install plugin for later kernels */
  { "laptop-3d-controller", "0000:01:00.0",
    "/boot/loader/entries/5d1e7f0a9c2b4e6f8a1b3c5d7e9f0a2b-6.5.6-300.fc39.x86_64-passthrough.conf|"
    "/etc/kernel/install.d/95-passthrough-prep.install|/etc/dracut.conf.d/passthrough-prep-vfio.conf|"
    "/etc/modprobe.d/passthrough-prep-vfio.conf",
    "dracut -f --regenerate-all", "Fedora Linux (6.5.6-300.fc39.x86_64) 39 (Workstation Edition) (Passthrough)",
    "helper 5d1e7f0a9c2b4e6f8a1b3c5d7e9f0a2b-6.5.6-300.fc39.x86_64-passthrough" },
};

static char *
joined (GPtrArray  *strings,
        const char *separator)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < strings->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? separator : "", (const char *) g_ptr_array_index (strings, i));
  return g_string_free (out, FALSE);
}

/* Boot-entry mode: new files only (and the menu shown), no IDs for every boot,
 * the Passthrough entries named, and planning again changes nothing */
static void
test_plan_boot_entry (gconstpointer data)
{
  const EntryCase *c = data;
  g_autofree char *root = build_root (c->host, "entry");
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpPlan) plan = plan_for_in_mode (root, c->gpu, PP_BOOT_MODE_DEFAULT, &host);
  g_autoptr(PpPlan) again = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new ();
  g_autofree char *files = NULL;
  g_autofree char *commands = joined_commands (plan);
  g_autofree char *entries = joined (plan->boot_entries, "|");
  g_autofree char *restart = g_strdup_printf ("%s %s", pp_restart_method_to_string (plan->restart_method),
                                              plan->restart_entry);

  g_assert_null (plan->refused);
  g_assert_cmpint (plan->mode, ==, PP_BOOT_MODE_BOOT_ENTRY);
  for (guint i = 0; i < plan->files->len; i++)
    {
      PpFileEdit *edit = g_ptr_array_index (plan->files, i);

      g_ptr_array_add (paths, edit->path);
      if (g_str_equal (edit->path, PP_MODPROBE_FILE))
        {
          g_assert_null (strstr (edit->new_text, "options vfio-pci ids="));
          g_assert_nonnull (strstr (edit->new_text, PP_MODPROBE_BOOT_ENTRY_NOTE));
        }
      if (g_str_has_suffix (edit->path, "-passthrough.conf") || g_str_has_prefix (edit->path, "/etc/grub.d/"))
        {
          g_assert_nonnull (strstr (edit->new_text, PP_PASSTHROUGH_MARKER));
          g_assert_nonnull (strstr (edit->new_text, "vfio-pci.ids="));
        }
      if (g_str_has_prefix (edit->path, "/etc/grub.d/") || g_str_has_prefix (edit->path, "/etc/kernel/install.d/"))
        g_assert_cmpuint (edit->new_mode, ==, 0755);
      /* the normal entries and kernel command lines stay as they are */
      if (g_str_equal (edit->path, "/etc/default/grub") || g_str_has_suffix (edit->path, ".cfg"))
        g_assert_null (strstr (edit->diff, "\n+GRUB_CMDLINE"));
    }
  files = joined (paths, "|");
  g_assert_cmpstr (files, ==, c->files);
  g_assert_cmpstr (commands, ==, c->commands);
  g_assert_cmpstr (entries, ==, c->entries);
  g_assert_cmpstr (restart, ==, c->restart);
  assert_plan_declared (plan);

  apply_diffs (root, plan);
  again = plan_for_in_mode (root, c->gpu, PP_BOOT_MODE_BOOT_ENTRY, NULL);
  g_assert_null (again->refused);
  if (again->files->len > 0)
    g_error ("second plan still changes %s:\n%s", ((PpFileEdit *) g_ptr_array_index (again->files, 0))->path,
             ((PpFileEdit *) g_ptr_array_index (again->files, 0))->diff);
}

/* A boot loader PassthroughPrep cannot add an entry to: the default mode
 * plans every boot and says why; boot-entry asked for is refused */
static void
test_plan_boot_entry_unavailable (void)
{
  g_autofree char *root = build_root ("desktop-intel-nvidia", "no-entry");
  g_autofree char *grub_cfg = g_build_filename (root, "boot/grub/grub.cfg", NULL);
  g_autofree char *refind = g_build_filename (root, "boot/refind_linux.conf", NULL);
  g_autoptr(PpPlan) fallback = NULL;
  g_autoptr(PpPlan) refused = NULL;

  g_assert_cmpint (g_unlink (grub_cfg), ==, 0);
  g_assert_true (g_file_set_contents (refind, "\"Boot\" \"root=/dev/sda2 rw\"\n", -1, NULL));
  fallback = plan_for_in_mode (root, "0000:01:00.0", PP_BOOT_MODE_DEFAULT, NULL);
  g_assert_null (fallback->refused);
  g_assert_cmpint (fallback->mode, ==, PP_BOOT_MODE_EVERY_BOOT);
  g_assert_nonnull (fallback->no_boot_entry);
  refused = plan_for_in_mode (root, "0000:01:00.0", PP_BOOT_MODE_BOOT_ENTRY, NULL);
  g_assert_nonnull (refused->refused);
  g_assert_cmpstr (refused->refused, ==, fallback->no_boot_entry);
  g_assert_cmpuint (refused->files->len, ==, 0);
}

static void
test_plan_case (gconstpointer data)
{
  const PlanCase *c = data;
  g_autofree char *root = build_root (c->host, c->gpu);
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpPlan) plan = plan_for (root, c->gpu, &host);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *commands = NULL;
  g_autofree char *file_list = NULL;

  if (c->refused != NULL)
    {
      g_assert_nonnull (plan->refused);
      if (strstr (plan->refused, c->refused) == NULL)
        g_error ("refusal “%s” does not say “%s”", plan->refused, c->refused);
      g_assert_cmpuint (plan->files->len, ==, 0);
      g_assert_cmpuint (plan->commands->len, ==, 0);
      return;
    }
  if (plan->refused != NULL)
    g_error ("refused: %s", plan->refused);

  /* the IDs are those of the reserved functions, once each */
  for (guint i = 0; i < plan->reserve->len; i++)
    {
      PpPciDevice *device = pp_host_find_device (host, g_ptr_array_index (plan->reserve, i));
      g_autofree char *ids = pp_pci_device_dup_ids (device);

      g_assert_true (pp_pci_device_same_slot (device, pp_host_find_device (host, c->gpu)));
      g_assert_true (g_ptr_array_find_with_equal_func (plan->ids, ids, g_str_equal, NULL));
    }

  commands = joined_commands (plan);
  if (g_str_has_suffix (c->commands, "--update-kernel=ALL"))
    g_assert_true (g_str_has_prefix (commands, c->commands));
  else
    g_assert_cmpstr (commands, ==, c->commands);
  for (guint i = 0; i < plan->files->len; i++)
    g_ptr_array_add (files, g_strdup (((PpFileEdit *) g_ptr_array_index (plan->files, i))->path));
  g_ptr_array_add (files, NULL);
  file_list = g_strjoinv ("|", (char **) files->pdata);
  g_assert_cmpstr (file_list, ==, c->files);

  apply_and_plan_again (root, host, plan, c->gpu);
}

static char *
json_check (const char *json,
            const char *script)
{
  g_autofree char *tmp = g_dir_make_tmp ("pp-plan-json-XXXXXX", NULL);
  g_autofree char *path = pp_test_write_file (tmp, "plan.json", json);
  const char *argv[] = { "/usr/bin/python3", "-c", script, path, NULL };
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_unlink (path);
  g_rmdir (tmp);
  return out;
}

static void
test_plan_json (void)
{
  g_autofree char *root = build_root ("desktop-intel-nvidia", "json");
  g_autoptr(PpPlan) plan = plan_for (root, "0000:01:00.0", NULL);
  g_autoptr(PpPlan) refused = plan_for (root, "0000:00:1f.7", NULL);
  g_autofree char *json = pp_format_plan_json (plan);
  g_autofree char *refused_json = pp_format_plan_json (refused);
  g_autofree char *summary = json_check (json,
    "import json,sys; p=json.load(open(sys.argv[1]));"
    "assert p['refused'] is None and p['manual_steps']==[];"
    "assert all(set(f)>={'path','diff'} for f in p['files']);"
    "print(p['gpu'], ','.join(p['reserve']), ','.join(p['ids']), ' '.join(f['path'] for f in p['files']),"
    " '|'.join(' '.join(c) for c in p['commands']), len(p['warnings']))");
  g_autofree char *refusal = json_check (refused_json,
    "import json,sys; p=json.load(open(sys.argv[1]));"
    "assert p['files']==[] and p['commands']==[];"
    "print(p['refused'])");

  g_assert_cmpstr (summary, ==,
                   "0000:01:00.0 0000:01:00.0,0000:01:00.1 10de:1401,10de:0fba "
                   "/etc/default/grub /etc/mkinitcpio.conf /etc/modprobe.d/passthrough-prep-vfio.conf "
                   "mkinitcpio -P|grub-mkconfig -o /boot/grub/grub.cfg 2\n");
  g_assert_true (g_str_has_prefix (refusal, "There is no PCI device 0000:00:1f.7"));
}

static void
test_plan_text (void)
{
  g_autofree char *root = build_root ("ubuntu-grub-dropin", "text");
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpPlan) plan = plan_for (root, "0000:01:00.0", &host);
  g_autofree char *text = pp_format_plan_text (plan, host);

  g_assert_true (g_str_has_prefix (text, "Reserve 0000:01:00.0 (NVIDIA Corporation "));
  g_assert_nonnull (strstr (text, "\n--- a/etc/default/grub.d/50-cloudimg-settings.cfg\n+++ b/etc/default/grub.d/50-cloudimg-settings.cfg\n@@ "));
  g_assert_nonnull (strstr (text, "\nCommands:\n  update-initramfs -u -k all\n  update-grub\n"));
  g_assert_nonnull (strstr (text, "which is read after /etc/default/grub and overrides it"));
}

/* grubby replaces a key's value but not other spellings or repeats of it */
static void
test_plan_grubby_arguments (void)
{
  g_autofree char *root = build_root ("laptop-3d-controller", "grubby");
  g_autofree char *entry = g_build_filename (root, "boot/loader/entries",
                                             "5d1e7f0a9c2b4e6f8a1b3c5d7e9f0a2b-6.5.6-300.fc39.x86_64.conf", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpPlan) plan = NULL;
  g_autofree char *commands = NULL;

  g_file_set_contents (entry,
                       "title Fedora Linux\nlinux /vmlinuz\n"
                       "options root=UUID=5b0f ro iommu=soft rhgb vfio_pci.ids=10de:1401 intel_iommu=on quiet iommu=off\n",
                       -1, &error);
  g_assert_no_error (error);
  plan = plan_for (root, "0000:01:00.0", NULL);
  commands = joined_commands (plan);
  g_assert_cmpstr (commands, ==,
                   "dracut -f --regenerate-all|"
                   "grubby --update-kernel=ALL --args=iommu=pt vfio-pci.ids=10de:11e1,10de:0e0b "
                   "--remove-args=iommu=soft vfio_pci.ids=10de:1401");
}

/* Replacing vfio-pci.ids hands devices of an earlier reservation back */
static void
test_plan_warns_dropped_ids (void)
{
  g_autofree char *root = build_root ("desktop-intel-nvidia", "dropped-ids");
  g_autofree char *cmdline = g_build_filename (root, "proc/cmdline", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpPlan) plan = NULL;
  guint found = 0;

  g_file_set_contents (cmdline, "root=/dev/sda2 rw intel_iommu=on vfio-pci.ids=10de:1401,1b21:1242\n", -1, &error);
  g_assert_no_error (error);
  plan = plan_for (root, "0000:01:00.0", NULL);
  for (guint i = 0; i < plan->warnings->len; i++)
    {
      const char *warning = g_ptr_array_index (plan->warnings, i);

      g_assert_null (strstr (warning, "10de:1401 through"));
      found += strstr (warning, "also reserves 1b21:1242 through vfio-pci.ids") != NULL;
    }
  g_assert_cmpuint (found, ==, 1);
}

static void
test_plan_kernelstub (void)
{
  g_autofree char *root = build_root ("nvidia-4fn-igpu-0380", "kernelstub");
  g_autofree char *config = g_build_filename (root, "etc/kernelstub/configuration", NULL);
  g_autoptr(PpPlan) plan = NULL;

  g_free (pp_test_write_file (root, "etc/kernelstub/configuration", "{ \"user\": { \"kernel_options\": [] } }\n"));
  plan = plan_for (root, "0000:01:00.0", NULL);
  g_assert_cmpuint (plan->manual_steps->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (plan->manual_steps, 0),
                            "kernelstub -a \"intel_iommu=on iommu=pt vfio-pci.ids=10de:2184,10de:1aeb,10de:1aec,10de:1aed\""));
  g_assert_cmpuint (plan->files->len, >, 0);
  g_assert_true (g_file_test (config, G_FILE_TEST_EXISTS));
}

/* A file the plan cannot read is an error naming the place */
static void
test_plan_parse_error (void)
{
  g_autofree char *root = build_root ("desktop-intel-nvidia", "broken");
  g_autofree char *grub = g_build_filename (root, "etc/default/grub", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpPlan) plan = NULL;

  g_file_set_contents (grub, "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet\n", -1, &error);
  g_assert_no_error (error);
  host = pp_host_read (root, &error);
  g_assert_no_error (error);
  plan = plan_host (host, "0000:01:00.0", &error);
  g_assert_null (plan);
  g_assert_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_PARSE);
  g_assert_cmpstr (error->message, ==, "/etc/default/grub:2: unterminated double quote");
}

static const PpFileEdit *
plan_file (const PpPlan *plan,
           const char   *path)
{
  for (guint i = 0; i < plan->files->len; i++)
    {
      const PpFileEdit *edit = g_ptr_array_index (plan->files, i);

      if (g_str_equal (edit->path, path))
        return edit;
    }
  return NULL;
}

/* The lines of @text that are no comments, joined by | */
static char *
non_comment_lines (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0' && lines[i][0] != '#')
      g_ptr_array_add (kept, lines[i]);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv ("|", (char **) kept->pdata);
}

/* One of three identical cards: exactly its functions are bound, by address,
 * on every initramfs tool that can */
static void
test_plan_binds_by_address (gconstpointer data)
{
  const char *host_name = data;
  g_autofree char *root = build_root (host_name, "bind");
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpPlan) plan = plan_for (root, "0000:41:00.0", &host);
  g_autofree char *source_path = g_test_build_filename (G_TEST_DIST, "..", "src", "core", "boot",
                                                        "scripts", "passthrough-prep-vfio-bind.sh", NULL);
  g_autofree char *source = NULL;
  g_autofree char *addresses = NULL;
  g_autofree char *modprobe = NULL;
  g_autofree char *digest = NULL;
  const PpFileEdit *script;

  g_assert_null (plan->refused);
  g_assert_cmpint (plan->binding, ==, PP_BINDING_ADDRESS);
  addresses = non_comment_lines (plan_file (plan, PP_VFIO_ADDRESSES_FILE)->new_text);
  g_assert_cmpstr (addresses, ==, "0000:41:00.0@10de:24b0|0000:41:00.1@10de:228b");
  g_assert_cmpuint (plan_file (plan, PP_VFIO_ADDRESSES_FILE)->new_mode, ==, 0644);

  /* the script written is the one shipped, and it is run, so executable */
  script = plan_file (plan, PP_VFIO_BIND_SCRIPT);
  g_file_get_contents (source_path, &source, NULL, NULL);
  g_assert_nonnull (source);
  g_assert_cmpstr (script->new_text, ==, source);
  g_assert_cmpuint (script->new_mode, ==, 0755);

  /* no IDs anywhere: modprobe runs the script before it loads vfio-pci */
  modprobe = non_comment_lines (plan_file (plan, "/etc/modprobe.d/passthrough-prep-vfio.conf")->new_text);
  g_assert_null (strstr (modprobe, "ids="));
  g_assert_true (g_str_has_prefix (modprobe, "install vfio-pci /etc/passthrough-prep/vfio-bind; "
                                             "/sbin/modprobe --ignore-install vfio-pci $CMDLINE_OPTS|softdep "));
  for (guint i = 0; i < plan->files->len; i++)
    {
      const PpFileEdit *edit = g_ptr_array_index (plan->files, i);

      g_assert_null (strstr (edit->new_text, "vfio-pci.ids="));
      g_assert_null (strstr (edit->new_text, "10de:24b0,"));
      /* what runs by itself is executable; what mkinitcpio sources is not */
      if (g_str_has_prefix (edit->path, "/etc/initramfs-tools/") && !g_str_has_suffix (edit->path, "/modules"))
        g_assert_cmpuint (edit->new_mode, ==, 0755);
      if (g_str_has_prefix (edit->path, "/usr/lib/dracut/"))
        g_assert_cmpuint (edit->new_mode, ==, 0755);
      if (g_str_has_prefix (edit->path, "/etc/initcpio/"))
        g_assert_cmpuint (edit->new_mode, ==, 0644);
    }

  /* the binding is part of what was reviewed */
  plan->binding = PP_BINDING_IDS;
  digest = pp_plan_digest (plan);
  g_assert_cmpstr (digest, !=, plan->digest);
  plan->binding = PP_BINDING_ADDRESS;

  apply_and_plan_again (root, host, plan, "0000:41:00.0");
  if (plan_file (plan, "/etc/mkinitcpio.conf") != NULL)
    {
      g_autofree char *conf = g_build_filename (root, "etc/mkinitcpio.conf", NULL);
      const char *paths[] = { conf, NULL };
      g_auto(GStrv) hooks = pp_test_shell_value ("bash", paths, "HOOKS");

      /* first after base: its early hook runs before udev starts */
      g_assert_cmpstr (hooks[0], ==, "base");
      g_assert_cmpstr (hooks[1], ==, "passthrough-prep-vfio");
    }
}

/* A systemd-based mkinitcpio image runs no runtime hooks: with vfio-pci
 * built in, nothing would run the script in time */
static void
test_plan_bind_refused_systemd_builtin (void)
{
  g_autofree char *root = build_root ("identical-gpus-server-sdboot", "builtin");
  g_autoptr(PpPlan) plan = NULL;

  g_free (pp_test_write_file (root, "lib/modules/6.6.8-arch1-1/modules.builtin",
                              "kernel/drivers/vfio/pci/vfio-pci.ko\n"));
  plan = plan_for (root, "0000:41:00.0", NULL);
  g_assert_nonnull (plan->refused);
  g_assert_nonnull (strstr (plan->refused, "vfio-pci is built into this kernel"));
  g_assert_cmpuint (plan->files->len, ==, 0);
  g_assert_null (plan->digest);
}

/* An earlier vfio_pci ids= in /etc/initramfs-tools/modules would take the
 * twin too: binding by address removes it */
static void
test_plan_bind_drops_old_ids (void)
{
  g_autofree char *root = build_root ("identical-gpus-server", "old-ids");
  g_autoptr(PpPlan) plan = NULL;
  const PpFileEdit *modules;

  g_free (pp_test_write_file (root, "etc/initramfs-tools/modules", "vfio_pci ids=10de:24b0,10de:228b\n"));
  plan = plan_for (root, "0000:81:00.0", NULL);
  modules = plan_file (plan, "/etc/initramfs-tools/modules");
  g_assert_nonnull (modules);
  g_assert_null (strstr (modules->new_text, "ids="));
  g_assert_true (g_str_has_prefix (modules->new_text, "vfio_pci\n"));
}

/* The ACS override: only by choice, only on a kernel that carries it, and
 * only for a GPU whose group it would split */
static void
test_plan_acs_override (void)
{
  g_autofree char *root = build_root ("zen-chipset-group", "acs");
  g_autofree char *demo = build_root ("demo", "acs");
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpPlan) plan = plan_for_request (root, "0000:07:00.0", PP_BOOT_MODE_EVERY_BOOT, TRUE, &host);
  g_autoptr(PpPlan) without = plan_for (root, "0000:07:00.0", NULL);
  g_autoptr(PpPlan) viable = plan_for_request (root, "0000:03:00.0", PP_BOOT_MODE_EVERY_BOOT, TRUE, NULL);
  g_autoptr(PpPlan) stock = plan_for_request (demo, "0000:07:00.0", PP_BOOT_MODE_EVERY_BOOT, TRUE, NULL);
  g_autofree char *digest = NULL;
  gboolean warned = FALSE;

  g_assert_nonnull (without->refused);
  g_assert_null (plan->refused);
  g_assert_true (plan->acs_override);
  for (guint i = 0; i < plan->warnings->len; i++)
    warned |= strstr (g_ptr_array_index (plan->warnings, i), "IOMMU group 12 is expected to split") != NULL;
  g_assert_true (warned);
  g_assert_nonnull (strstr (plan_file (plan, "/etc/default/grub")->new_text,
                            " pcie_acs_override=downstream,multifunction\""));

  g_assert_nonnull (strstr (viable->refused, "needs no ACS override"));
  g_assert_nonnull (strstr (stock->refused, "(6.6.8-arch1-1) does not carry the ACS override"));

  plan->acs_override = FALSE;
  digest = pp_plan_digest (plan);
  g_assert_cmpstr (digest, !=, plan->digest);
  plan->acs_override = TRUE;
  apply_and_plan_again (root, host, plan, "0000:07:00.0");
}

/* Boot-entry mode, bound by address: the Passthrough entries' command line
 * names the functions; the addresses file, read at every boot, names none */
static void
test_plan_binds_by_address_boot_entry (void)
{
  g_autofree char *root = build_root ("identical-gpus-server", "bind-entry");
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpPlan) plan = plan_for_in_mode (root, "0000:41:00.0", PP_BOOT_MODE_BOOT_ENTRY, &host);
  g_autofree char *addresses = NULL;
  const char *modprobe;
  gboolean on_entry = FALSE;

  g_assert_null (plan->refused);
  g_assert_cmpint (plan->mode, ==, PP_BOOT_MODE_BOOT_ENTRY);
  g_assert_cmpint (plan->binding, ==, PP_BINDING_ADDRESS);
  addresses = non_comment_lines (plan_file (plan, PP_VFIO_ADDRESSES_FILE)->new_text);
  g_assert_cmpstr (addresses, ==, "");
  g_assert_nonnull (strstr (plan_file (plan, PP_VFIO_ADDRESSES_FILE)->new_text, "Passthrough boot entries"));
  modprobe = plan_file (plan, "/etc/modprobe.d/passthrough-prep-vfio.conf")->new_text;
  g_assert_nonnull (strstr (modprobe, PP_MODPROBE_BOOT_ENTRY_NOTE));
  g_assert_nonnull (strstr (modprobe, "install vfio-pci /etc/passthrough-prep/vfio-bind;"));
  g_assert_null (strstr (modprobe, "ids="));
  for (guint i = 0; i < plan->files->len; i++)
    {
      const PpFileEdit *edit = g_ptr_array_index (plan->files, i);

      g_assert_null (strstr (edit->new_text, "vfio-pci.ids="));
      on_entry |= strstr (edit->new_text, PP_PASSTHROUGH_MARKER " " PP_VFIO_ADDRESSES_PARAM
                          "=0000:41:00.0@10de:24b0,0000:41:00.1@10de:228b'") != NULL;
    }
  g_assert_true (on_entry);
  apply_and_plan_again (root, host, plan, "0000:41:00.0");
}

/* A driver link naming something that is no module name: the plan refuses
 * and names the function, and writes nothing */
static void
test_plan_refuses_odd_driver_name (void)
{
  g_autofree char *root = build_root ("desktop-intel-nvidia", "odd-driver");
  g_autofree char *link = g_build_filename (root, "sys/bus/pci/devices/0000:01:00.1/driver", NULL);
  g_autofree char *driver_dir = g_build_filename (root, "sys/bus/pci/drivers/snd_hda_intel\nblacklist vfio_pci",
                                                  NULL);
  g_autofree char *old_target = g_file_read_link (link, NULL);
  g_autofree char *drivers = NULL;
  g_autofree char *target = NULL;
  g_autoptr(PpPlan) plan = NULL;

  g_assert_nonnull (old_target);
  drivers = g_path_get_dirname (old_target);
  target = g_build_filename (drivers, "snd_hda_intel\nblacklist vfio_pci", NULL);
  g_assert_cmpint (g_mkdir_with_parents (driver_dir, 0755), ==, 0);
  g_assert_cmpint (g_unlink (link), ==, 0);
  g_assert_cmpint (symlink (target, link), ==, 0);

  plan = plan_for (root, "0000:01:00.0", NULL);
  g_assert_nonnull (plan->refused);
  g_assert_true (g_str_has_prefix (plan->refused,
                                   "0000:01:00.1 is bound to a driver named “snd_hda_intel\\nblacklist vfio_pci”, "
                                   "which is not a kernel module name"));
  g_assert_nonnull (strstr (plan->refused, "/sys/bus/pci/devices/0000:01:00.1/driver"));
  g_assert_cmpuint (plan->files->len, ==, 0);
  g_assert_cmpuint (plan->commands->len, ==, 0);
}

typedef struct
{
  char     *host;
  char     *gpu;
  gboolean  viable;      /* as the fixture's .expect says */
  gboolean  single_gpu;
} ExpectedGpu;

static void
expected_gpu_free (gpointer data)
{
  ExpectedGpu *e = data;

  g_free (e->host);
  g_free (e->gpu);
  g_free (e);
}

/* Every GPU of every fixture host: a refusal where the fixture says it is
 * not viable or the only GPU, else a plan that applies and is then done */
static void
test_every_gpu (gconstpointer data)
{
  const ExpectedGpu *e = data;
  static GHashTable *shared_roots = NULL;
  g_autofree char *root = NULL;
  const char *shared;
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpPlan) plan = NULL;

  /* planning reads only: one tree per host, a fresh one to apply a plan to */
  if (shared_roots == NULL)
    shared_roots = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  shared = g_hash_table_lookup (shared_roots, e->host);
  if (shared == NULL)
    {
      shared = build_root (e->host, "shared");
      g_hash_table_insert (shared_roots, g_strdup (e->host), (char *) shared);
    }
  plan = plan_for (shared, e->gpu, NULL);

  if (!e->viable || e->single_gpu)
    {
      g_assert_nonnull (plan->refused);
      g_assert_cmpuint (plan->files->len, ==, 0);
      return;
    }
  if (plan->refused != NULL)
    {
      /* viable, but another card shares its IDs and booster cannot bind by address */
      if (strstr (plan->refused, "booster cannot") == NULL)
        g_error ("refused: %s", plan->refused);
      return;
    }
  g_assert_cmpuint (plan->files->len, >, 0);
  g_assert_cmpuint (plan->ids->len, >, 0);
  root = build_root (e->host, e->gpu);
  g_clear_pointer (&plan, pp_plan_free);
  plan = plan_for (root, e->gpu, &host);
  apply_and_plan_again (root, host, plan, e->gpu);
}

static void
add_every_gpu_tests (void)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_DIST, "hosts", NULL);
  g_autoptr(GDir) hosts = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (hosts);
  while ((name = g_dir_read_name (hosts)) != NULL)
    if (g_str_has_suffix (name, ".expect"))
      g_ptr_array_add (names, g_strndup (name, strlen (name) - strlen (".expect")));
  g_ptr_array_sort (names, compare_paths);

  for (guint n = 0; n < names->len; n++)
    {
      const char *host = g_ptr_array_index (names, n);
      g_autofree char *expect_path = g_strdup_printf ("%s/%s.expect", dir, host);
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;
      gboolean single_gpu = FALSE;

      g_file_get_contents (expect_path, &text, NULL, NULL);
      g_assert_nonnull (text);
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i]; i++)
        if (g_str_equal (g_strstrip (lines[i]), "scenario single-gpu"))
          single_gpu = TRUE;
      for (guint i = 0; lines[i]; i++)
        {
          g_auto(GStrv) words = g_strsplit (lines[i], " ", -1);
          ExpectedGpu *e;
          g_autofree char *path = NULL;

          if (words[0] == NULL || !g_str_equal (words[0], "gpu") || words[1] == NULL || words[2] == NULL)
            continue;
          e = g_new0 (ExpectedGpu, 1);
          e->host = g_strdup (host);
          e->gpu = g_strdup (words[1]);
          e->viable = g_str_equal (words[2], "viable");
          e->single_gpu = single_gpu;
          path = g_strdup_printf ("/core/plan/every-gpu/%s/%s", host, e->gpu);
          g_test_add_data_func_full (path, e, test_every_gpu, expected_gpu_free);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/plan/%s/%s", cases[i].host, cases[i].gpu);

      g_test_add_data_func (path, &cases[i], test_plan_case);
    }
  add_every_gpu_tests ();
  for (guint i = 0; i < G_N_ELEMENTS (entry_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/core/plan/boot-entry/%s/%s", entry_cases[i].host, entry_cases[i].gpu);

      g_test_add_data_func (path, &entry_cases[i], test_plan_boot_entry);
    }
  g_test_add_func ("/core/plan/boot-entry/unavailable", test_plan_boot_entry_unavailable);
  g_test_add_func ("/core/plan/json", test_plan_json);
  g_test_add_func ("/core/plan/text", test_plan_text);
  g_test_add_func ("/core/plan/parse-error", test_plan_parse_error);
  g_test_add_func ("/core/plan/kernelstub", test_plan_kernelstub);
  g_test_add_func ("/core/plan/warns-dropped-ids", test_plan_warns_dropped_ids);
  g_test_add_func ("/core/plan/grubby-arguments", test_plan_grubby_arguments);
  g_test_add_data_func ("/core/plan/bind-by-address/initramfs-tools", "identical-gpus-server", test_plan_binds_by_address);
  g_test_add_data_func ("/core/plan/bind-by-address/mkinitcpio", "identical-gpus-server-mkinitcpio",
                        test_plan_binds_by_address);
  g_test_add_data_func ("/core/plan/bind-by-address/mkinitcpio-systemd", "identical-gpus-server-sdboot",
                        test_plan_binds_by_address);
  g_test_add_data_func ("/core/plan/bind-by-address/dracut", "identical-gpus-server-dracut",
                        test_plan_binds_by_address);
  g_test_add_func ("/core/plan/bind-by-address/refused-systemd-builtin", test_plan_bind_refused_systemd_builtin);
  g_test_add_func ("/core/plan/bind-by-address/drops-old-ids", test_plan_bind_drops_old_ids);
  g_test_add_func ("/core/plan/bind-by-address/boot-entry", test_plan_binds_by_address_boot_entry);
  g_test_add_func ("/core/plan/acs-override", test_plan_acs_override);
  g_test_add_func ("/core/plan/refuses-odd-driver-name", test_plan_refuses_odd_driver_name);
  return g_test_run ();
}
