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
#include "pp-test-oracle.h"
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
#define MODPROBE "/etc/modprobe.d/passthrough-prep-vfio.conf"
#define DRACUT_FILES "/etc/dracut.conf.d/passthrough-prep-vfio.conf|" MODPROBE

typedef struct
{
  const char *host;
  const char *gpu;
  const char *refused;    /* the refusal contains this; NULL: a plan */
  const char *commands;   /* argv joined by spaces, commands by | */
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
  { "laptop-3d-controller", "0000:01:00.0", NULL, "dracut -f --regenerate-all",
    "/etc/default/grub|/etc/kernel/cmdline|"
    "/boot/loader/entries/5d1e7f0a9c2b4e6f8a1b3c5d7e9f0a2b-0-rescue.conf|"
    "/boot/loader/entries/5d1e7f0a9c2b4e6f8a1b3c5d7e9f0a2b-6.5.6-300.fc39.x86_64.conf|" DRACUT_FILES },
  { "rhel8-grub-kernelopts", "0000:01:00.0", NULL,
    "dracut -f --regenerate-all|grubby --update-kernel=ALL --args=intel_iommu=on iommu=pt vfio-pci.ids=10de:1401,10de:0fba",
    "/etc/default/grub|" DRACUT_FILES },
  { "cachyos-sdboot-manage", "0000:10:00.0", NULL, "mkinitcpio -P|sdboot-manage gen",
    "/etc/sdboot-manage.conf|/etc/mkinitcpio.conf|" MODPROBE },
  { "cachyos-limine", "0000:01:00.0", NULL, "limine-mkinitcpio|limine-update",
    "/etc/default/limine|/etc/mkinitcpio.conf|" MODPROBE },
  { "arch-limine-booster", "0000:01:00.0", NULL,
    "booster build --force --kernel-version 6.9.7-arch1-1 /boot/booster-linux.img",
    "/boot/limine/limine.conf|/etc/booster.yaml|" MODPROBE },
  { "arch-refind", "0000:01:00.0", NULL, "mkinitcpio -P", "/boot/refind_linux.conf|/etc/mkinitcpio.conf|" MODPROBE },
  { "popos-kernelstub", "0000:01:00.0", NULL,
    "update-initramfs -u -k all|kernelstub -a intel_iommu=on iommu=pt vfio-pci.ids=10de:1d01,10de:0fb8",
    "/etc/initramfs-tools/modules|" MODPROBE },
  { "fedora-silverblue", "0000:10:00.0", NULL,
    "rpm-ostree initramfs --enable|rpm-ostree kargs --append-if-missing=amd_iommu=on --append-if-missing=iommu=pt "
    "--append-if-missing=vfio-pci.ids=1002:67df,1002:aaf0", DRACUT_FILES },
  { "nixos", "0000:01:00.0", "boot.kernelParams = [ \"intel_iommu=on\" \"iommu=pt\" \"vfio-pci.ids=10de:1401,10de:0fba\" ];",
    NULL, NULL },
  { "arch-sdboot-uki", "0000:01:00.0", NULL, "mkinitcpio -P", "/etc/kernel/cmdline|/etc/mkinitcpio.conf|" MODPROBE },
  { "endeavouros-sdboot-dracut", "0000:26:00.0", NULL, "dracut -f --regenerate-all",
    "/etc/kernel/cmdline|/efi/loader/entries/3e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b-6.11.5-arch1-1.conf|"
    "/efi/loader/entries/3e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b-6.6.58-1-lts.conf|" DRACUT_FILES },
  { "debian-earlier-vfio", "0000:26:00.0", NULL, DEBIAN,
    "/etc/default/grub|/etc/initramfs-tools/modules|" MODPROBE "|/etc/modprobe.d/vfio.conf|/etc/modules" },
  { "arch-sdboot-leftover-grub", "0000:10:00.0", NULL, "mkinitcpio -P",
    "/boot/loader/entries/arch-fallback.conf|/boot/loader/entries/arch.conf|/etc/mkinitcpio.conf|" MODPROBE },
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
  { "identical-gpus-server-dracut", "0000:41:00.0", NULL, "dracut -f --regenerate-all",
    "/etc/default/grub|/etc/kernel/cmdline|"
    "/boot/loader/entries/5d1e7f0a9c2b4e6f8a1b3c5d7e9f0a2b-0-rescue.conf|"
    "/boot/loader/entries/5d1e7f0a9c2b4e6f8a1b3c5d7e9f0a2b-6.5.6-300.fc39.x86_64.conf|" DRACUT_FILES DRACUT_BIND_FILES },
  { "identical-gpus-server-silverblue", "0000:41:00.0", NULL,
    "rpm-ostree initramfs --enable|rpm-ostree kargs --append-if-missing=amd_iommu=on --append-if-missing=iommu=pt",
    DRACUT_FILES BIND_FILES },
  { "identical-gpus-server-limine", "0000:41:00.0", NULL, "limine-mkinitcpio|limine-update",
    "/etc/default/limine|/etc/mkinitcpio.conf|" MODPROBE ARCH_BIND_FILES },
  { "identical-gpus-server-nixos", "0000:41:00.0", "boot.initrd.preDeviceCommands", NULL, NULL },
  { "identical-gpus-server-booster", "0000:41:00.0", "booster cannot hand a GPU to vfio-pci by its address", NULL, NULL },
  { "identical-gpus-server-booster", "0000:c3:00.0", NULL,
    "booster build --force --kernel-version 6.6.8-arch1-1 /boot/booster-linux.img|grub-mkconfig -o /boot/grub/grub.cfg",
    "/etc/default/grub|/etc/booster.yaml|" MODPROBE },
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

static char *
plan_ids (PpPlan *plan)
{
  char *ids;

  g_ptr_array_add (plan->ids, NULL);
  ids = g_strjoinv (",", (char **) plan->ids->pdata);
  g_ptr_array_remove_index (plan->ids, plan->ids->len - 1);
  return ids;
}

/* The kernel command line must carry the parameters once each: the IDs
 * only where they bind, no vfio-pci.ids at all where the functions are
 * bound by address, and the ACS override where it was chosen */
static void
assert_params_once (const char   *where,
                    const char   *cmdline,
                    const PpHost *host,
                    PpPlan       *plan)
{
  g_autofree char *ids = plan_ids (plan);
  g_autofree char *ids_param = g_strconcat ("vfio-pci.ids=", ids, NULL);
  const char *flag = host->cpu_vendor == PP_CPU_VENDOR_AMD ? "amd_iommu=on" : "intel_iommu=on";
  gboolean ok = pp_test_count_words (cmdline, "iommu=pt") == 1 && pp_test_count_words (cmdline, flag) == 1;

  if (plan->binding == PP_BINDING_IDS)
    ok &= pp_test_count_words (cmdline, ids_param) == 1;
  else
    ok &= strstr (cmdline, "vfio-pci.ids") == NULL && strstr (cmdline, "vfio_pci.ids") == NULL;
  if (plan->acs_override)
    ok &= pp_test_count_words (cmdline, "pcie_acs_override=downstream,multifunction") == 1;
  if (!ok)
    g_error ("%s: the command line “%s” does not carry %s iommu=pt %s%s once each", where, cmdline, flag,
             plan->binding == PP_BINDING_IDS ? ids_param : "(and no vfio-pci.ids)",
             plan->acs_override ? " pcie_acs_override=downstream,multifunction" : "");
}

static gboolean
plan_runs (PpPlan     *plan,
           const char *program)
{
  for (guint i = 0; i < plan->commands->len; i++)
    if (g_str_equal (((char **) g_ptr_array_index (plan->commands, i))[0], program))
      return TRUE;
  return FALSE;
}

/* What the tools that keep kernel arguments themselves (grubby, kernelstub,
 * rpm-ostree kargs) would leave in the entries and in grubenv's kernelopts */
static void
simulate_tools (const char   *root,
                const PpHost *host,
                PpPlan       *plan)
{
  static const char * const dirs[] = { "boot/loader/entries", "boot/efi/loader/entries", "efi/loader/entries", NULL };
  g_autofree char *ids = plan_ids (plan);
  g_autofree char *grubenv = g_build_filename (root, "boot/grub2/grubenv", NULL);
  g_autofree char *env = NULL;
  PpKernelParamsIntent intent = { host->cpu_vendor, TRUE, ids, plan->binding == PP_BINDING_ADDRESS, plan->acs_override };

  if (!plan_runs (plan, "grubby") && !plan_runs (plan, "kernelstub") && !plan_runs (plan, "rpm-ostree"))
    return;
  for (guint d = 0; dirs[d] != NULL; d++)
    {
      g_autofree char *dir = g_build_filename (root, dirs[d], NULL);
      g_autoptr(GDir) entries = g_dir_open (dir, 0, NULL);
      const char *name;

      while (entries != NULL && (name = g_dir_read_name (entries)) != NULL)
        {
          g_autofree char *path = g_build_filename (dir, name, NULL);
          g_autofree char *text = NULL;
          g_autofree char *edited = NULL;

          g_file_get_contents (path, &text, NULL, NULL);
          if (strstr (text, "$kernelopts") != NULL)
            continue;
          edited = pp_sdboot_edit_entry (path, text, &intent, NULL);
          if (edited != NULL)
            g_file_set_contents (path, edited, -1, NULL);
        }
    }
  /* grubby keeps RHEL 8's command line in grubenv */
  if (g_file_get_contents (grubenv, &env, NULL, NULL) && strstr (env, "\nkernelopts=") != NULL)
    {
      char *start = strstr (env, "\nkernelopts=") + strlen ("\nkernelopts=");
      char *end = strchr (start, '\n');
      g_autofree char *old = g_strndup (start, end - start);
      g_autoptr(GError) error = NULL;
      g_autofree char *edited = pp_kernel_params_edit_line (&intent, grubenv, old, &error);
      g_autofree char *head = g_strndup (env, start - env);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = g_strconcat (head, edited, end, NULL);

      g_file_set_contents (grubenv, text, -1, NULL);
    }
}

static char *
read_root_file (const char *root,
                const char *path)
{
  g_autofree char *full = g_build_filename (root, path, NULL);
  char *text = NULL;

  g_file_get_contents (full, &text, NULL, NULL);
  return text;
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
  assert_params_once ("/etc/default/grub", cmdline, host, plan);
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

/* The initramfs tool's files give the early modules; each boot manager's
 * files, read by its own reader (or the shell), give the parameters once
 * each; entries edited in place too */
static void
check_boot_files (const char        *root,
                  const PpHost      *host,
                  const PpBootSetup *setup,
                  PpPlan            *plan)
{
  const char *boot = setup->boot->id;
  g_autofree char *kernel_cmdline = read_root_file (root, "etc/kernel/cmdline");

  if (g_str_equal (setup->initramfs->id, "booster"))
    {
      g_autofree char *path = g_build_filename (root, "etc/booster.yaml", NULL);
      gboolean available = FALSE;
      g_autofree char *force = pp_test_yaml_scalar (path, "modules_force_load", &available);
      g_auto(GStrv) modules = force != NULL ? g_strsplit (force, ",", -1) : NULL;

      if (available)
        for (guint i = 0; i < 3; i++)
          g_assert_true (g_strv_contains ((const char * const *) modules,
                                          (const char *[]) { "vfio_pci", "vfio", "vfio_iommu_type1" }[i]));
    }
  if (g_str_equal (setup->initramfs->id, "mkinitcpio") || g_str_equal (setup->initramfs->id, "limine-mkinitcpio"))
    check_mkinitcpio (root);
  /* in boot-entry mode the normal command line stays as it is */
  if (plan->mode != PP_BOOT_MODE_EVERY_BOOT)
    return;
  if (g_str_equal (boot, "grub") || g_str_equal (boot, "grub-bls"))
    check_grub_cmdline (root, host, plan);
  if (kernel_cmdline != NULL && !g_str_equal (boot, "kernelstub"))
    assert_params_once ("/etc/kernel/cmdline", kernel_cmdline, host, plan);
  if (g_str_equal (boot, "sdboot-manage"))
    {
      g_autofree char *conf = g_build_filename (root, "etc/sdboot-manage.conf", NULL);
      const char *paths[] = { conf, NULL };
      g_auto(GStrv) options = pp_test_shell_value ("bash", paths, "LINUX_OPTIONS");
      g_auto(GStrv) fallback = pp_test_shell_value ("bash", paths, "LINUX_FALLBACK_OPTIONS");

      assert_params_once ("LINUX_OPTIONS", options[0], host, plan);
      assert_params_once ("LINUX_FALLBACK_OPTIONS", fallback[0], host, plan);
    }
  if (g_str_equal (boot, "limine-entry-tool"))
    {
      g_autofree char *conf = g_build_filename (root, "etc/default/limine", NULL);
      const char *paths[] = { conf, NULL };
      g_autoptr(GHashTable) values = pp_test_shell_assoc (paths, "KERNEL_CMDLINE");
      GHashTableIter iter;
      gpointer key, value;

      g_assert_cmpuint (g_hash_table_size (values), >, 0);
      g_hash_table_iter_init (&iter, values);
      while (g_hash_table_iter_next (&iter, &key, &value))
        assert_params_once (key, value, host, plan);
    }
  if (g_str_equal (boot, "limine"))
    {
      g_autofree char *text = read_root_file (root, "boot/limine/limine.conf");
      g_autoptr(GPtrArray) cmdlines = pp_test_limine_cmdlines (text, FALSE);

      g_assert_cmpuint (cmdlines->len, >, 0);
      for (guint i = 0; i < cmdlines->len; i++)
        assert_params_once ("limine.conf", g_ptr_array_index (cmdlines, i), host, plan);
    }
  if (g_str_equal (boot, "refind"))
    {
      g_autofree char *text = read_root_file (root, "boot/refind_linux.conf");
      g_autoptr(GPtrArray) options = pp_test_refind_options (text);

      g_assert_cmpuint (options->len, >, 0);
      for (guint i = 0; i < options->len; i++)
        assert_params_once ("refind_linux.conf", g_ptr_array_index (options, i), host, plan);
    }
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
  simulate_tools (root, host, plan);
  check_boot_files (root, host, setup, plan);

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

/* Fedora's entries are edited in place, so revert gives their bytes back;
 * entries that take $kernelopts from grubenv (RHEL 8) go through grubby,
 * whose undo takes exactly that change back */
static void
test_plan_bls_entries (void)
{
  g_autofree char *root = build_root ("laptop-3d-controller", "bls-entries");
  g_autofree char *entry_path = g_strdup ("/boot/loader/entries/5d1e7f0a9c2b4e6f8a1b3c5d7e9f0a2b-6.5.6-300.fc39.x86_64.conf");
  g_autofree char *entry = g_build_filename (root, entry_path, NULL);
  g_autofree char *rescue = g_build_filename (root, "boot/loader/entries",
                                              "5d1e7f0a9c2b4e6f8a1b3c5d7e9f0a2b-0-rescue.conf", NULL);
  g_autofree char *grubenv = g_build_filename (root, "boot/grub2/grubenv", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpPlan) plan = NULL;
  g_autoptr(PpPlan) grubby = NULL;
  g_autofree char *commands = NULL;
  g_autofree char *undo = NULL;
  const PpFileEdit *edited = NULL;

  g_file_set_contents (entry,
                       "title Fedora Linux\nlinux /vmlinuz\n"
                       "options root=UUID=5b0f ro iommu=soft rhgb vfio_pci.ids=10de:1401 intel_iommu=on quiet iommu=off\n",
                       -1, &error);
  g_assert_no_error (error);
  plan = plan_for (root, "0000:01:00.0", NULL);
  commands = joined_commands (plan);
  g_assert_cmpstr (commands, ==, "dracut -f --regenerate-all");
  for (guint i = 0; i < plan->files->len; i++)
    if (g_str_equal (((PpFileEdit *) g_ptr_array_index (plan->files, i))->path, entry_path))
      edited = g_ptr_array_index (plan->files, i);
  g_assert_nonnull (edited);
  g_assert_cmpstr (edited->new_text, ==,
                   "title Fedora Linux\nlinux /vmlinuz\n"
                   "options root=UUID=5b0f ro rhgb vfio-pci.ids=10de:11e1,10de:0e0b intel_iommu=on quiet iommu=pt\n");

  /* RHEL 8: the command line is grubenv's kernelopts */
  g_file_set_contents (entry, "title Red Hat Enterprise Linux\nlinux /vmlinuz\noptions $kernelopts $tuned_params\n",
                       -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (rescue, "title rescue\nlinux /vmlinuz-0-rescue\noptions $kernelopts\n", -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (grubenv, "# GRUB Environment Block\nkernelopts=root=/dev/mapper/rhel-root ro iommu=soft "
                       "vfio_pci.ids=10de:1401 crashkernel=auto\n#####\n", -1, &error);
  g_assert_no_error (error);
  grubby = plan_for (root, "0000:01:00.0", NULL);
  g_free (commands);
  commands = joined_commands (grubby);
  g_assert_cmpstr (commands, ==,
                   "dracut -f --regenerate-all|"
                   "grubby --update-kernel=ALL --args=iommu=pt vfio-pci.ids=10de:11e1,10de:0e0b intel_iommu=on "
                   "--remove-args=vfio_pci.ids=10de:1401");
  undo = g_strjoinv (" ", g_ptr_array_index (grubby->undo_commands, 1));
  g_assert_cmpstr (undo, ==,
                   "grubby --update-kernel=ALL --args=iommu=soft vfio_pci.ids=10de:1401 "
                   "--remove-args=vfio-pci.ids=10de:11e1,10de:0e0b intel_iommu=on");
  g_assert_null (g_ptr_array_index (grubby->undo_commands, 0));
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

/* kernelstub's configuration without kernelstub: the commands are a step by hand */
static void
test_plan_kernelstub_missing (void)
{
  g_autofree char *root = build_root ("nvidia-4fn-igpu-0380", "kernelstub");
  g_autoptr(PpPlan) plan = NULL;

  g_free (pp_test_write_file (root, "etc/kernelstub/configuration", "{ \"user\": { \"kernel_options\": [] } }\n"));
  plan = plan_for (root, "0000:01:00.0", NULL);
  g_assert_cmpuint (plan->manual_steps->len, ==, 1);
  g_assert_nonnull (strstr (g_ptr_array_index (plan->manual_steps, 0),
                            "kernelstub -a 'intel_iommu=on iommu=pt vfio-pci.ids=10de:2184,10de:1aeb,10de:1aec,10de:1aed'"));
  for (guint i = 0; i < plan->commands->len; i++)
    g_assert_cmpstr (((char **) g_ptr_array_index (plan->commands, i))[0], !=, "kernelstub");
}

static char *
plan_manual_steps (PpPlan *plan)
{
  g_ptr_array_add (plan->manual_steps, NULL);
  {
    char *joined = g_strjoinv ("\n", (char **) plan->manual_steps->pdata);

    g_ptr_array_remove_index (plan->manual_steps, plan->manual_steps->len - 1);
    return joined;
  }
}

static void
assert_mentions (const char *text,
                 const char *needle)
{
  if (text == NULL || strstr (text, needle) == NULL)
    g_error ("“%s” does not say “%s”", text, needle);
}

/* What cannot be reconciled safely refuses, naming the file and line */
static void
test_plan_earlier_refusals (void)
{
  static const struct { const char *path; const char *text; const char *want; } variants[] = {
    { "etc/modprobe.d/vfio.conf", "options vfio-pci ids=10de:1c03\ninstall vfio-pci /usr/local/bin/vfio-bind\n",
      "/etc/modprobe.d/vfio.conf:2: “install vfio-pci /usr/local/bin/vfio-bind” runs a command instead of loading vfio-pci" },
    { "usr/lib/modprobe.d/zz-vfio.conf", "options vfio-pci ids=1:2\n",
      "/usr/lib/modprobe.d/zz-vfio.conf:1: gives vfio-pci the IDs 1:2 in a file installed by a package" },
    { "etc/modprobe.d/vfio.conf", "options vfio-pci \\\n  ids=1:2\n",
      "/etc/modprobe.d/vfio.conf:1: gives vfio-pci the IDs 1:2 over several lines" },
    { "etc/modprobe.d/stub.conf", "options pci-stub ids=10de:0fba\n",
      "/etc/modprobe.d/stub.conf:1: gives pci-stub the IDs 10de:0fba" },
    { "etc/dracut.conf.d/vfio.conf", "kernel_cmdline+=\" vfio-pci.ids=1:2 \"\n",
      "/etc/dracut.conf.d/vfio.conf:1: dracut puts vfio-pci.ids=1:2 into the initramfs" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autofree char *label = g_strdup_printf ("refusal-%u", i);
      g_autofree char *root = build_root ("debian-earlier-vfio", label);
      g_autoptr(PpPlan) plan = NULL;

      g_free (pp_test_write_file (root, variants[i].path, variants[i].text));
      if (g_str_has_prefix (variants[i].path, "etc/dracut"))
        {
          g_autofree char *tool = pp_test_write_file (root, "usr/bin/dracut", "#!/bin/sh\n");

          g_chmod (tool, 0755);
        }
      plan = plan_for (root, "0000:26:00.0", NULL);
      assert_mentions (plan->refused, variants[i].want);
      g_assert_cmpuint (plan->files->len, ==, 0);
    }
}

/* A rebuild tool the host does not have is a step by hand naming the boot
 * manager, the file and the command, never left out */
static void
test_plan_missing_tools (void)
{
  g_autofree char *root = build_root ("ubuntu-grub-dropin", "no-tools");
  const char *tools[] = { "usr/sbin/update-grub", "usr/sbin/grub-mkconfig", "usr/sbin/update-initramfs" };
  g_autoptr(PpPlan) plan = NULL;
  g_autofree char *steps = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (tools); i++)
    {
      g_autofree char *path = g_build_filename (root, tools[i], NULL);

      g_assert_cmpint (g_unlink (path), ==, 0);
    }
  plan = plan_for (root, "0000:01:00.0", NULL);
  g_assert_cmpuint (plan->commands->len, ==, 0);
  steps = plan_manual_steps (plan);
  assert_mentions (steps, "GRUB: grub-mkconfig is not installed, so PassthroughPrep cannot run it. After "
                          "/etc/default/grub.d/50-cloudimg-settings.cfg changes, run this (or your distribution’s "
                          "equivalent) before restarting: grub-mkconfig -o /boot/grub/grub.cfg");
  assert_mentions (steps, "Initramfs: update-initramfs is not installed, so PassthroughPrep cannot rebuild the "
                          "initramfs. After these changes, rebuild it before restarting: update-initramfs -u -k all");
}

static char *
joined_undo (PpPlan *plan,
             guint   i)
{
  char **undo = g_ptr_array_index (plan->undo_commands, i);

  return undo != NULL ? g_strjoinv (" ", undo) : NULL;
}

/* rpm-ostree: kargs replaced and appended with their undo; the initramfs
 * built on the host, as the deployment's origin allows */
static void
test_plan_rpm_ostree (void)
{
  static const char *entry = "boot/loader.1/entries/ostree-2-fedora.conf";
  static const char *origin =
    "ostree/deploy/fedora/deploy/c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3.0.origin";
  g_autofree char *root = build_root ("fedora-silverblue", "kargs");
  g_autofree char *entry_path = g_build_filename (root, entry, NULL);
  g_autofree char *origin_path = g_build_filename (root, origin, NULL);
  g_autofree char *text = NULL;
  g_autofree char *edited = NULL;
  g_auto(GStrv) halves = NULL;
  g_autoptr(PpPlan) plan = NULL;
  g_autofree char *commands = NULL;
  g_autofree char *undo = NULL;
  gboolean said = FALSE;

  g_file_get_contents (entry_path, &text, NULL, NULL);
  halves = g_strsplit (text, "rhgb quiet", 2);
  edited = g_strjoinv ("rhgb quiet iommu=soft amd-iommu=on vfio-pci.ids=1:2", halves);
  g_file_set_contents (entry_path, edited, -1, NULL);
  plan = plan_for (root, "0000:10:00.0", NULL);
  commands = joined_commands (plan);
  g_assert_cmpstr (commands, ==,
                   "rpm-ostree initramfs --enable|"
                   "rpm-ostree kargs --replace=iommu=soft=pt --delete-if-present=amd-iommu=on "
                   "--append-if-missing=amd_iommu=on --replace=vfio-pci.ids=1:2=1002:67df,1002:aaf0");
  undo = joined_undo (plan, 1);
  g_assert_cmpstr (undo, ==,
                   "rpm-ostree kargs --replace=iommu=pt=soft --append=amd-iommu=on "
                   "--delete-if-present=amd_iommu=on --replace=vfio-pci.ids=1002:67df,1002:aaf0=1:2");
  g_free (undo);
  undo = joined_undo (plan, 0);
  g_assert_cmpstr (undo, ==, "rpm-ostree initramfs --disable");
  g_clear_pointer (&plan, pp_plan_free);

  /* regeneration already on with arguments: built again with them, rerun on revert */
  g_free (pp_test_write_file (root, origin, "[origin]\nrefspec=fedora:fedora/41/x86_64/silverblue\n\n[rpmostree]\n"
                                            "regenerate-initramfs=true\ninitramfs-args=--add-drivers;vfio-pci;\n"));
  plan = plan_for (root, "0000:10:00.0", NULL);
  g_free (commands);
  commands = joined_commands (plan);
  g_assert_true (g_str_has_prefix (commands, "rpm-ostree initramfs --enable --arg=--add-drivers --arg=vfio-pci|"));
  g_assert_null (g_ptr_array_index (plan->undo_commands, 0));
  g_clear_pointer (&plan, pp_plan_free);

  /* on without arguments: --enable would fail, a new deployment rebuilds it */
  g_free (pp_test_write_file (root, origin, "[rpmostree]\nregenerate-initramfs=true\n"));
  plan = plan_for (root, "0000:10:00.0", NULL);
  g_free (commands);
  commands = joined_commands (plan);
  g_assert_true (g_str_has_prefix (commands, "rpm-ostree initramfs-etc --force-sync|"));
  g_clear_pointer (&plan, pp_plan_free);

  /* an origin that cannot be found is said so */
  g_assert_cmpint (g_unlink (origin_path), ==, 0);
  plan = plan_for (root, "0000:10:00.0", NULL);
  for (guint i = 0; i < plan->warnings->len; i++)
    said |= strstr (g_ptr_array_index (plan->warnings, i), "origin file of the default deployment") != NULL;
  g_assert_true (said);
}

/* UKIs: /etc/kernel/cmdline made where it is missing; kernel-install where it builds them */
static void
test_plan_uki (void)
{
  g_autofree char *root = build_root ("arch-sdboot-uki", "variants");
  g_autofree char *cmdline = g_build_filename (root, "etc/kernel/cmdline", NULL);
  g_autoptr(PpPlan) plan = NULL;
  g_autofree char *commands = NULL;
  g_autofree char *steps = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;

  g_assert_cmpint (g_unlink (cmdline), ==, 0);
  plan = plan_for (root, "0000:01:00.0", NULL);
  g_assert_cmpstr (((PpFileEdit *) g_ptr_array_index (plan->files, 0))->path, ==, "/etc/kernel/cmdline");
  g_assert_null (((PpFileEdit *) g_ptr_array_index (plan->files, 0))->old_text);
  g_assert_cmpstr (((PpFileEdit *) g_ptr_array_index (plan->files, 0))->new_text, ==,
                   "root=UUID=7d6c5b4a-3928-4716-8a5b-4c3d2e1f0a9b rw quiet loglevel=3 intel_iommu=on iommu=pt "
                   "vfio-pci.ids=10de:11e1,10de:0e0b\n");
  g_clear_pointer (&plan, pp_plan_free);

  /* kernel-install with layout=uki builds each kernel's image */
  g_free (pp_test_write_file (root, "etc/kernel/cmdline", "root=UUID=1 rw\n"));
  g_free (pp_test_write_file (root, "etc/mkinitcpio.d/linux.preset", "PRESETS=('default')\ndefault_image=/boot/x.img\n"));
  g_free (pp_test_write_file (root, "etc/kernel/install.conf", "layout=uki\nuki_generator=ukify\n"));
  g_free (pp_test_write_file (root, "usr/lib/modules/6.12.9-arch1-1/vmlinuz", "kernel\n"));
  g_free (pp_test_write_file (root, "usr/lib/modules/6.6.70-1-lts/modules.order", "\n"));
  {
    g_autofree char *tool = pp_test_write_file (root, "usr/bin/kernel-install", "#!/bin/sh\n");

    g_chmod (tool, 0755);
  }
  plan = plan_for (root, "0000:01:00.0", NULL);
  commands = joined_commands (plan);
  g_assert_cmpstr (commands, ==,
                   "mkinitcpio -P|kernel-install add 6.12.9-arch1-1 /usr/lib/modules/6.12.9-arch1-1/vmlinuz");
  g_clear_pointer (&plan, pp_plan_free);

  /* nobody known builds them: a step by hand */
  g_free (pp_test_write_file (root, "etc/kernel/install.conf", "layout=bls\n"));
  plan = plan_for (root, "0000:01:00.0", NULL);
  steps = plan_manual_steps (plan);
  assert_mentions (steps, "systemd-boot: each unified kernel image carries its own command line");
  g_clear_pointer (&plan, pp_plan_free);

  /* a comment in /etc/kernel/cmdline: the tools disagree on it */
  g_free (pp_test_write_file (root, "etc/kernel/cmdline", "# mine\nroot=UUID=1 rw\n"));
  host = pp_host_read (root, &error);
  g_assert_no_error (error);
  plan = plan_host (host, "0000:01:00.0", &error);
  g_assert_null (plan);
  g_assert_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED);
  g_assert_true (g_str_has_prefix (error->message, "/etc/kernel/cmdline:1: a comment line"));
}

/* What the backends cannot edit is a step by hand that names it */
static void
test_plan_steps_by_hand (void)
{
  g_autofree char *limine = build_root ("cachyos-limine", "no-cmdline");
  g_autofree char *refind = build_root ("arch-refind", "no-linux-conf");
  g_autoptr(PpPlan) limine_plan = NULL;
  g_autoptr(PpPlan) refind_plan = NULL;
  g_autofree char *limine_steps = NULL;
  g_autofree char *refind_steps = NULL;
  g_autofree char *refind_linux = g_build_filename (refind, "boot/refind_linux.conf", NULL);

  g_free (pp_test_write_file (limine, "etc/default/limine", "TARGET_OS_NAME=\"CachyOS\"\n"));
  limine_plan = plan_for (limine, "0000:01:00.0", NULL);
  limine_steps = plan_manual_steps (limine_plan);
  assert_mentions (limine_steps, "limine-entry-tool: no KERNEL_CMDLINE is set in /etc/default/limine");
  assert_mentions (limine_steps, "intel_iommu=on iommu=pt vfio-pci.ids=10de:1401,10de:0fba");

  g_assert_cmpint (g_unlink (refind_linux), ==, 0);
  g_free (pp_test_write_file (refind, "boot/EFI/refind/refind.conf", "timeout 20\n"));
  refind_plan = plan_for (refind, "0000:01:00.0", NULL);
  refind_steps = plan_manual_steps (refind_plan);
  assert_mentions (refind_steps, "rEFInd: there is no /boot/refind_linux.conf");
}

/* kernelstub: what it has is taken out (-d) before ours go in (-a); each undone */
static void
test_plan_kernelstub_replaces (void)
{
  g_autofree char *root = build_root ("popos-kernelstub", "replaces");
  g_autoptr(PpPlan) plan = NULL;
  g_autofree char *commands = NULL;
  g_autofree char *undo0 = NULL;
  g_autofree char *undo1 = NULL;

  g_free (pp_test_write_file (root, "boot/efi/loader/entries/Pop_OS-current.conf",
                              "title Pop!_OS\nlinux /EFI/Pop_OS-x/vmlinuz.efi\n"
                              "options root=UUID=x ro quiet iommu=soft vfio-pci.ids=10de:1c03 splash\n"));
  plan = plan_for (root, "0000:01:00.0", NULL);
  commands = joined_commands (plan);
  g_assert_cmpstr (commands, ==,
                   "update-initramfs -u -k all|kernelstub -d iommu=soft vfio-pci.ids=10de:1c03|"
                   "kernelstub -a intel_iommu=on iommu=pt vfio-pci.ids=10de:1d01,10de:0fb8");
  undo0 = joined_undo (plan, 1);
  undo1 = joined_undo (plan, 2);
  g_assert_cmpstr (undo0, ==, "kernelstub -a iommu=soft vfio-pci.ids=10de:1c03");
  g_assert_cmpstr (undo1, ==, "kernelstub -d intel_iommu=on iommu=pt vfio-pci.ids=10de:1d01,10de:0fb8");
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
  for (guint i = 0; i < plan->commands->len; i++)
    {
      g_autofree char *line = g_strjoinv (" ", g_ptr_array_index (plan->commands, i));

      g_assert_null (strstr (line, "vfio-pci.ids"));
    }
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
  if (plan_file (plan, PP_DRACUT_FILE) != NULL
      && plan_file (plan, "/usr/lib/dracut/modules.d/90passthrough-prep-vfio/module-setup.sh") == NULL)
    {
      /* no dracut module of ours (rpm-ostree): the drop-in, read as dracut
       * sources it, has the image carry the script, its addresses and the
       * modprobe.d file whose install line runs it */
      g_autofree char *dropin = g_build_filename (root, PP_DRACUT_FILE, NULL);
      const char *paths[] = { dropin, NULL };
      g_auto(GStrv) items = pp_test_shell_value ("bash", paths, "install_items");
      g_auto(GStrv) words = NULL;

      g_assert_cmpuint (g_strv_length (items), ==, 1);
      words = g_strsplit_set (g_strstrip (items[0]), " ", -1);
      g_assert_true (g_strv_contains ((const char * const *) words, PP_VFIO_BIND_SCRIPT));
      g_assert_true (g_strv_contains ((const char * const *) words, PP_VFIO_ADDRESSES_FILE));
      g_assert_true (g_strv_contains ((const char * const *) words, PP_MODPROBE_FILE));
    }
}

/* With vfio-pci built into the kernel no modprobe install line ever runs:
 * a systemd-based mkinitcpio image (no runtime hooks) and rpm-ostree (no
 * dracut module of ours in its read-only /usr) have nothing else that
 * would run the script in time */
static void
test_plan_bind_refused_builtin (gconstpointer data)
{
  const char *host_name = data;
  g_autofree char *root = build_root (host_name, "builtin");
  g_autofree char *release = read_root_file (root, "proc/sys/kernel/osrelease");
  g_autofree char *builtin = NULL;
  g_autoptr(PpPlan) plan = NULL;

  g_assert_nonnull (release);
  builtin = g_strdup_printf ("lib/modules/%s/modules.builtin", g_strstrip (release));
  g_free (pp_test_write_file (root, builtin, "kernel/drivers/vfio/pci/vfio-pci.ko\n"));
  plan = plan_for (root, "0000:41:00.0", NULL);
  g_assert_nonnull (plan->refused);
  g_assert_nonnull (strstr (plan->refused, "vfio-pci is built into this kernel"));
  g_assert_cmpuint (plan->files->len, ==, 0);
  g_assert_null (plan->digest);
}

/* NixOS is not edited: its configuration binds exactly the chosen card's
 * functions by address in stage 1, and names no IDs for vfio-pci */
static void
test_plan_bind_nixos (void)
{
  g_autofree char *root = build_root ("identical-gpus-server-nixos", "bind");
  g_autoptr(PpPlan) plan = plan_for (root, "0000:41:00.0", NULL);
  const char *refused = plan->refused;

  g_assert_nonnull (refused);
  g_assert_cmpuint (plan->files->len, ==, 0);
  g_assert_nonnull (strstr (refused, "boot.kernelParams = [ \"amd_iommu=on\" \"iommu=pt\" ];"));
  g_assert_nonnull (strstr (refused, "boot.initrd.preDeviceCommands = ''"));
  for (guint f = 0; f < 2; f++)
    {
      const char *address = f == 0 ? "0000:41:00.0" : "0000:41:00.1";
      g_autofree char *check = g_strdup_printf ("$(cat /sys/bus/pci/devices/%s/vendor):$(cat "
                                                "/sys/bus/pci/devices/%s/device)\" = 0x10de:%s ]",
                                                address, address, f == 0 ? "0x24b0" : "0x228b");
      g_autofree char *override = g_strdup_printf ("echo vfio-pci > /sys/bus/pci/devices/%s/driver_override\n"
                                                   "      echo %s > /sys/bus/pci/drivers_probe", address, address);

      g_assert_nonnull (strstr (refused, check));
      g_assert_nonnull (strstr (refused, override));
    }
  g_assert_null (strstr (refused, "0000:01:00.0"));
  g_assert_null (strstr (refused, "0000:81:00.0"));
  g_assert_null (strstr (refused, "ids="));
}

/* An earlier hand-made setup that gives vfio-pci the IDs of the identical
 * cards, in modprobe.d, /etc/modules and on GRUB's command line, binds
 * them in every boot: no Passthrough entry could leave the host its card,
 * so the plan is every-boot, and none of those IDs stays */
static void
test_plan_bind_reconciles_earlier (void)
{
  g_autofree char *root = build_root ("identical-gpus-server", "earlier");
  g_autofree char *grub = read_root_file (root, "etc/default/grub");
  g_autoptr(GString) edited_grub = g_string_new (grub);
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpPlan) plan = NULL;
  const PpFileEdit *edit;

  g_free (pp_test_write_file (root, "etc/modprobe.d/vfio.conf",
                              "# set up by hand\noptions vfio-pci ids=10de:24b0,10de:228b disable_vga=1\n"));
  g_free (pp_test_write_file (root, "etc/modules", "# /etc/modules\nvfio_pci ids=10de:24b0,10de:228b\n"));
  g_assert_cmpuint (g_string_replace (edited_grub, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"",
                                      "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet vfio-pci.ids=10de:24b0,10de:228b\"", 1), ==, 1);
  g_free (pp_test_write_file (root, "etc/default/grub", edited_grub->str));

  plan = plan_for_request (root, "0000:41:00.0", PP_BOOT_MODE_DEFAULT, FALSE, &host);
  g_assert_null (plan->refused);
  g_assert_cmpint (plan->binding, ==, PP_BINDING_ADDRESS);
  g_assert_cmpint (plan->mode, ==, PP_BOOT_MODE_EVERY_BOOT);
  g_assert_nonnull (plan->no_boot_entry);
  g_assert_nonnull (strstr (plan->no_boot_entry, "gives vfio-pci the IDs 10de:24b0,10de:228b in every boot"));

  edit = plan_file (plan, "/etc/modprobe.d/vfio.conf");
  g_assert_nonnull (edit);
  g_assert_cmpstr (edit->new_text, ==, "# set up by hand\noptions vfio-pci disable_vga=1\n");
  edit = plan_file (plan, "/etc/modules");
  g_assert_nonnull (edit);
  g_assert_cmpstr (edit->new_text, ==, "# /etc/modules\nvfio_pci\n");
  g_assert_null (strstr (plan_file (plan, "/etc/default/grub")->new_text, "vfio-pci.ids"));
  apply_and_plan_again (root, host, plan, "0000:41:00.0");
}

/* pci-stub holding the identical cards' IDs would take the reserved card
 * (and its twin) before vfio-pci: refused, with the file and line */
static void
test_plan_bind_refuses_stub (void)
{
  g_autofree char *root = build_root ("identical-gpus-server", "stub");
  g_autoptr(PpPlan) plan = NULL;

  g_free (pp_test_write_file (root, "etc/modprobe.d/stub.conf", "options pci-stub ids=10de:24b0\n"));
  plan = plan_for (root, "0000:41:00.0", NULL);
  g_assert_nonnull (plan->refused);
  g_assert_nonnull (strstr (plan->refused, "/etc/modprobe.d/stub.conf:1: gives pci-stub the IDs 10de:24b0"));
  g_assert_cmpuint (plan->files->len, ==, 0);
}

/* The ACS override with an earlier setup that binds another card: that
 * ids= goes, the override comes, and planning again finds nothing to do */
static void
test_plan_acs_override_reconciles_earlier (void)
{
  g_autofree char *root = build_root ("zen-chipset-group", "acs-earlier");
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpPlan) plan = NULL;
  const PpFileEdit *edit;

  g_free (pp_test_write_file (root, "etc/modprobe.d/vfio.conf", "options vfio-pci ids=1002:67df,1002:aaf0\n"));
  plan = plan_for_request (root, "0000:07:00.0", PP_BOOT_MODE_EVERY_BOOT, TRUE, &host);
  g_assert_null (plan->refused);
  g_assert_true (plan->acs_override);
  edit = plan_file (plan, "/etc/modprobe.d/vfio.conf");
  g_assert_nonnull (edit);
  g_assert_cmpstr (edit->new_text, ==, "");
  g_assert_nonnull (strstr (plan_file (plan, "/etc/default/grub")->new_text, "pcie_acs_override=downstream,multifunction"));
  apply_and_plan_again (root, host, plan, "0000:07:00.0");
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
  char     *refused;     /* "plan refused WORD": every plan refuses, saying WORD */
} ExpectedGpu;

static void
expected_gpu_free (gpointer data)
{
  ExpectedGpu *e = data;

  g_free (e->host);
  g_free (e->gpu);
  g_free (e->refused);
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

  if (e->viable && e->refused != NULL)
    {
      if (plan->refused == NULL || strstr (plan->refused, e->refused) == NULL)
        g_error ("%s: the plan should refuse saying “%s”: %s", e->host, e->refused, plan->refused);
      g_assert_cmpuint (plan->files->len, ==, 0);
      return;
    }
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
      const char *refused = NULL;

      g_file_get_contents (expect_path, &text, NULL, NULL);
      g_assert_nonnull (text);
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i]; i++)
        {
          if (g_str_equal (g_strstrip (lines[i]), "scenario single-gpu"))
            single_gpu = TRUE;
          if (g_str_has_prefix (lines[i], "plan refused "))
            refused = lines[i] + strlen ("plan refused ");
        }
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
          e->refused = g_strdup (refused);
          path = g_strdup_printf ("/core/plan/every-gpu/%s/%s", host, e->gpu);
          g_test_add_data_func_full (path, e, test_every_gpu, expected_gpu_free);
        }
    }
}

