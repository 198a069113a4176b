/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-boot.h"
#include "pp-edit-modprobe.h"
#include "pp-host-files.h"

#include "pp-readiness.h"

static void
pp_check_free (PpCheck *check)
{
  g_free (check->title);
  g_free (check->summary);
  g_free (check->next_step);
  g_free (check);
}

static PpCheck *
pp_check_add (GPtrArray     *checks,
              const char    *id,
              PpCheckStatus  status,
              const char    *title)
{
  PpCheck *check = g_new0 (PpCheck, 1);

  check->id = id;
  check->status = status;
  check->title = g_strdup (title);
  g_ptr_array_add (checks, check);
  return check;
}

static const char *
pp_iommu_flag (const PpHost *host)
{
  return host->cpu_vendor == PP_CPU_VENDOR_AMD ? "amd_iommu=on" : "intel_iommu=on";
}

static void
pp_check_cpu (GPtrArray    *checks,
              const PpHost *host)
{
  const char *tech = host->cpu_vendor == PP_CPU_VENDOR_AMD ? "AMD-V (SVM)" : "Intel VT-x";
  const char *model = host->cpu_model != NULL ? host->cpu_model : _("Unknown processor");
  PpCheck *check;

  if (host->cpu_virtualization)
    {
      check = pp_check_add (checks, "cpu", PP_CHECK_OK, _("Processor"));
      check->summary = g_strdup_printf (_("%s, with %s"), model, tech);
    }
  else
    {
      check = pp_check_add (checks, "cpu", PP_CHECK_ERROR, _("Processor"));
      check->summary = g_strdup_printf (_("%s, without hardware virtualization"), model);
      check->next_step = g_strdup_printf (_("Turn on %s in the firmware (BIOS/UEFI) settings; "
                                            "inside a VM, enable nested virtualization."), tech);
    }
}

static void
pp_check_iommu (GPtrArray    *checks,
                const PpHost *host)
{
  PpCheck *check;

  if (pp_host_iommu_enabled (host))
    {
      check = pp_check_add (checks, "iommu", PP_CHECK_OK, _("IOMMU"));
      check->summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "On, %u group",
                                                     "On, %u groups", host->groups->len),
                                        host->groups->len);
      return;
    }

  check = pp_check_add (checks, "iommu", PP_CHECK_ERROR, _("IOMMU"));
  check->summary = g_strdup (_("Off: the kernel made no IOMMU groups"));
  if (host->cpu_vendor == PP_CPU_VENDOR_AMD)
    check->next_step = g_strdup_printf (_("Turn on “IOMMU” or “AMD-Vi” in the firmware settings, and "
                                          "add %s iommu=pt to the kernel command line (reserving a GPU "
                                          "does that)."), pp_iommu_flag (host));
  else
    check->next_step = g_strdup_printf (_("Turn on “VT-d” in the firmware settings, and add %s "
                                          "iommu=pt to the kernel command line (reserving a GPU does "
                                          "that)."), pp_iommu_flag (host));
}

/* Whether our modprobe.d file binds by address: its install line runs the bind script */
static gboolean
pp_reserved_by_address (const PpHost *host)
{
  g_autofree char *text = NULL;
  g_autoptr(GPtrArray) commands = NULL;

  if (!pp_host_read_file (host, PP_MODPROBE_FILE, &text, NULL) || text == NULL)
    return FALSE;
  commands = pp_modprobe_parse (text);
  for (guint i = 0; i < commands->len; i++)
    {
      char **words = ((PpModprobeCommand *) g_ptr_array_index (commands, i))->words;

      if (g_str_equal (words[0], "install") && words[1] != NULL && words[2] != NULL
          && (g_str_equal (words[1], "vfio-pci") || g_str_equal (words[1], "vfio_pci"))
          && g_str_has_prefix (words[2], PP_VFIO_BIND_SCRIPT))
        return TRUE;
    }
  return FALSE;
}

