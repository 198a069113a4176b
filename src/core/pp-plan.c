/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pp-diff.h"
#include "pp-edit-grub.h"
#include "pp-edit-initramfs-tools.h"
#include "pp-edit-mkinitcpio.h"
#include "pp-edit-modprobe.h"
#include "pp-edit-sdboot.h"
#include "pp-kernel-params.h"
#include "pp-plan.h"

static const char * const loader_entry_dirs[] = {
  "/boot/loader/entries", "/boot/efi/loader/entries", "/efi/loader/entries", NULL,
};

static void
file_edit_free (PpFileEdit *edit)
{
  g_free (edit->path);
  g_free (edit->old_text);
  g_free (edit->new_text);
  g_free (edit->diff);
  g_free (edit);
}

void
pp_plan_free (PpPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->gpu);
  g_ptr_array_unref (plan->reserve);
  g_ptr_array_unref (plan->ids);
  g_ptr_array_unref (plan->files);
  g_ptr_array_unref (plan->commands);
  g_ptr_array_unref (plan->warnings);
  g_ptr_array_unref (plan->manual_steps);
  g_free (plan->refused);
  g_free (plan);
}

static PpPlan *
plan_new (const char *address)
{
  PpPlan *plan = g_new0 (PpPlan, 1);

  plan->gpu = g_strdup (address);
  plan->reserve = g_ptr_array_new_with_free_func (g_free);
  plan->ids = g_ptr_array_new_with_free_func (g_free);
  plan->files = g_ptr_array_new_with_free_func ((GDestroyNotify) file_edit_free);
  plan->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  plan->warnings = g_ptr_array_new_with_free_func (g_free);
  plan->manual_steps = g_ptr_array_new_with_free_func (g_free);
  return plan;
}

static PpPlan *
plan_refuse (PpPlan *plan,
             char   *reason)
{
  g_ptr_array_set_size (plan->files, 0);
  g_ptr_array_set_size (plan->commands, 0);
  g_ptr_array_set_size (plan->manual_steps, 0);
  plan->refused = reason;
  return plan;
}

static char *
read_host_file (const PpHost *host,
                const char   *host_path)
{
  g_autofree char *path = pp_host_path (host, host_path);
  char *text = NULL;

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || !g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

static gboolean
host_has (const PpHost *host,
          const char   *host_path)
{
  g_autofree char *path = pp_host_path (host, host_path);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static int
compare_versions (gconstpointer a,
                  gconstpointer b)
{
  return pp_edit_version_compare (*(const char * const *) a, *(const char * const *) b);
}

/* Host paths of the regular files DIR/\*SUFFIX, sorted as the tool reads them */
static GPtrArray *
list_host_dir (const PpHost  *host,
               const char    *dir,
               const char    *suffix,
               GCompareFunc   compare)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *disk_dir = pp_host_path (host, dir);
  g_autoptr(GDir) handle = g_dir_open (disk_dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *host_path = g_build_filename (dir, name, NULL);
      g_autofree char *disk_path = pp_host_path (host, host_path);

      if (g_str_has_suffix (name, suffix) && g_file_test (disk_path, G_FILE_TEST_IS_REGULAR))
        g_ptr_array_add (paths, g_steal_pointer (&host_path));
    }
  g_ptr_array_sort (paths, compare);
  return paths;
}

static GPtrArray *
read_files (const PpHost *host,
            const char   *main_path,
            GPtrArray    *dropins)
{
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);

  if (main_path != NULL)
    {
      g_autofree char *text = read_host_file (host, main_path);

      g_ptr_array_add (files, pp_text_file_new (main_path, text));
    }
  for (guint i = 0; dropins && i < dropins->len; i++)
    {
      g_autofree char *text = read_host_file (host, g_ptr_array_index (dropins, i));

      g_ptr_array_add (files, pp_text_file_new (g_ptr_array_index (dropins, i), text));
    }
  return files;
}