/* An earlier setup that binds the GPU in every boot leaves no boot without
 * it: the default mode plans every-boot (and reconciles), saying where;
 * boot-entry asked for is refused. One that binds another device is left
 * as it is in boot-entry mode. */
static void
test_plan_boot_entry_earlier (void)
{
  g_autofree char *root = build_root ("desktop-intel-nvidia", "entry-earlier");
  g_autoptr(PpPlan) fallback = NULL;
  g_autoptr(PpPlan) refused = NULL;
  g_autoptr(PpPlan) other = NULL;

  g_free (pp_test_write_file (root, "etc/modprobe.d/vfio.conf", "# by hand\noptions vfio-pci ids=10de:1401,10de:0fba\n"));
  fallback = plan_for_in_mode (root, "0000:01:00.0", PP_BOOT_MODE_DEFAULT, NULL);
  g_assert_null (fallback->refused);
  g_assert_cmpint (fallback->mode, ==, PP_BOOT_MODE_EVERY_BOOT);
  assert_mentions (fallback->no_boot_entry,
                   "/etc/modprobe.d/vfio.conf:2: gives vfio-pci the IDs 10de:1401,10de:0fba in every boot");
  refused = plan_for_in_mode (root, "0000:01:00.0", PP_BOOT_MODE_BOOT_ENTRY, NULL);
  g_assert_cmpstr (refused->refused, ==, fallback->no_boot_entry);

  g_free (pp_test_write_file (root, "etc/modprobe.d/vfio.conf", "options vfio-pci ids=1b21:1242\n"));
  other = plan_for_in_mode (root, "0000:01:00.0", PP_BOOT_MODE_DEFAULT, NULL);
  g_assert_null (other->refused);
  g_assert_cmpint (other->mode, ==, PP_BOOT_MODE_BOOT_ENTRY);
  for (guint i = 0; i < other->files->len; i++)
    g_assert_cmpstr (((PpFileEdit *) g_ptr_array_index (other->files, i))->path, !=, "/etc/modprobe.d/vfio.conf");
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
  g_test_add_func ("/core/plan/boot-entry/earlier-setup", test_plan_boot_entry_earlier);
  g_test_add_func ("/core/plan/json", test_plan_json);
  g_test_add_func ("/core/plan/text", test_plan_text);
  g_test_add_func ("/core/plan/parse-error", test_plan_parse_error);
  g_test_add_func ("/core/plan/kernelstub-missing", test_plan_kernelstub_missing);
  g_test_add_func ("/core/plan/kernelstub-replaces", test_plan_kernelstub_replaces);
  g_test_add_func ("/core/plan/earlier-refusals", test_plan_earlier_refusals);
  g_test_add_func ("/core/plan/missing-tools", test_plan_missing_tools);
  g_test_add_func ("/core/plan/rpm-ostree", test_plan_rpm_ostree);
  g_test_add_func ("/core/plan/uki", test_plan_uki);
  g_test_add_func ("/core/plan/steps-by-hand", test_plan_steps_by_hand);
  g_test_add_func ("/core/plan/warns-dropped-ids", test_plan_warns_dropped_ids);
  g_test_add_func ("/core/plan/bls-entries", test_plan_bls_entries);
  g_test_add_data_func ("/core/plan/bind-by-address/initramfs-tools", "identical-gpus-server", test_plan_binds_by_address);
  g_test_add_data_func ("/core/plan/bind-by-address/mkinitcpio", "identical-gpus-server-mkinitcpio",
                        test_plan_binds_by_address);
  g_test_add_data_func ("/core/plan/bind-by-address/mkinitcpio-systemd", "identical-gpus-server-sdboot",
                        test_plan_binds_by_address);
  g_test_add_data_func ("/core/plan/bind-by-address/dracut", "identical-gpus-server-dracut",
                        test_plan_binds_by_address);
  g_test_add_data_func ("/core/plan/bind-by-address/rpm-ostree", "identical-gpus-server-silverblue",
                        test_plan_binds_by_address);
  g_test_add_data_func ("/core/plan/bind-by-address/limine-mkinitcpio", "identical-gpus-server-limine",
                        test_plan_binds_by_address);
  g_test_add_data_func ("/core/plan/bind-by-address/refused-systemd-builtin", "identical-gpus-server-sdboot",
                        test_plan_bind_refused_builtin);
  g_test_add_data_func ("/core/plan/bind-by-address/refused-rpm-ostree-builtin", "identical-gpus-server-silverblue",
                        test_plan_bind_refused_builtin);
  g_test_add_func ("/core/plan/bind-by-address/nixos", test_plan_bind_nixos);
  g_test_add_func ("/core/plan/bind-by-address/reconciles-earlier", test_plan_bind_reconciles_earlier);
  g_test_add_func ("/core/plan/bind-by-address/refuses-pci-stub", test_plan_bind_refuses_stub);
  g_test_add_func ("/core/plan/acs-override/reconciles-earlier", test_plan_acs_override_reconciles_earlier);
  g_test_add_func ("/core/plan/bind-by-address/drops-old-ids", test_plan_bind_drops_old_ids);
  g_test_add_func ("/core/plan/bind-by-address/boot-entry", test_plan_binds_by_address_boot_entry);
  g_test_add_func ("/core/plan/acs-override", test_plan_acs_override);
  g_test_add_func ("/core/plan/refuses-odd-driver-name", test_plan_refuses_odd_driver_name);
  return g_test_run ();
}