static void
pp_check_cmdline (GPtrArray    *checks,
                  const PpHost *host)
{
  static const char *const keys[] = { "intel_iommu", "amd_iommu", "iommu", "vfio-pci.ids", "pci-stub.ids" };
  g_autoptr(GString) in_effect = g_string_new (NULL);
  PpCheck *check;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      const char *value = pp_host_cmdline_value (host, keys[i]);

      if (value == NULL)
        continue;
      if (in_effect->len > 0)
        g_string_append_c (in_effect, ' ');
      g_string_append_printf (in_effect, "%s=%s", keys[i], value);
    }

  if (pp_host_cmdline_value (host, "vfio-pci.ids") != NULL)
    {
      check = pp_check_add (checks, "cmdline", PP_CHECK_OK, _("Kernel parameters"));
      check->summary = g_string_free (g_steal_pointer (&in_effect), FALSE);
      return;
    }
  /* bound by address, no IDs belong on the command line */
  if (pp_reserved_by_address (host) && in_effect->len > 0)
    {
      check = pp_check_add (checks, "cmdline", PP_CHECK_OK, _("Kernel parameters"));
      check->summary = g_strdup_printf (_("In effect: %s; the reserved functions are bound by address"),
                                        in_effect->str);
      return;
    }
  check = pp_check_add (checks, "cmdline", PP_CHECK_INFO, _("Kernel parameters"));
  if (in_effect->len > 0)
    check->summary = g_strdup_printf (_("In effect: %s; no vfio-pci.ids yet"), in_effect->str);
  else
    check->summary = g_strdup (_("No IOMMU or VFIO parameters in effect"));
  check->next_step = g_strdup_printf (_("Reserving a GPU adds %s iommu=pt vfio-pci.ids=…"),
                                      pp_iommu_flag (host));
}

static void
pp_check_vfio (GPtrArray    *checks,
               const PpHost *host)
{
  PpCheck *check;

  if (host->mod_vfio != PP_MODULE_ABSENT && host->mod_vfio_pci != PP_MODULE_ABSENT
      && host->mod_vfio_iommu_type1 != PP_MODULE_ABSENT)
    {
      check = pp_check_add (checks, "vfio", PP_CHECK_OK, _("VFIO modules"));
      check->summary = g_strdup_printf (_("vfio %s, vfio_pci %s, vfio_iommu_type1 %s"),
                                        pp_module_state_to_string (host->mod_vfio),
                                        pp_module_state_to_string (host->mod_vfio_pci),
                                        pp_module_state_to_string (host->mod_vfio_iommu_type1));
      return;
    }
  check = pp_check_add (checks, "vfio", PP_CHECK_INFO, _("VFIO modules"));
  check->summary = g_strdup_printf (_("vfio %s, vfio_pci %s, vfio_iommu_type1 %s"),
                                    pp_module_state_to_string (host->mod_vfio),
                                    pp_module_state_to_string (host->mod_vfio_pci),
                                    pp_module_state_to_string (host->mod_vfio_iommu_type1));
  check->next_step = g_strdup (_("Reserving a GPU loads them early from the initramfs."));
}

static void
pp_check_tool (GPtrArray         *checks,
               const char        *id,
               const char        *title,
               char              *summary,
               char              *next_step)
{
  PpCheck *check = pp_check_add (checks, id, next_step != NULL ? PP_CHECK_WARNING : PP_CHECK_OK, title);

  check->summary = summary;
  check->next_step = next_step;
}

static void
pp_check_boot_setup (GPtrArray         *checks,
                     const PpBootSetup *setup)
{
  char *next_step = NULL;
  char *summary = setup->boot->describe (setup, &next_step);

  /* which boot manager boots, and why PassthroughPrep thinks so */
  if (setup->boot_evidence != NULL)
    {
      char *with_evidence = g_strdup_printf (_("%s\nEvidence: %s"), summary, setup->boot_evidence);

      g_free (summary);
      summary = with_evidence;
    }
  pp_check_tool (checks, "bootloader", _("Boot loader"), summary, next_step);
  next_step = NULL;
  summary = setup->initramfs->describe (setup, &next_step);
  pp_check_tool (checks, "initramfs", _("Initramfs"), summary, next_step);

  if (setup->error != NULL)
    {
      PpCheck *check = pp_check_add (checks, "config-files", PP_CHECK_ERROR, _("Configuration files"));

      check->summary = g_strdup (setup->error->message);
      check->next_step = g_strdup (_("PassthroughPrep must read this to plan a change, and cannot: no GPU can "
                                     "be reserved until it can be read. Where it is on an EFI partition "
                                     "mounted for root only, see the plan with sudo passthrough-prep --plan."));
    }
}

