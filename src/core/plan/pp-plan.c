/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pp-boot-scripts.h"
#include "pp-edit-modprobe.h"
#include "pp-host-files.h"
#include "pp-plan.h"
#include "pp-plan-earlier.h"

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
  g_ptr_array_unref (plan->undo_commands);
  g_ptr_array_unref (plan->warnings);
  g_ptr_array_unref (plan->manual_steps);
  g_free (plan->refused);
  g_free (plan->digest);
  g_ptr_array_unref (plan->boot_entries);
  g_free (plan->restart_entry);
  g_free (plan->no_boot_entry);
  g_free (plan);
}

static PpPlan *
plan_new (const PpPlanRequest *request)
{
  PpPlan *plan = g_new0 (PpPlan, 1);

  plan->gpu = g_strdup (request->address);
  plan->mode = request->mode == PP_BOOT_MODE_BOOT_ENTRY ? PP_BOOT_MODE_BOOT_ENTRY : PP_BOOT_MODE_EVERY_BOOT;
  plan->acs_override = request->acs_override;
  plan->reserve = g_ptr_array_new_with_free_func (g_free);
  plan->ids = g_ptr_array_new_with_free_func (g_free);
  plan->files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_file_edit_free);
  plan->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  plan->undo_commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  plan->warnings = g_ptr_array_new_with_free_func (g_free);
  plan->manual_steps = g_ptr_array_new_with_free_func (g_free);
  plan->boot_entries = g_ptr_array_new_with_free_func (g_free);
  return plan;
}

static PpPlan *
plan_refuse (PpPlan *plan,
             char   *reason)
{
  g_ptr_array_set_size (plan->files, 0);
  g_ptr_array_set_size (plan->commands, 0);
  g_ptr_array_set_size (plan->undo_commands, 0);
  g_ptr_array_set_size (plan->manual_steps, 0);
  plan->refused = reason;
  return plan;
}

static void
steal_into (GPtrArray  *to,
            GPtrArray **from)
{
  g_ptr_array_extend_and_steal (to, g_steal_pointer (from));
  *from = g_ptr_array_new ();
}

/* @changes' commands, after those already there. Every file is written
 * before any command runs, so a rebuild that is already in the plan (a UKI
 * built by mkinitcpio -P, like the initramfs) need not run twice. */
static void
plan_take_commands (PpPlan    *plan,
                    PpChanges *changes)
{
  for (guint i = 0; i < changes->commands->len; i++)
    {
      char **argv = g_ptr_array_index (changes->commands, i);
      char **undo = g_ptr_array_index (changes->undo_commands, i);
      gboolean again = FALSE;

      for (guint j = 0; undo == NULL && j < plan->commands->len; j++)
        again |= g_ptr_array_index (plan->undo_commands, j) == NULL
                 && g_strv_equal ((const char * const *) argv, g_ptr_array_index (plan->commands, j));
      if (again)
        continue;
      g_ptr_array_add (plan->commands, g_strdupv (argv));
      g_ptr_array_add (plan->undo_commands, g_strdupv (undo));
    }
}

static void
plan_take_changes (PpPlan    *plan,
                   PpChanges *changes)
{
  steal_into (plan->files, &changes->files);
  steal_into (plan->warnings, &changes->warnings);
  steal_into (plan->manual_steps, &changes->manual_steps);
}

/* An Intel iGPU that offers GVT-g mediated devices wants kvmgt */
static gboolean
host_has_gvt_g (const PpHost *host)
{
  for (guint i = 0; i < host->devices->len; i++)
    {
      PpPciDevice *device = g_ptr_array_index (host->devices, i);
      g_autofree char *types = NULL;
      g_autofree char *path = NULL;

      if (device->vendor_id != 0x8086 || !pp_pci_device_is_gpu (device))
        continue;
      types = g_strdup_printf ("/sys/bus/pci/devices/%s/mdev_supported_types", device->address);
      path = pp_host_path (host, types);
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return TRUE;
    }
  return FALSE;
}

static char *
describe_device (const PpPciDevice *device)
{
  return g_strdup_printf ("%s (%s %s)", device->address, device->vendor_name, device->device_name);
}