static void
add_file_edit (PpPlan     *plan,
               const char *path,
               const char *old_text,
               const char *new_text)
{
  PpFileEdit *edit;

  if (new_text == NULL || (old_text != NULL && g_str_equal (old_text, new_text)))
    return;
  edit = g_new0 (PpFileEdit, 1);
  edit->path = g_strdup (path);
  edit->old_text = g_strdup (old_text);
  edit->new_text = g_strdup (new_text);
  edit->diff = pp_diff_unified (path, old_text, new_text, 3);
  g_ptr_array_add (plan->files, edit);
}

static void
add_result_edits (PpPlan       *plan,
                  GPtrArray    *files,
                  PpEditResult *result)
{
  for (guint i = 0; i < files->len; i++)
    {
      PpTextFile *file = g_ptr_array_index (files, i);

      add_file_edit (plan, file->path, file->text, g_ptr_array_index (result->texts, i));
    }
  for (guint i = 0; i < result->warnings->len; i++)
    g_ptr_array_add (plan->warnings, g_strdup (g_ptr_array_index (result->warnings, i)));
}

static void
add_command (GPtrArray *commands,
             ...)
{
  GPtrArray *argv = g_ptr_array_new ();
  const char *arg;
  va_list args;

  va_start (args, commands);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_ptr_array_add (commands, g_ptr_array_free (argv, FALSE));
}

static const char *
first_tool (const PpHost       *host,
            const char * const *names)
{
  const char *dirs[] = { "/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/" };

  for (guint n = 0; names[n]; n++)
    for (guint d = 0; d < G_N_ELEMENTS (dirs); d++)
      {
        g_autofree char *path = g_strconcat (dirs[d], names[n], NULL);

        if (host_has (host, path))
          return names[n];
      }
  return NULL;
}

static gboolean
host_is_debian_like (const PpHost *host)
{
  const char *ids[] = { host->os_id, host->os_id_like };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    if (ids[i] != NULL && (strstr (ids[i], "debian") != NULL || strstr (ids[i], "ubuntu") != NULL))
      return TRUE;
  return FALSE;
}

/* An Intel iGPU that offers GVT-g mediated devices wants kvmgt */
static gboolean
host_has_gvt_g (const PpHost *host)
{
  for (guint i = 0; i < host->devices->len; i++)
    {
      PpPciDevice *device = g_ptr_array_index (host->devices, i);
      g_autofree char *types = NULL;

      if (device->vendor_id != 0x8086 || !pp_pci_device_is_gpu (device))
        continue;
      types = g_strdup_printf ("/sys/bus/pci/devices/%s/mdev_supported_types", device->address);
      if (host_has (host, types))
        return TRUE;
    }
  return FALSE;
}

static char *
describe_device (const PpPciDevice *device)
{
  return g_strdup_printf ("%s (%s %s)", device->address, device->vendor_name, device->device_name);
}

static gboolean
plan_grub (PpPlan                     *plan,
           const PpHost               *host,
           const PpKernelParamsIntent *intent,
           GError                    **error)
{
  static const char * const mkconfig[] = { "grub-mkconfig", "grub2-mkconfig", NULL };
  g_autoptr(GPtrArray) dropins = list_host_dir (host, "/etc/default/grub.d", ".cfg", compare_strings);
  g_autoptr(GPtrArray) files = read_files (host, "/etc/default/grub", dropins);
  g_autoptr(PpEditResult) result = pp_grub_edit_cmdline (files, intent, host->grub_bls, error);

  if (result == NULL)
    return FALSE;
  add_result_edits (plan, files, result);
  if (host->grub_bls || plan->files->len == 0)
    return TRUE;

  if (host_is_debian_like (host) && first_tool (host, (const char * const []) { "update-grub", NULL }))
    add_command (plan->commands, "update-grub", NULL);
  else if (first_tool (host, mkconfig) != NULL && host->grub_cfg != NULL)
    add_command (plan->commands, first_tool (host, mkconfig), "-o", host->grub_cfg, NULL);
  else
    g_ptr_array_add (plan->manual_steps,
                     g_strdup (_("Regenerate GRUB’s configuration (grub-mkconfig -o followed by the grub.cfg "
                                 "your machine boots): the tool was not found.")));
  return TRUE;
}