/* One line for Readiness about a piece of earlier VFIO configuration */
static char *
pp_earlier_vfio_line (const PpEarlierVfio *item)
{
  switch (item->kind)
    {
    case PP_EARLIER_VFIO_INSTALL:
      /* TRANSLATORS: "/etc/modprobe.d/vfio.conf:3 runs “install vfio-pci /usr/local/bin/bind.sh” instead of loading vfio-pci" */
      return g_strdup_printf (_("%s:%u runs “%s” instead of loading vfio-pci"), item->path, item->line, item->text);
    case PP_EARLIER_VFIO_BLACKLIST:
      return g_strdup_printf (_("%s:%u blocks a VFIO module: “%s”"), item->path, item->line, item->text);
    case PP_EARLIER_VFIO_SOFTDEP:
      return g_strdup_printf (_("%s:%u loads vfio-pci before a driver: “%s”"), item->path, item->line, item->text);
    case PP_EARLIER_VFIO_OPTIONS:
    case PP_EARLIER_VFIO_MODULES:
    case PP_EARLIER_VFIO_DRACUT:
    case PP_EARLIER_VFIO_MKINITCPIO:
    case PP_EARLIER_VFIO_CMDLINE:
    default:
      if (item->ids != NULL && item->stub)
        /* TRANSLATORS: "/etc/default/grub:9 holds 10de:1401 for pci-stub" */
        return g_strdup_printf (_("%s:%u holds %s for pci-stub"), item->path, item->line, item->ids);
      if (item->ids != NULL)
        /* TRANSLATORS: "/etc/modprobe.d/vfio.conf:2 binds 10de:1b80,10de:10f0" */
        return g_strdup_printf (_("%s:%u binds %s"), item->path, item->line, item->ids);
      return g_strdup_printf (_("%s:%u loads VFIO modules: “%s”"), item->path, item->line, item->text);
    }
}

/* VFIO set up before, by hand or by another tool: where, and what a
 * reservation does about it */
static void
pp_check_earlier_vfio (GPtrArray         *checks,
                       const PpHost      *host,
                       const PpBootSetup *setup)
{
  g_autoptr(GString) summary = g_string_new (NULL);
  gboolean reserved = FALSE;
  gboolean unsafe = FALSE;
  PpCheck *check;

  if (setup->earlier_vfio->len == 0)
    return;
  {
    g_autofree char *ours = pp_host_path (host, PP_MODPROBE_FILE);

    reserved = g_file_test (ours, G_FILE_TEST_EXISTS);
  }
  g_string_append (summary, reserved ? _("Besides PassthroughPrep’s own file, VFIO is set up in:")
                                     : _("Set up by hand before:"));
  for (guint i = 0; i < setup->earlier_vfio->len; i++)
    {
      const PpEarlierVfio *item = g_ptr_array_index (setup->earlier_vfio, i);
      g_autofree char *line = pp_earlier_vfio_line (item);

      g_string_append_printf (summary, "\n%s", line);
      unsafe |= item->kind == PP_EARLIER_VFIO_INSTALL || item->kind == PP_EARLIER_VFIO_BLACKLIST;
    }
  check = pp_check_add (checks, "earlier-vfio", unsafe ? PP_CHECK_WARNING : PP_CHECK_INFO, _("Earlier VFIO setup"));
  check->summary = g_string_free (g_steal_pointer (&summary), FALSE);
  check->next_step = g_strdup (unsafe
                               ? _("Remove or adapt the lines that run a command for vfio-pci or block a VFIO "
                                   "module: a reservation cannot be sure to work with them.")
                               : _("Reserving a GPU changes these lines where they would bind other devices, so "
                                   "that only its functions go to vfio-pci; the review shows each change and "
                                   "Revert puts them back."));
}

static void
pp_check_firmware (GPtrArray    *checks,
                   const PpHost *host)
{
  PpCheck *check = pp_check_add (checks, "firmware", PP_CHECK_INFO, _("Firmware"));

  check->summary = g_strdup (host->uefi ? _("UEFI") : _("Legacy BIOS"));
  if (!host->uefi)
    check->next_step = g_strdup (_("Passthrough works best with UEFI: GPUs in the VM need a UEFI "
                                   "option ROM (GOP)."));
}

static void
pp_check_scenario (GPtrArray      *checks,
                   const PpAdvice *advice)
{
  PpCheckStatus status;
  PpCheck *check;
  guint viable = 0;

  for (guint i = 0; i < advice->gpus->len; i++)
    {
      PpGpuAdvice *gpu = g_ptr_array_index (advice->gpus, i);
      viable += gpu->viable && !gpu->integrated ? 1 : 0;
    }

  switch (advice->scenario)
    {
    case PP_SCENARIO_IGPU_DGPU:
    case PP_SCENARIO_MULTI_DGPU:
      status = viable > 0 ? PP_CHECK_OK : PP_CHECK_WARNING;
      break;
    case PP_SCENARIO_SINGLE_GPU:
    case PP_SCENARIO_NO_GPU:
    default:
      status = PP_CHECK_ERROR;
      break;
    }
  check = pp_check_add (checks, "scenario", status, _("Graphics"));
  check->summary = g_strdup (advice->scenario_summary);
  if (status == PP_CHECK_WARNING)
    check->next_step = g_strdup (_("No discrete GPU sits alone in its IOMMU group: try another "
                                   "PCIe slot, or a firmware update."));
}