/* Where the ACS override is asked for but cannot help */
static char *
acs_override_refusal (const PpHost      *host,
                      const PpAdvice    *advice,
                      const PpGpuAdvice *gpu)
{
  if (gpu->viable)
    return g_strdup_printf (_("%s needs no ACS override: its IOMMU group holds only its own functions, and the "
                              "override would only weaken the isolation of the others. Plan without it."),
                            gpu->gpu->address);
  if (!advice->acs_override_kernel)
    return g_strdup_printf (_("The running kernel (%s) does not carry the ACS override patch, so "
                              "pcie_acs_override= would do nothing on it. Kernels that carry it include "
                              "linux-zen, Liquorix and Proxmox VE’s."),
                            host->kernel_release != NULL ? host->kernel_release : _("unknown"));
  if (advice->acs_override_active)
    return g_strdup_printf (_("The ACS override is in effect already (pcie_acs_override=%s), and %s still shares "
                              "its IOMMU group: the override cannot split it any further."),
                            pp_host_cmdline_value (host, "pcie_acs_override"), gpu->gpu->address);
  return NULL;
}

static char *
refusal_for (const PpHost        *host,
             const PpAdvice      *advice,
             const PpGpuAdvice   *gpu,
             const PpPlanRequest *request)
{
  if (request->acs_override)
    {
      char *refusal = acs_override_refusal (host, advice, gpu);

      if (refusal != NULL)
        return refusal;
    }
  if (!gpu->viable)
    {
      /* with the override the group splits at the next start: its verdict then */
      if (gpu->blockers->len > 0 && request->acs_override
          && pp_gpu_advice_find_remedy (gpu, PP_REMEDY_ACS_OVERRIDE) != NULL)
        ;
      else if (gpu->blockers->len > 0)
        {
          GString *names = g_string_new (NULL);
          g_autofree char *in_the_way = NULL;

          for (guint i = 0; i < gpu->blockers->len; i++)
            {
              g_autofree char *name = describe_device (g_ptr_array_index (gpu->blockers, i));

              g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", name);
            }
          in_the_way = g_string_free (names, FALSE);
          return g_strdup_printf (_("%s cannot be reserved on its own: its IOMMU group also holds %s, which would "
                                    "have to go to the virtual machine with it. Move the card to another slot, or "
                                    "check the firmware for an option that splits the groups."),
                                  gpu->gpu->address, in_the_way);
        }
      else
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

  /* a driver's name goes into our modprobe.d file: what sysfs says is
   * written there only when it cannot add a line or a word */
  for (guint i = 0; i < gpu->reserve->len; i++)
    {
      PpPciDevice *device = g_ptr_array_index (gpu->reserve, i);
      g_autoptr(GPtrArray) modules = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GError) error = NULL;

      if (!pp_modprobe_competing_modules (device, modules, &error))
        return g_strdup_printf (_("%s. Check /sys/bus/pci/devices/%s/driver; nothing is planned for %s."),
                                error->message, device->address, gpu->gpu->address);
    }
  return NULL;
}

/* By address when a device outside the reserve has the ID of a reserved
 * function (an identical card the host keeps): vfio-pci.ids would take it too */
static PpBinding
binding_for (const PpHost       *host,
             const PpGpuAdvice  *gpu,
             GPtrArray          *ids,
             char              **why)
{
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

          *why = g_strdup_printf (_("%s has the same vendor:device ID %s as a function of %s: vfio-pci.ids would take "
                                    "both, so the reserved functions are bound by their PCI addresses instead "
                                    "(driver_override, set early in the initramfs, only while each address holds "
                                    "the same vendor:device ID)."),
                                  name, device_ids, gpu->gpu->address);
          return PP_BINDING_ADDRESS;
        }
    }
  return PP_BINDING_IDS;
}

/* Our modprobe.d file: the IDs for vfio-pci (none in boot-entry mode: they
 * would bind the GPU in every entry; none when bound by address: they would
 * take the twin too, and the bind script's install line instead) and a
 * softdep for each driver that would take a reserved function first */