/* Fedora-style GRUB with Boot Loader Specification entries: grubby updates
 * every entry's options; /etc/kernel/cmdline serves kernels installed later */
static gboolean
plan_grubby (PpPlan                     *plan,
             const PpHost               *host,
             const PpKernelParamsIntent *intent,
             GError                    **error)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) remove = g_ptr_array_new_with_free_func (g_free);

  for (guint d = 0; loader_entry_dirs[d]; d++)
    {
      g_autoptr(GPtrArray) entries = list_host_dir (host, loader_entry_dirs[d], ".conf", compare_strings);

      for (guint e = 0; e < entries->len; e++)
        {
          g_autofree char *text = read_host_file (host, g_ptr_array_index (entries, e));
          g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_param_token_free);
          g_autoptr(GPtrArray) append = g_ptr_array_new_with_free_func (g_free);
          g_autoptr(GPtrArray) decisions = NULL;
          g_auto(GStrv) lines = NULL;

          if (text == NULL)
            continue;
          lines = g_strsplit (text, "\n", -1);
          for (guint l = 0; lines[l]; l++)
            {
              const char *line = lines[l] + strspn (lines[l], " \t");

              if (g_str_has_prefix (line, "options") && (line[7] == ' ' || line[7] == '\t'))
                pp_kernel_params_tokenize (line + 7, 0, strlen (line + 7), 0, tokens);
            }
          decisions = pp_kernel_params_plan (intent, tokens, append);
          for (guint t = 0; t < tokens->len; t++)
            {
              const char *decision = g_ptr_array_index (decisions, t);
              PpParamToken *token = g_ptr_array_index (tokens, t);

              if (decision == NULL)
                continue;
              if (decision[0] == '\0' || strcspn (decision, "=") != strcspn (token->text, "=")
                  || strncmp (decision, token->text, strcspn (decision, "=")) != 0)
                {
                  /* grubby replaces a key's value but not another spelling of it */
                  if (!g_ptr_array_find_with_equal_func (remove, token->text, g_str_equal, NULL))
                    g_ptr_array_add (remove, g_strdup (token->text));
                }
              if (decision[0] != '\0' && !g_ptr_array_find_with_equal_func (args, decision, g_str_equal, NULL))
                g_ptr_array_add (args, g_strdup (decision));
            }
          for (guint a = 0; a < append->len; a++)
            if (!g_ptr_array_find_with_equal_func (args, g_ptr_array_index (append, a), g_str_equal, NULL))
              g_ptr_array_add (args, g_strdup (g_ptr_array_index (append, a)));
        }
    }

  if (args->len > 0 || remove->len > 0)
    {
      GPtrArray *argv = g_ptr_array_new ();

      g_ptr_array_add (argv, g_strdup ("grubby"));
      g_ptr_array_add (argv, g_strdup ("--update-kernel=ALL"));
      if (args->len > 0)
        {
          g_autofree char *joined = NULL;

          g_ptr_array_add (args, NULL);
          joined = g_strjoinv (" ", (char **) args->pdata);
          g_ptr_array_add (argv, g_strconcat ("--args=", joined, NULL));
        }
      if (remove->len > 0)
        {
          g_autofree char *joined = NULL;

          g_ptr_array_add (remove, NULL);
          joined = g_strjoinv (" ", (char **) remove->pdata);
          g_ptr_array_add (argv, g_strconcat ("--remove-args=", joined, NULL));
        }
      g_ptr_array_add (argv, NULL);
      if (first_tool (host, (const char * const []) { "grubby", NULL }) != NULL)
        g_ptr_array_add (plan->commands, g_ptr_array_free (argv, FALSE));
      else
        {
          g_auto(GStrv) command = (GStrv) g_ptr_array_free (argv, FALSE);
          g_autofree char *joined = g_strjoinv (" ", command);

          g_ptr_array_add (plan->manual_steps,
                           g_strdup_printf (_("Install grubby and run: %s"), joined));
        }
    }
  return TRUE;
}