/* The IDs reserved for vfio-pci: those of vfio-pci.ids on the command line in
 * effect and those of our modprobe.d file. Empty when nothing was reserved. */
static GPtrArray *
pp_reserved_ids (const PpHost *host,
                 gboolean     *file_exists,
                 gboolean     *boot_entry_mode)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  const char *cmdline_ids = pp_host_cmdline_value (host, "vfio-pci.ids");
  g_autofree char *path = pp_host_path (host, PP_MODPROBE_FILE);
  g_autofree char *text = NULL;
  g_auto(GStrv) values = NULL;
  g_autoptr(GString) joined = g_string_new (cmdline_ids);

  *file_exists = g_file_get_contents (path, &text, NULL, NULL);
  *boot_entry_mode = text != NULL && strstr (text, PP_MODPROBE_BOOT_ENTRY_NOTE) != NULL;
  if (text != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_auto(GStrv) words = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);

          if (g_strv_length (words) < 3 || g_strcmp0 (words[0], "options") != 0
              || (g_strcmp0 (words[1], "vfio-pci") != 0 && g_strcmp0 (words[1], "vfio_pci") != 0))
            continue;
          for (guint w = 2; words[w] != NULL; w++)
            if (g_str_has_prefix (words[w], "ids="))
              g_string_append_printf (joined, ",%s", words[w] + strlen ("ids="));
        }
    }

  values = g_strsplit (joined->str, ",", -1);
  for (guint i = 0; values[i] != NULL; i++)
    {
      /* "10de:1401:ffffffff:ffffffff" also names 10de:1401 */
      g_auto(GStrv) parts = g_strsplit (g_strstrip (values[i]), ":", 3);
      g_autofree char *pair = NULL;
      g_autofree char *id = NULL;

      if (g_strv_length (parts) < 2)
        continue;
      pair = g_strdup_printf ("%s:%s", parts[0], parts[1]);
      id = g_ascii_strdown (pair, -1);
      if (!g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
        g_ptr_array_add (ids, g_steal_pointer (&id));
    }
  return ids;
}

static char *
pp_reserved_device_cause (const PpHost      *host,
                          const PpPciDevice *device)
{
  if (pp_host_cmdline_value (host, "vfio-pci.ids") == NULL)
    return g_strdup (_("vfio-pci.ids is not on the kernel command line in effect: restart the computer; "
                       "if it is still missing after a restart, the boot configuration was not rebuilt."));
  if (host->mod_vfio_pci == PP_MODULE_ABSENT)
    return g_strdup (_("The vfio_pci module is not loaded: the initramfs was not rebuilt with it, or the "
                       "computer started an older initramfs."));
  if (device->driver == NULL)
    return g_strdup (_("vfio-pci is loaded but did not take the device: the kernel log (journalctl -k) says why."));
  return g_strdup_printf (_("%s loaded before vfio-pci: vfio_pci must come first in the initramfs modules, "
                            "and modprobe.d needs “softdep %s pre: vfio-pci”."),
                          device->driver, device->driver);
}

/* ADDRESS@VENDOR:DEVICE entries as the bind script reads them: the kernel
 * parameter's where it is given, else the addresses file's */