static gboolean
plan_modprobe (PpChanges          *changes,
               const PpHost       *host,
               const PpGpuAdvice  *gpu,
               const PpPlan       *plan,
               GError            **error)
{
  g_autoptr(GPtrArray) modules = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) others = pp_host_list_dir (host, "/etc/modprobe.d", ".conf", NULL, error);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) ids_array = g_ptr_array_new ();
  gboolean entry = plan->mode == PP_BOOT_MODE_BOOT_ENTRY;
  g_autofree char *old_text = NULL;
  g_autofree char *text = NULL;

  if (others == NULL || !pp_host_read_file (host, PP_MODPROBE_FILE, &old_text, error))
    return FALSE;
  files = pp_boot_read_files (host, NULL, others, error);
  if (files == NULL)
    return FALSE;
  for (guint i = 0; i < gpu->reserve->len; i++)
    if (!pp_modprobe_competing_modules (g_ptr_array_index (gpu->reserve, i), modules, error))
      return FALSE;
  g_ptr_array_add (modules, NULL);
  for (guint i = 0; i < plan->ids->len; i++)
    g_ptr_array_add (ids_array, g_ptr_array_index (plan->ids, i));
  g_ptr_array_add (ids_array, NULL);
  text = pp_modprobe_render (gpu->gpu->address,
                             plan->binding == PP_BINDING_IDS && !entry ? (const char * const *) ids_array->pdata : NULL,
                             plan->binding == PP_BINDING_ADDRESS ? PP_VFIO_BIND_SCRIPT : NULL,
                             entry, (const char * const *) modules->pdata);
  pp_changes_edit_file (changes, PP_MODPROBE_FILE, old_text, text);
  pp_modprobe_check_others (files, changes->warnings);
  return TRUE;
}

/* What the ACS override is expected to do at the next start */
static char *
acs_override_warning (const PpGpuAdvice *gpu)
{
  g_autoptr(GString) reserved = g_string_new (NULL);
  g_autoptr(GString) others = g_string_new (NULL);

  for (guint i = 0; i < gpu->reserve->len; i++)
    g_string_append_printf (reserved, "%s%s", i > 0 ? ", " : "",
                            ((PpPciDevice *) g_ptr_array_index (gpu->reserve, i))->address);
  for (guint i = 0; i < gpu->blockers->len; i++)
    g_string_append_printf (others, "%s%s", i > 0 ? ", " : "",
                            ((PpPciDevice *) g_ptr_array_index (gpu->blockers, i))->address);
  return g_strdup_printf (_("ACS override: after the restart the kernel treats every PCIe port as isolating, so IOMMU "
                            "group %d is expected to split: %s into groups of their own, apart from %s. Until then "
                            "the groups are as they are now; PassthroughPrep judges them again after the restart. "
                            "Devices behind the same port can then reach each other’s memory without the IOMMU "
                            "seeing it."),
                          gpu->gpu->iommu_group, reserved->str, others->str);
}

static void
plan_warnings (PpPlan            *plan,
               const PpHost      *host,
               const PpGpuAdvice *gpu)
{
  gboolean entry = plan->mode == PP_BOOT_MODE_BOOT_ENTRY;

  if (plan->acs_override)
    g_ptr_array_add (plan->warnings, acs_override_warning (gpu));
  if (gpu->gpu->boot_vga)
    g_ptr_array_add (plan->warnings,
                     entry
                     ? g_strdup_printf (_("%s drives the host’s display now (boot VGA). In the Passthrough entry the "
                                          "host must use its other GPU: connect the monitor there and set it as the "
                                          "primary display in the firmware."), gpu->gpu->address)
                     : g_strdup_printf (_("%s drives the host’s display now (boot VGA). After the restart the host "
                                          "must use its other GPU: connect the monitor there and set it as the "
                                          "primary display in the firmware."), gpu->gpu->address));
  {
    const char *booted_ids = pp_host_cmdline_value (host, "vfio-pci.ids");
    g_auto(GStrv) booted = booted_ids ? g_strsplit (booted_ids, ",", -1) : NULL;

    for (guint i = 0; booted && booted[i]; i++)
      if (booted[i][0] != '\0' && !g_ptr_array_find_with_equal_func (plan->ids, booted[i], g_str_equal, NULL))
        g_ptr_array_add (plan->warnings,
                         g_strdup_printf (_("The running kernel also reserves %s through vfio-pci.ids; this plan "
                                            "replaces that list, so that device goes back to the host."),
                                          booted[i]));
  }
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
                         entry
                         ? g_strdup_printf (_("%s is used by the %s driver now; when you start a Passthrough entry "
                                              "vfio-pci takes it, and the normal entries leave it to %s."),
                                            device->address, device->driver, device->driver)
                         : g_strdup_printf (_("%s is used by the %s driver now; after the restart vfio-pci takes it "
                                              "and the host no longer uses it."), device->address, device->driver));
    }
}