static gboolean
plan_loader_entries (PpPlan                     *plan,
                     const PpHost               *host,
                     const PpKernelParamsIntent *intent,
                     GError                    **error)
{
  for (guint d = 0; loader_entry_dirs[d]; d++)
    {
      g_autoptr(GPtrArray) entries = list_host_dir (host, loader_entry_dirs[d], ".conf", compare_strings);

      for (guint e = 0; e < entries->len; e++)
        {
          const char *path = g_ptr_array_index (entries, e);
          g_autofree char *text = read_host_file (host, path);
          g_autofree char *edited = NULL;
          g_autoptr(GError) local_error = NULL;

          if (text == NULL)
            continue;
          edited = pp_sdboot_edit_entry (path, text, intent, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          add_file_edit (plan, path, text, edited);
        }
    }
  return TRUE;
}

static void
plan_kernel_cmdline_file (PpPlan                     *plan,
                          const PpHost               *host,
                          const PpKernelParamsIntent *intent)
{
  g_autofree char *text = read_host_file (host, "/etc/kernel/cmdline");
  g_autofree char *edited = NULL;

  if (text == NULL)
    return;
  edited = pp_kernel_params_edit_line (intent, text);
  add_file_edit (plan, "/etc/kernel/cmdline", text, edited);
}

static gboolean
plan_boot (PpPlan                     *plan,
           const PpHost               *host,
           const PpKernelParamsIntent *intent,
           GError                    **error)
{
  g_autofree char *args = pp_kernel_params_intent_args (intent);

  switch (host->bootloader)
    {
    case PP_BOOTLOADER_GRUB:
      if (!plan_grub (plan, host, intent, error))
        return FALSE;
      if (host->grub_bls)
        {
          plan_kernel_cmdline_file (plan, host, intent);
          return plan_grubby (plan, host, intent, error);
        }
      return TRUE;

    case PP_BOOTLOADER_SYSTEMD_BOOT:
      plan_kernel_cmdline_file (plan, host, intent);
      return plan_loader_entries (plan, host, intent, error);

    case PP_BOOTLOADER_OTHER:
    case PP_BOOTLOADER_UNKNOWN:
    default:
      plan_kernel_cmdline_file (plan, host, intent);
      g_ptr_array_add (plan->manual_steps,
                       g_strdup_printf (_("Add these parameters to your boot loader’s kernel command line "
                                          "(PassthroughPrep edits only GRUB and systemd-boot): %s"), args));
      return TRUE;
    }
}

static gboolean
plan_initramfs (PpPlan       *plan,
                const PpHost *host,
                const char   *ids_joined,
                GError      **error)
{
  switch (host->initramfs)
    {
    case PP_INITRAMFS_MKINITCPIO:
      {
        g_autoptr(GPtrArray) dropins = list_host_dir (host, "/etc/mkinitcpio.conf.d", ".conf", compare_versions);
        g_autoptr(GPtrArray) files = read_files (host, "/etc/mkinitcpio.conf", dropins);
        PpMkinitcpioIntent intent = { host->cpu_vendor == PP_CPU_VENDOR_INTEL && host_has_gvt_g (host) };
        g_autoptr(PpEditResult) result = pp_mkinitcpio_edit_modules (files, &intent, error);

        if (result == NULL)
          return FALSE;
        add_result_edits (plan, files, result);
        return TRUE;
      }

    case PP_INITRAMFS_DRACUT:
      {
        g_autoptr(GPtrArray) names = list_host_dir (host, "/etc/dracut.conf.d", ".conf", compare_strings);
        g_autoptr(GPtrArray) files = NULL;
        g_autofree char *ours_old = read_host_file (host, PP_DRACUT_FILE);
        g_autofree char *ours = pp_dracut_render (plan->gpu);

        if (!g_ptr_array_find_with_equal_func (names, PP_DRACUT_FILE, g_str_equal, NULL))
          {
            g_ptr_array_add (names, g_strdup (PP_DRACUT_FILE));
            g_ptr_array_sort (names, compare_strings);
          }
        files = read_files (host, "/etc/dracut.conf", names);
        for (guint i = 0; i < files->len; i++)
          {
            PpTextFile *file = g_ptr_array_index (files, i);

            if (g_str_equal (file->path, PP_DRACUT_FILE))
              {
                g_free (file->text);
                file->text = g_strdup (ours);
              }
          }
        if (!pp_dracut_check_others (files, plan->warnings, error))
          return FALSE;
        add_file_edit (plan, PP_DRACUT_FILE, ours_old, ours);
        return TRUE;
      }

    case PP_INITRAMFS_INITRAMFS_TOOLS:
      {
        g_autofree char *text = read_host_file (host, PP_INITRAMFS_TOOLS_MODULES);
        g_autofree char *edited = pp_initramfs_tools_edit_modules (PP_INITRAMFS_TOOLS_MODULES, text, ids_joined);

        add_file_edit (plan, PP_INITRAMFS_TOOLS_MODULES, text, edited);
        return TRUE;
      }

    case PP_INITRAMFS_BOOSTER:
      g_ptr_array_add (plan->manual_steps,
                       g_strdup (_("booster: add “modules_force_load: vfio_pci,vfio,vfio_iommu_type1” to "
                                   "/etc/booster.yaml, then rebuild the images (booster build, or reinstall the kernel "
                                   "package).")));
      return TRUE;

    case PP_INITRAMFS_UNKNOWN:
    default:
      g_ptr_array_add (plan->manual_steps,
                       g_strdup (_("Make your initramfs load vfio_pci, vfio and vfio_iommu_type1 before any GPU "
                                   "driver and include /etc/modprobe.d, then rebuild it: PassthroughPrep does not "
                                   "know this host’s initramfs tool.")));
      return TRUE;
    }
}

static void
plan_modprobe (PpPlan       *plan,
               const PpHost *host,
               GPtrArray    *reserve)
{
  g_autoptr(GPtrArray) modules = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) others = list_host_dir (host, "/etc/modprobe.d", ".conf", compare_strings);
  g_autoptr(GPtrArray) files = read_files (host, NULL, others);
  g_autofree char *old_text = read_host_file (host, PP_MODPROBE_FILE);
  g_autofree char *text = NULL;

  for (guint i = 0; i < reserve->len; i++)
    pp_modprobe_competing_modules (g_ptr_array_index (reserve, i), modules);
  g_ptr_array_add (modules, NULL);
  g_ptr_array_add (plan->ids, NULL);
  text = pp_modprobe_render (plan->gpu, (const char * const *) plan->ids->pdata,
                             (const char * const *) modules->pdata);
  g_ptr_array_remove_index (plan->ids, plan->ids->len - 1);
  add_file_edit (plan, PP_MODPROBE_FILE, old_text, text);
  pp_modprobe_check_others (files, plan->warnings);
}