static GStrv
pp_reserved_addresses (const PpHost *host)
{
  const char *param = pp_host_cmdline_value (host, PP_VFIO_ADDRESSES_PARAM);
  g_autofree char *text = NULL;
  g_autoptr(GStrvBuilder) entries = g_strv_builder_new ();
  g_auto(GStrv) words = NULL;

  if (param == NULL && !pp_host_read_file (host, PP_VFIO_ADDRESSES_FILE, &text, NULL))
    text = NULL;
  if (param == NULL && text != NULL)
    {
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
      g_autoptr(GString) kept = g_string_new (NULL);

      for (guint i = 0; lines[i] != NULL; i++)
        if (lines[i][0] != '#')
          g_string_append_printf (kept, "%s\n", lines[i]);
      words = g_strsplit_set (kept->str, ", \t\n", -1);
    }
  else
    words = g_strsplit_set (param != NULL ? param : "", ",", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_strv_builder_add (entries, words[i]);
  return g_strv_builder_end (entries);
}

static char *
pp_device_override (const PpHost      *host,
                    const PpPciDevice *device)
{
  g_autofree char *path = g_strdup_printf ("/sys/bus/pci/devices/%s/driver_override", device->address);
  char *text = NULL;

  if (!pp_host_read_file (host, path, &text, NULL) || text == NULL)
    return NULL;
  return g_strstrip (text);
}

/* Bound by address: each listed function is on vfio-pci, or why not. Once
 * the bind script has run, the devices' driver_override says vfio-pci. */
static void
pp_check_reserved_by_address (GPtrArray    *checks,
                              const PpHost *host)
{
  g_auto(GStrv) entries = pp_reserved_addresses (host);
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autofree char *cause = NULL;
  gboolean restarted = FALSE;
  guint bound = 0;
  PpCheck *check;

  for (guint i = 0; entries[i] != NULL; i++)
    {
      g_autofree char *address = g_strndup (entries[i], strcspn (entries[i], "@"));
      const char *id = strchr (entries[i], '@') != NULL ? strchr (entries[i], '@') + 1 : "";
      const PpPciDevice *device = pp_host_find_device (host, address);
      g_autofree char *device_ids = device != NULL ? pp_pci_device_dup_ids (device) : NULL;
      g_autofree char *override = device != NULL ? pp_device_override (host, device) : NULL;

      if (summary->len > 0)
        g_string_append_c (summary, '\n');
      if (device == NULL || !g_str_equal (device_ids, id))
        {
          if (device == NULL)
            g_string_append_printf (summary, _("%s: no such device; it is left alone"), address);
          else
            g_string_append_printf (summary, _("%s holds %s, not %s: it is left alone (was a card moved?)"),
                                    address, device_ids, id);
          if (cause == NULL)
            cause = g_strdup (_("A reserved card is not where it was: revert the reservation, then reserve the "
                                "GPU again where it is now."));
          continue;
        }
      restarted |= g_strcmp0 (override, "vfio-pci") == 0 || g_strcmp0 (device->driver, "vfio-pci") == 0;
      if (g_strcmp0 (device->driver, "vfio-pci") == 0)
        {
          bound++;
          g_string_append_printf (summary, _("%s %s: bound to vfio-pci"), device->address, device->device_name);
          continue;
        }
      if (device->driver != NULL)
        g_string_append_printf (summary, _("%s %s: bound to %s, not vfio-pci"),
                                device->address, device->device_name, device->driver);
      else
        g_string_append_printf (summary, _("%s %s: no driver bound"), device->address, device->device_name);
      if (cause != NULL)
        continue;
      if (g_strcmp0 (override, "vfio-pci") != 0)
        cause = g_strdup (_("The initramfs has not handed it to vfio-pci yet: restart the computer; if it is "
                            "still not reserved after a restart, the initramfs was not rebuilt with the bind hook."));
      else if (device->driver != NULL)
        cause = g_strdup_printf (_("%s took it before the bind script set driver_override: the initramfs must "
                                   "run the script before it loads %s."), device->driver, device->driver);
      else
        cause = g_strdup (_("vfio-pci did not take the device: the kernel log (journalctl -k) says why."));
    }

  if (entries[0] == NULL)
    {
      check = pp_check_add (checks, "reserved", PP_CHECK_WARNING, _("Reserved functions"));
      check->summary = g_strdup_printf (_("vfio-pci is set to take devices by address, but %s lists none"),
                                        PP_VFIO_ADDRESSES_FILE);
      check->next_step = g_strdup (_("Revert the reservation, then reserve the GPU again."));
      return;
    }
  if (bound == g_strv_length (entries))
    {
      check = pp_check_add (checks, "reserved", PP_CHECK_OK, _("Reserved functions"));
      check->summary = g_string_free (g_steal_pointer (&summary), FALSE);
      return;
    }
  check = pp_check_add (checks, "reserved", restarted ? PP_CHECK_ERROR : PP_CHECK_WARNING, _("Reserved functions"));
  check->summary = g_string_free (g_steal_pointer (&summary), FALSE);
  check->next_step = g_steal_pointer (&cause);
}

static void
pp_check_reserved (GPtrArray    *checks,
                   const PpHost *host)
{
  gboolean file_exists = FALSE;
  gboolean boot_entry_mode = FALSE;
  g_autoptr(GPtrArray) ids = pp_reserved_ids (host, &file_exists, &boot_entry_mode);
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autofree char *cause = NULL;
  gboolean restarted = pp_host_cmdline_value (host, "vfio-pci.ids") != NULL;
  guint reserved = 0;
  guint bound = 0;
  PpCheck *check;

  if (!restarted && !file_exists)
    return;
  if (boot_entry_mode)
    {
      gboolean passthrough = pp_host_cmdline_value (host, "passthrough_prep.boot") != NULL;

      check = pp_check_add (checks, "boot-entry", PP_CHECK_INFO, _("Boot entry"));
      if (!passthrough)
        {
          check->summary = g_strdup (_("A normal entry is running: the GPU stays with the host"));
          check->next_step = g_strdup (_("To give it to the virtual machine, restart and choose an entry titled "
                                         "“… (Passthrough)” in the boot menu."));
          return;
        }
      check->summary = g_strdup (_("A Passthrough entry is running: the reserved functions belong to vfio-pci"));
    }
  if (!restarted && pp_reserved_by_address (host))
    {
      pp_check_reserved_by_address (checks, host);
      return;
    }

  for (guint i = 0; i < host->devices->len; i++)
    {
      const PpPciDevice *device = g_ptr_array_index (host->devices, i);
      g_autofree char *device_ids = pp_pci_device_dup_ids (device);

      if (!g_ptr_array_find_with_equal_func (ids, device_ids, g_str_equal, NULL))
        continue;
      reserved++;
      if (summary->len > 0)
        g_string_append_c (summary, '\n');
      if (g_strcmp0 (device->driver, "vfio-pci") == 0)
        {
          bound++;
          g_string_append_printf (summary, _("%s %s: bound to vfio-pci"), device->address, device->device_name);
        }
      else
        {
          if (device->driver != NULL)
            g_string_append_printf (summary, _("%s %s: bound to %s, not vfio-pci"),
                                    device->address, device->device_name, device->driver);
          else
            g_string_append_printf (summary, _("%s %s: no driver bound"), device->address, device->device_name);
          if (cause == NULL)
            cause = pp_reserved_device_cause (host, device);
        }
    }

  if (reserved == 0)
    {
      check = pp_check_add (checks, "reserved", PP_CHECK_WARNING, _("Reserved functions"));
      check->summary = g_strdup (_("vfio-pci is set to take devices this computer does not have"));
      /* without our file, it was set up some other way (Earlier VFIO setup says where) */
      check->next_step = g_strdup (file_exists ? _("Revert the reservation, then reserve the GPU again.")
                                               : _("Reserving a GPU replaces those IDs with its own."));
      return;
    }
  if (bound == reserved)
    {
      check = pp_check_add (checks, "reserved", PP_CHECK_OK, _("Reserved functions"));
      check->summary = g_string_free (g_steal_pointer (&summary), FALSE);
      return;
    }
  check = pp_check_add (checks, "reserved", restarted ? PP_CHECK_ERROR : PP_CHECK_WARNING,
                        _("Reserved functions"));
  check->summary = g_string_free (g_steal_pointer (&summary), FALSE);
  check->next_step = g_steal_pointer (&cause);
}

GPtrArray *
pp_readiness_checks (const PpHost      *host,
                     const PpBootSetup *setup,
                     const PpAdvice    *advice)
{
  GPtrArray *checks = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_check_free);

  pp_check_scenario (checks, advice);
  pp_check_cpu (checks, host);
  pp_check_iommu (checks, host);
  pp_check_cmdline (checks, host);
  pp_check_vfio (checks, host);
  pp_check_reserved (checks, host);
  pp_check_earlier_vfio (checks, host, setup);
  pp_check_boot_setup (checks, setup);
  pp_check_firmware (checks, host);
  return checks;
}

PpCheckStatus
pp_readiness_overall (GPtrArray *checks)
{
  PpCheckStatus worst = PP_CHECK_OK;

  for (guint i = 0; i < checks->len; i++)
    {
      PpCheck *check = g_ptr_array_index (checks, i);

      if (check->status > worst)
        worst = check->status;
    }
  return worst;
}

const char *
pp_check_status_to_string (PpCheckStatus status)
{
  switch (status)
    {
    case PP_CHECK_OK:      return "ok";
    case PP_CHECK_INFO:    return "info";
    case PP_CHECK_WARNING: return "warning";
    case PP_CHECK_ERROR:
    default:               return "error";
    }
}