static char *
join_strings (GPtrArray  *strings,
              const char *separator)
{
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; i < strings->len; i++)
    g_string_append_printf (joined, "%s%s", i > 0 ? separator : "", (const char *) g_ptr_array_index (strings, i));
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

/* The initramfs tool's part, then the script and its addresses */
static gboolean
plan_bind_by_address (const PpBootSetup    *setup,
                      const PpBootRequest  *request,
                      const PpGpuAdvice    *gpu,
                      char                **refusal,
                      GError              **error)
{
  /* in boot-entry mode the Passthrough entries' command line names them */
  g_autofree char *addresses = pp_vfio_addresses_render (gpu->gpu->address, PP_VFIO_BIND_SCRIPT,
                                                         request->mode == PP_BOOT_MODE_BOOT_ENTRY
                                                         ? NULL : gpu->reserve);
  const PpBootFileText files[] = {
    { PP_VFIO_BIND_SCRIPT, pp_script_vfio_bind, 0755 },
    { PP_VFIO_ADDRESSES_FILE, addresses, 0644 },
    { NULL },
  };

  *refusal = NULL;
  if (setup->initramfs->plan_bind_by_address == NULL)
    {
      *refusal = g_strdup_printf (_("PassthroughPrep cannot make %s hand the GPU to vfio-pci by its address, which "
                                    "a card with an identical twin needs."), setup->initramfs->id);
      return TRUE;
    }
  if (!setup->initramfs->plan_bind_by_address (request, refusal, error))
    return FALSE;
  if (*refusal != NULL)
    return TRUE;
  return pp_boot_plan_whole_files (request, files, error);
}

/* passthrough_prep.vfio_addresses=ADDRESS@VENDOR:DEVICE,... for the bind
 * script, on a Passthrough entry's command line */
static char *
vfio_addresses_param (GPtrArray *reserve)
{
  g_autoptr(GString) param = g_string_new (PP_VFIO_ADDRESSES_PARAM "=");

  for (guint i = 0; i < reserve->len; i++)
    {
      const PpPciDevice *device = g_ptr_array_index (reserve, i);

      g_string_append_printf (param, "%s%s@%04x:%04x", i > 0 ? "," : "", device->address,
                              device->vendor_id, device->device_id);
    }
  return g_string_free (g_steal_pointer (&param), FALSE);
}

/* The boot manager's part in the mode asked for. Where the default mode finds
 * that this host cannot have a Passthrough entry, it plans every-boot and
 * says why in ->no_boot_entry; where boot-entry was asked for, that is a
 * refusal (->refused). */
static gboolean
plan_boot (PpPlan         *plan,
           PpBootRequest  *request,
           PpBootMode      asked,
           PpChanges     **changes,
           GError        **error)
{
  const PpBootBackend *boot = request->setup->boot;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *why = NULL;

  if (asked != PP_BOOT_MODE_EVERY_BOOT)
    {
      g_autofree char *bound = pp_plan_earlier_binds_every_boot (request->setup, request->params->vfio_ids);

      /* an earlier setup that binds the GPU in every boot leaves no boot
       * without it: that is every-boot, reconciled */
      if (bound != NULL)
        why = g_steal_pointer (&bound);
      else if (boot->plan_boot_entry == NULL)
        why = g_strdup (boot->no_boot_entry != NULL ? _(boot->no_boot_entry)
                                                    : _("PassthroughPrep cannot add a boot entry for this boot loader."));
      else
        {
          g_autofree char *args = pp_kernel_params_intent_args (request->params);
          g_autofree char *addresses = request->binding == PP_BINDING_ADDRESS
                                       ? vfio_addresses_param (request->reserve) : NULL;
          g_autofree char *passthrough_args = g_strjoin (" ", args, PP_PASSTHROUGH_MARKER, addresses, NULL);

          request->mode = PP_BOOT_MODE_BOOT_ENTRY;
          request->passthrough_args = passthrough_args;
          if (boot->plan_boot_entry (request, &local_error))
            {
              request->passthrough_args = NULL;
              plan->mode = PP_BOOT_MODE_BOOT_ENTRY;
              return TRUE;
            }
          request->passthrough_args = NULL;
          if (!g_error_matches (local_error, PP_BOOT_ERROR, PP_BOOT_ERROR_NO_BOOT_ENTRY))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          why = g_strdup (local_error->message);
          /* nothing of the attempt stays in the plan */
          pp_changes_free (*changes);
          request->changes = *changes = pp_changes_new ();
        }
      if (asked == PP_BOOT_MODE_BOOT_ENTRY)
        {
          plan->refused = g_steal_pointer (&why);
          return TRUE;
        }
      plan->no_boot_entry = g_steal_pointer (&why);
    }
  request->mode = PP_BOOT_MODE_EVERY_BOOT;
  plan->mode = PP_BOOT_MODE_EVERY_BOOT;
  return boot->plan_params (request, error);
}