static void
plan_commands (PpPlan       *plan,
               const PpHost *host,
               gboolean      initramfs_changed,
               GPtrArray    *boot_commands)
{
  if (initramfs_changed)
    switch (host->initramfs)
      {
      case PP_INITRAMFS_MKINITCPIO:
        add_command (plan->commands, "mkinitcpio", "-P", NULL);
        break;
      case PP_INITRAMFS_DRACUT:
        add_command (plan->commands, "dracut", "-f", "--regenerate-all", NULL);
        break;
      case PP_INITRAMFS_INITRAMFS_TOOLS:
        add_command (plan->commands, "update-initramfs", "-u", "-k", "all", NULL);
        break;
      case PP_INITRAMFS_BOOSTER:
      case PP_INITRAMFS_UNKNOWN:
      default:
        break;
      }
  for (guint i = 0; i < boot_commands->len; i++)
    g_ptr_array_add (plan->commands, g_strdupv (g_ptr_array_index (boot_commands, i)));
}

static char *
refusal_for (const PpHost      *host,
             const PpAdvice    *advice,
             const PpGpuAdvice *gpu,
             GPtrArray         *ids)
{
  if (!gpu->viable)
    {
      if (gpu->blockers->len > 0)
        {
          g_autoptr(GString) names = g_string_new (NULL);

          for (guint i = 0; i < gpu->blockers->len; i++)
            {
              g_autofree char *name = describe_device (g_ptr_array_index (gpu->blockers, i));

              g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", name);
            }
          return g_strdup_printf (_("%s cannot be reserved on its own: its IOMMU group also holds %s, which would "
                                    "have to go to the virtual machine with it. Move the card to another slot, or "
                                    "check the firmware for an option that splits the groups."),
                                  gpu->gpu->address, names->str);
        }
      return g_strdup_printf (_("%s is in no IOMMU group because the IOMMU is off, so whether it can be isolated "
                                "is unknown. Turn on VT-d or AMD-Vi (IOMMU) in the firmware settings, add %s to "
                                "the kernel command line, restart, and plan again."),
                              gpu->gpu->address,
                              host->cpu_vendor == PP_CPU_VENDOR_AMD ? "amd_iommu=on iommu=pt" : "intel_iommu=on iommu=pt");
    }

  if (gpu->gpu->boot_vga)
    {
      gboolean other_gpu = FALSE;

      for (guint i = 0; i < advice->gpus->len; i++)
        if (((PpGpuAdvice *) g_ptr_array_index (advice->gpus, i))->gpu != gpu->gpu)
          other_gpu = TRUE;
      if (!other_gpu)
        return g_strdup_printf (_("%s is this computer’s only GPU and drives its display: reserving it would leave "
                                  "the host without a screen from boot on. Single-GPU passthrough needs scripts that "
                                  "hand the card over only while the virtual machine runs; PassthroughPrep does not "
                                  "set that up. Add a second GPU or enable the integrated graphics."),
                                gpu->gpu->address);
    }

  for (guint i = 0; i < host->devices->len; i++)
    {
      PpPciDevice *device = g_ptr_array_index (host->devices, i);
      g_autofree char *device_ids = NULL;

      if (g_ptr_array_find (gpu->reserve, device, NULL))
        continue;
      device_ids = pp_pci_device_dup_ids (device);
      if (g_ptr_array_find_with_equal_func (ids, device_ids, g_str_equal, NULL))
        {
          g_autofree char *name = describe_device (device);

          return g_strdup_printf (_("%s has the same vendor:device ID %s as a function of %s: vfio-pci.ids "
                                    "would take both, and the host would lose its card too. Identical cards need "
                                    "binding by address (driver_override), which PassthroughPrep does not do yet."),
                                  name, device_ids, gpu->gpu->address);
        }
    }
  return NULL;
}