PpPlan *
pp_plan_reserve (const PpHost        *host,
                 const PpBootSetup   *setup,
                 const PpAdvice      *advice,
                 const PpPlanRequest *request,
                 GError             **error)
{
  g_autoptr(PpPlan) plan = plan_new (request);
  g_autoptr(PpChanges) boot = pp_changes_new ();
  g_autoptr(PpChanges) initramfs = pp_changes_new ();
  g_autoptr(PpChanges) rebuild = pp_changes_new ();
  PpGpuAdvice *gpu = pp_advice_find_gpu (advice, request->address);
  g_autofree char *ids_joined = NULL;
  g_autofree char *binding_why = NULL;
  PpKernelParamsIntent params = { 0 };
  PpBootRequest boot_request = { 0 };
  char *refusal;

  if (gpu == NULL)
    {
      PpPciDevice *device = pp_host_find_device (host, request->address);

      return plan_refuse (g_steal_pointer (&plan),
                          device != NULL
                          ? g_strdup_printf (_("%s is not a GPU (class %04x): only graphics cards can be reserved."),
                                             request->address, device->class_id)
                          : g_strdup_printf (_("There is no PCI device %s on this host."), request->address));
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

  refusal = refusal_for (host, advice, gpu, request);
  if (refusal != NULL)
    return plan_refuse (g_steal_pointer (&plan), refusal);
  plan->binding = binding_for (host, gpu, plan->ids, &binding_why);

  /* what could not be read must not be planned as if it were absent */
  if (setup->error != NULL)
    {
      g_propagate_error (error, g_error_copy (setup->error));
      return NULL;
    }

  ids_joined = join_strings (plan->ids, ",");
  params.cpu_vendor = host->cpu_vendor;
  params.iommu_pt = TRUE;
  params.vfio_ids = ids_joined;
  params.no_vfio_ids = plan->binding == PP_BINDING_ADDRESS;
  params.acs_override = request->acs_override;

  boot_request.host = host;
  boot_request.setup = setup;
  boot_request.gpu = request->address;
  boot_request.reserve = gpu->reserve;
  boot_request.binding = plan->binding;
  boot_request.ids = plan->binding == PP_BINDING_IDS ? ids_joined : "";
  boot_request.params = &params;
  boot_request.kvmgt = host->cpu_vendor == PP_CPU_VENDOR_INTEL && host_has_gvt_g (host);

  boot_request.changes = boot;
  if (!plan_boot (plan, &boot_request, request->mode, &boot, error))
    return NULL;
  if (plan->refused != NULL)
    {
      char *why = g_steal_pointer (&plan->refused);

      return plan_refuse (g_steal_pointer (&plan), why);
    }
  if (boot->refused != NULL)
    return plan_refuse (g_steal_pointer (&plan), g_steal_pointer (&boot->refused));
  boot_request.mode = plan->mode;

  /* boot-entry: nothing binds the GPU in every boot, and what an earlier
   * setup binds by ID stays unless it is in the way */
  boot_request.changes = initramfs;
  if (!setup->initramfs->plan_modules (&boot_request, error)
      || !plan_modprobe (initramfs, host, gpu, plan, error)
      || !pp_plan_reconcile_earlier_vfio (initramfs, host, setup, ids_joined,
                                          plan->mode == PP_BOOT_MODE_BOOT_ENTRY ? NULL : boot_request.ids, error))
    return NULL;
  if (initramfs->refused != NULL)
    return plan_refuse (g_steal_pointer (&plan), g_steal_pointer (&initramfs->refused));
  if (plan->binding == PP_BINDING_ADDRESS)
    {
      if (!plan_bind_by_address (setup, &boot_request, gpu, &refusal, error))
        return NULL;
      if (refusal != NULL)
        return plan_refuse (g_steal_pointer (&plan), refusal);
      g_ptr_array_add (initramfs->warnings, g_steal_pointer (&binding_why));
    }
  /* modprobe.d goes into the image too */
  boot_request.changes = rebuild;
  if (initramfs->files->len > 0)
    setup->initramfs->plan_rebuild (&boot_request);

  g_ptr_array_extend_and_steal (plan->boot_entries, g_steal_pointer (&boot->boot_entries));
  boot->boot_entries = g_ptr_array_new ();
  plan->restart_method = boot->restart_method;
  plan->restart_entry = g_steal_pointer (&boot->restart_entry);
  plan_take_changes (plan, boot);
  plan_take_changes (plan, initramfs);
  plan_take_changes (plan, rebuild);
  /* the initramfs is rebuilt before the boot configuration that points to it */
  plan_take_commands (plan, initramfs);
  plan_take_commands (plan, rebuild);
  plan_take_commands (plan, boot);
  plan_warnings (plan, host, gpu);
  plan->digest = pp_plan_digest (plan);
  return g_steal_pointer (&plan);
}

static void
digest_line (GChecksum  *checksum,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
digest_line (GChecksum  *checksum,
             const char *format,
             ...)
{
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  line = g_strdup_vprintf (format, args);
  va_end (args);
  g_checksum_update (checksum, (const guchar *) line, strlen (line));
  g_checksum_update (checksum, (const guchar *) "\n", 1);
}

static char *
sha256_of (const char *text)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
}

char *
pp_plan_digest (const PpPlan *plan)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  digest_line (checksum, "passthrough-prep plan 1");
  digest_line (checksum, "gpu %zu %s", strlen (plan->gpu), plan->gpu);
  digest_line (checksum, "mode %s", pp_boot_mode_to_string (plan->mode));
  digest_line (checksum, "binding %s", pp_binding_to_string (plan->binding));
  digest_line (checksum, "acs-override %s", plan->acs_override ? "yes" : "no");
  for (guint i = 0; i < plan->reserve->len; i++)
    digest_line (checksum, "reserve %s", (const char *) g_ptr_array_index (plan->reserve, i));
  for (guint i = 0; i < plan->ids->len; i++)
    digest_line (checksum, "id %s", (const char *) g_ptr_array_index (plan->ids, i));
  for (guint i = 0; i < plan->files->len; i++)
    {
      const PpFileEdit *edit = g_ptr_array_index (plan->files, i);
      g_autofree char *before = edit->old_text != NULL ? sha256_of (edit->old_text) : g_strdup ("absent");
      g_autofree char *after = sha256_of (edit->new_text);

      digest_line (checksum, "file %zu %s %04o %s %s", strlen (edit->path), edit->path,
                   edit->new_mode, before, after);
    }
  for (guint i = 0; i < plan->commands->len; i++)
    {
      char **argv = g_ptr_array_index (plan->commands, i);
      char **undo = g_ptr_array_index (plan->undo_commands, i);

      digest_line (checksum, "command %u", g_strv_length (argv));
      for (guint a = 0; argv[a] != NULL; a++)
        digest_line (checksum, "arg %zu %s", strlen (argv[a]), argv[a]);
      digest_line (checksum, "undo %u", undo != NULL ? g_strv_length (undo) : 0);
      for (guint a = 0; undo != NULL && undo[a] != NULL; a++)
        digest_line (checksum, "arg %zu %s", strlen (undo[a]), undo[a]);
    }
  return g_strdup (g_checksum_get_string (checksum));
}