static void
plan_warnings (PpPlan            *plan,
               const PpHost      *host,
               const PpGpuAdvice *gpu)
{
  if (gpu->gpu->boot_vga)
    g_ptr_array_add (plan->warnings,
                     g_strdup_printf (_("%s drives the host’s display now (boot VGA). After the restart the host "
                                        "must use its other GPU: connect the monitor there and set it as the "
                                        "primary display in the firmware."), gpu->gpu->address));
  if (!host->cpu_virtualization)
    g_ptr_array_add (plan->warnings,
                     g_strdup (_("The CPU shows no virtualization support (vmx or svm): turn on VT-x or SVM in the "
                                 "firmware settings, or no virtual machine can start.")));
  if (host->cpu_vendor == PP_CPU_VENDOR_OTHER)
    g_ptr_array_add (plan->warnings,
                     g_strdup (_("The CPU vendor is not Intel or AMD: no IOMMU switch is added to the kernel "
                                 "command line; make sure the IOMMU is on.")));
  for (guint i = 0; i < gpu->reserve->len; i++)
    {
      PpPciDevice *device = g_ptr_array_index (gpu->reserve, i);

      if (device->class_id == 0x0c03)
        g_ptr_array_add (plan->warnings,
                         g_strdup_printf (_("%s is a USB controller of this card: whatever is plugged into its ports "
                                            "goes to the virtual machine with it."), device->address));
      if (device->driver != NULL && !g_str_equal (device->driver, "vfio-pci"))
        g_ptr_array_add (plan->warnings,
                         g_strdup_printf (_("%s is used by the %s driver now; after the restart vfio-pci takes it "
                                            "and the host no longer uses it."), device->address, device->driver));
    }
}

PpPlan *
pp_plan_reserve (const PpHost   *host,
                 const PpAdvice *advice,
                 const char     *address,
                 GError        **error)
{
  g_autoptr(PpPlan) plan = plan_new (address);
  g_autoptr(GPtrArray) boot_commands = NULL;
  PpGpuAdvice *gpu = pp_advice_find_gpu (advice, address);
  g_autofree char *ids_joined = NULL;
  PpKernelParamsIntent intent = { 0 };
  guint files_before;
  gboolean initramfs_changed;
  char *refusal;

  if (gpu == NULL)
    {
      PpPciDevice *device = pp_host_find_device (host, address);

      return plan_refuse (g_steal_pointer (&plan),
                          device != NULL
                          ? g_strdup_printf (_("%s is not a GPU (class %04x): only graphics cards can be reserved."),
                                             address, device->class_id)
                          : g_strdup_printf (_("There is no PCI device %s on this host."), address));
    }

  for (guint i = 0; i < gpu->reserve->len; i++)
    {
      PpPciDevice *device = g_ptr_array_index (gpu->reserve, i);
      char *ids = pp_pci_device_dup_ids (device);

      g_ptr_array_add (plan->reserve, g_strdup (device->address));
      if (g_ptr_array_find_with_equal_func (plan->ids, ids, g_str_equal, NULL))
        g_free (ids);
      else
        g_ptr_array_add (plan->ids, ids);
    }

  refusal = refusal_for (host, advice, gpu, plan->ids);
  if (refusal != NULL)
    return plan_refuse (g_steal_pointer (&plan), refusal);

  g_ptr_array_add (plan->ids, NULL);
  ids_joined = g_strjoinv (",", (char **) plan->ids->pdata);
  g_ptr_array_remove_index (plan->ids, plan->ids->len - 1);

  intent.cpu_vendor = host->cpu_vendor;
  intent.iommu_pt = TRUE;
  intent.vfio_ids = ids_joined;

  /* boot first so its commands can be kept apart from the initramfs' */
  if (!plan_boot (plan, host, &intent, error))
    return NULL;
  boot_commands = g_steal_pointer (&plan->commands);
  plan->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);

  files_before = plan->files->len;
  if (!plan_initramfs (plan, host, ids_joined, error))
    return NULL;
  plan_modprobe (plan, host, gpu->reserve);
  initramfs_changed = plan->files->len > files_before;

  plan_commands (plan, host, initramfs_changed, boot_commands);
  plan_warnings (plan, host, gpu);
  return g_steal_pointer (&plan);
}
