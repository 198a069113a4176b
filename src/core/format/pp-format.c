/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-format.h"
#include "pp-json.h"
#include "pp-readiness.h"

static void
pp_json_device (PpJson            *json,
                const PpPciDevice *device)
{
  g_autofree char *vendor_id = g_strdup_printf ("%04x", device->vendor_id);
  g_autofree char *device_id = g_strdup_printf ("%04x", device->device_id);
  g_autofree char *subsys_vendor_id = g_strdup_printf ("%04x", device->subsys_vendor_id);
  g_autofree char *subsys_device_id = g_strdup_printf ("%04x", device->subsys_device_id);
  g_autofree char *class_hex = pp_pci_device_dup_class_hex (device);
  g_autofree char *revision = g_strdup_printf ("%02x", device->revision);

  pp_json_begin_object (json, NULL);
  pp_json_string (json, "address", device->address);
  pp_json_string (json, "vendor_id", vendor_id);
  pp_json_string (json, "device_id", device_id);
  pp_json_string (json, "subsystem_vendor_id", subsys_vendor_id);
  pp_json_string (json, "subsystem_device_id", subsys_device_id);
  pp_json_string (json, "class", class_hex);
  pp_json_string (json, "revision", revision);
  pp_json_string (json, "vendor", device->vendor_name);
  pp_json_string (json, "name", device->device_name);
  pp_json_string (json, "class_name", device->class_name);
  pp_json_string (json, "driver", device->driver);
  pp_json_bool (json, "boot_vga", device->boot_vga);
  if (device->iommu_group == PP_NO_IOMMU_GROUP)
    pp_json_null (json, "iommu_group");
  else
    pp_json_int (json, "iommu_group", device->iommu_group);
  pp_json_string (json, "parent", device->parent);
  pp_json_end_object (json);
}

static void
pp_json_warnings (PpJson       *json,
                  const PpHost *host)
{
  pp_json_begin_array (json, "warnings");
  for (guint i = 0; i < host->warnings->len; i++)
    pp_json_string (json, NULL, g_ptr_array_index (host->warnings, i));
  pp_json_end_array (json);
}

static void
pp_text_device (GString           *out,
                const PpPciDevice *device)
{
  g_string_append_printf (out, "  %s %s [%04x]: %s %s [%04x:%04x]",
                          device->address, device->class_name, device->class_id,
                          device->vendor_name, device->device_name,
                          device->vendor_id, device->device_id);
  if (device->revision != 0)
    g_string_append_printf (out, " (rev %02x)", device->revision);
  if (device->driver != NULL)
    g_string_append_printf (out, _(" driver: %s"), device->driver);
  else
    g_string_append (out, _(" no driver"));
  if (device->boot_vga)
    g_string_append (out, _(" [boot VGA]"));
  g_string_append_c (out, '\n');
}

char *
pp_format_list_json (const PpHost *host)
{
  g_autoptr(PpJson) json = pp_json_new (TRUE);

  pp_json_begin_object (json, NULL);
  pp_json_begin_array (json, "groups");
  for (guint i = 0; i < host->groups->len; i++)
    {
      PpIommuGroup *group = g_ptr_array_index (host->groups, i);

      pp_json_begin_object (json, NULL);
      pp_json_int (json, "id", group->id);
      pp_json_begin_array (json, "devices");
      for (guint j = 0; j < group->devices->len; j++)
        pp_json_device (json, g_ptr_array_index (group->devices, j));
      pp_json_end_array (json);
      pp_json_end_object (json);
    }
  pp_json_end_array (json);
  pp_json_begin_array (json, "ungrouped");
  for (guint i = 0; i < host->ungrouped->len; i++)
    pp_json_device (json, g_ptr_array_index (host->ungrouped, i));
  pp_json_end_array (json);
  pp_json_warnings (json, host);
  pp_json_end_object (json);
  return pp_json_steal_text (g_steal_pointer (&json));
}

char *
pp_format_list_text (const PpHost *host)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < host->groups->len; i++)
    {
      PpIommuGroup *group = g_ptr_array_index (host->groups, i);

      g_string_append_printf (out, _("IOMMU group %d\n"), group->id);
      for (guint j = 0; j < group->devices->len; j++)
        pp_text_device (out, g_ptr_array_index (group->devices, j));
    }
  if (host->ungrouped->len > 0)
    {
      g_string_append (out, pp_host_iommu_enabled (host)
                            ? _("No IOMMU group\n")
                            : _("No IOMMU group (the IOMMU is off)\n"));
      for (guint i = 0; i < host->ungrouped->len; i++)
        pp_text_device (out, g_ptr_array_index (host->ungrouped, i));
    }
  return g_string_free (out, FALSE);
}

static void
pp_json_addresses (PpJson     *json,
                   const char *key,
                   GPtrArray  *devices)
{
  pp_json_begin_array (json, key);
  for (guint i = 0; i < devices->len; i++)
    pp_json_string (json, NULL, ((PpPciDevice *) g_ptr_array_index (devices, i))->address);
  pp_json_end_array (json);
}

static void
pp_json_remedies (PpJson            *json,
                  const PpGpuAdvice *gpu)
{
  pp_json_string (json, "why_not_viable", gpu->why_not_viable);
  pp_json_begin_array (json, "remedies");
  for (guint i = 0; i < gpu->remedies->len; i++)
    {
      const PpRemedy *remedy = g_ptr_array_index (gpu->remedies, i);

      pp_json_begin_object (json, NULL);
      pp_json_string (json, "kind", pp_remedy_kind_to_string (remedy->kind));
      pp_json_string (json, "text", remedy->text);
      pp_json_end_object (json);
    }
  pp_json_end_array (json);
}

static void
pp_json_reset (PpJson              *json,
               const PpResetAdvice *reset)
{
  pp_json_begin_array (json, "reset_methods");
  for (guint i = 0; reset->methods[i] != NULL; i++)
    pp_json_string (json, NULL, reset->methods[i]);
  pp_json_end_array (json);
  pp_json_string (json, "reset_advice", reset->advice);
}

char *
pp_format_check_json (const PpHost      *host,
                      const PpBootSetup *setup,
                      const PpAdvice    *advice,
                      GPtrArray         *checks)
{
  g_autoptr(PpJson) json = pp_json_new (TRUE);

  pp_json_begin_object (json, NULL);
  pp_json_begin_object (json, "cpu");
  pp_json_string (json, "vendor", pp_cpu_vendor_to_string (host->cpu_vendor));
  pp_json_bool (json, "virtualization", host->cpu_virtualization);
  pp_json_string (json, "model", host->cpu_model);
  pp_json_end_object (json);
  pp_json_begin_object (json, "iommu");
  pp_json_bool (json, "enabled", pp_host_iommu_enabled (host));
  pp_json_int (json, "groups", host->groups->len);
  pp_json_end_object (json);
  pp_json_string (json, "cmdline", host->cmdline);
  pp_json_string (json, "kernel_release", host->kernel_release);
  pp_json_begin_object (json, "modules");
  pp_json_string (json, "vfio", pp_module_state_to_string (host->mod_vfio));
  pp_json_string (json, "vfio_pci", pp_module_state_to_string (host->mod_vfio_pci));
  pp_json_string (json, "vfio_iommu_type1", pp_module_state_to_string (host->mod_vfio_iommu_type1));
  pp_json_end_object (json);
  pp_json_bool (json, "uefi", host->uefi);
  pp_json_begin_object (json, "os");
  pp_json_string (json, "id", host->os_id);
  pp_json_string (json, "id_like", host->os_id_like);
  pp_json_string (json, "name", host->os_name);
  pp_json_end_object (json);
  pp_json_string (json, "bootloader", setup->bootloader);
  pp_json_string (json, "boot_backend", setup->boot->id);
  pp_json_string (json, "boot_evidence", setup->boot_evidence);
  pp_json_string (json, "loader_info", setup->loader_info);
  pp_json_string (json, "grub_cfg", setup->grub_cfg);
  pp_json_bool (json, "grub_bls", g_str_equal (setup->boot->id, "grub-bls"));
  pp_json_string (json, "initramfs", setup->initramfs->id);
  pp_json_string (json, "read_error", setup->error != NULL ? setup->error->message : NULL);
  pp_json_begin_array (json, "earlier_vfio");
  for (guint i = 0; i < setup->earlier_vfio->len; i++)
    {
      const PpEarlierVfio *item = g_ptr_array_index (setup->earlier_vfio, i);

      pp_json_begin_object (json, NULL);
      pp_json_string (json, "kind", pp_earlier_vfio_kind_to_string (item->kind));
      pp_json_string (json, "path", item->path);
      pp_json_int (json, "line", item->line);
      pp_json_string (json, "text", item->text);
      pp_json_string (json, "ids", item->ids);
      pp_json_bool (json, "pci_stub", item->stub);
      pp_json_end_object (json);
    }
  pp_json_end_array (json);
  pp_json_string (json, "scenario", pp_scenario_to_string (advice->scenario));
  pp_json_string (json, "scenario_summary", advice->scenario_summary);

  pp_json_begin_array (json, "gpus");
  for (guint i = 0; i < advice->gpus->len; i++)
    {
      PpGpuAdvice *gpu = g_ptr_array_index (advice->gpus, i);
      g_autofree char *ids = pp_pci_device_dup_ids (gpu->gpu);

      pp_json_begin_object (json, NULL);
      pp_json_string (json, "address", gpu->gpu->address);
      pp_json_string (json, "ids", ids);
      pp_json_string (json, "vendor", gpu->gpu->vendor_name);
      pp_json_string (json, "name", gpu->gpu->device_name);
      pp_json_string (json, "driver", gpu->gpu->driver);
      pp_json_bool (json, "boot_vga", gpu->gpu->boot_vga);
      pp_json_bool (json, "integrated", gpu->integrated);
      pp_json_bool (json, "viable", gpu->viable);
      pp_json_addresses (json, "reserve", gpu->reserve);
      pp_json_addresses (json, "blockers", gpu->blockers);
      pp_json_begin_array (json, "groups");
      for (guint j = 0; j < gpu->groups->len; j++)
        pp_json_int (json, NULL, g_array_index (gpu->groups, int, j));
      pp_json_end_array (json);
      pp_json_string (json, "verdict", gpu->verdict);
      pp_json_remedies (json, gpu);
      pp_json_string (json, "macos", pp_macos_support_to_string (gpu->macos));
      pp_json_string (json, "macos_note", gpu->macos_note);
      pp_json_reset (json, gpu->reset);
      pp_json_end_object (json);
    }
  pp_json_end_array (json);

  pp_json_begin_array (json, "checks");
  for (guint i = 0; i < checks->len; i++)
    {
      PpCheck *check = g_ptr_array_index (checks, i);

      pp_json_begin_object (json, NULL);
      pp_json_string (json, "id", check->id);
      pp_json_string (json, "status", pp_check_status_to_string (check->status));
      pp_json_string (json, "title", check->title);
      pp_json_string (json, "summary", check->summary);
      pp_json_string (json, "next_step", check->next_step);
      pp_json_end_object (json);
    }
  pp_json_end_array (json);
  pp_json_warnings (json, host);
  pp_json_end_object (json);
  return pp_json_steal_text (g_steal_pointer (&json));
}

static const char *
pp_check_mark (PpCheckStatus status)
{
  switch (status)
    {
    case PP_CHECK_OK:      return "[ok]  ";
    case PP_CHECK_INFO:    return "[info]";
    case PP_CHECK_WARNING: return "[warn]";
    case PP_CHECK_ERROR:
    default:               return "[fail]";
    }
}

static void
pp_text_addresses (GString   *out,
                   GPtrArray *devices)
{
  for (guint i = 0; i < devices->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? " " : "",
                            ((PpPciDevice *) g_ptr_array_index (devices, i))->address);
}

char *
pp_format_check_text (const PpAdvice *advice,
                      GPtrArray      *checks)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < checks->len; i++)
    {
      PpCheck *check = g_ptr_array_index (checks, i);

      g_string_append_printf (out, "%s %s: %s\n", pp_check_mark (check->status),
                              check->title, check->summary);
      if (check->next_step != NULL)
        g_string_append_printf (out, _("       next: %s\n"), check->next_step);
    }

  for (guint i = 0; i < advice->gpus->len; i++)
    {
      PpGpuAdvice *gpu = g_ptr_array_index (advice->gpus, i);

      g_string_append_printf (out, _("\nGPU %s: %s %s [%04x:%04x]%s%s\n"), gpu->gpu->address,
                              gpu->gpu->vendor_name, gpu->gpu->device_name,
                              gpu->gpu->vendor_id, gpu->gpu->device_id,
                              gpu->integrated ? _(", integrated") : "",
                              gpu->gpu->boot_vga ? _(", drives the display") : "");
      g_string_append_printf (out, "  %s\n", gpu->verdict);
      if (gpu->why_not_viable != NULL)
        g_string_append_printf (out, _("  why: %s\n"), gpu->why_not_viable);
      for (guint r = 0; r < gpu->remedies->len; r++)
        g_string_append_printf (out, _("  what to do (%s): %s\n"),
                                pp_remedy_kind_to_string (((PpRemedy *) g_ptr_array_index (gpu->remedies, r))->kind),
                                ((PpRemedy *) g_ptr_array_index (gpu->remedies, r))->text);
      g_string_append (out, _("  reserve: "));
      pp_text_addresses (out, gpu->reserve);
      g_string_append_c (out, '\n');
      g_string_append_printf (out, _("  macOS: %s (%s)\n"),
                              pp_macos_support_to_string (gpu->macos), gpu->macos_note);
      g_string_append_printf (out, _("  reset: %s\n"), gpu->reset->summary);
      if (gpu->reset->advice != NULL)
        g_string_append_printf (out, "         %s\n", gpu->reset->advice);
    }
  return g_string_free (out, FALSE);
}

static void
json_strings (PpJson     *json,
              const char *key,
              GPtrArray  *strings)
{
  pp_json_begin_array (json, key);
  for (guint i = 0; i < strings->len; i++)
    pp_json_string (json, NULL, g_ptr_array_index (strings, i));
  pp_json_end_array (json);
}

/* argv arrays; a NULL entry is null */
static void
json_commands (PpJson     *json,
               const char *key,
               GPtrArray  *commands)
{
  pp_json_begin_array (json, key);
  for (guint i = 0; i < commands->len; i++)
    {
      char **argv = g_ptr_array_index (commands, i);

      if (argv == NULL)
        {
          pp_json_null (json, NULL);
          continue;
        }
      pp_json_begin_array (json, NULL);
      for (guint a = 0; argv[a]; a++)
        pp_json_string (json, NULL, argv[a]);
      pp_json_end_array (json);
    }
  pp_json_end_array (json);
}

char *
pp_format_plan_json (const PpPlan *plan)
{
  g_autoptr(PpJson) json = pp_json_new (TRUE);

  pp_json_begin_object (json, NULL);
  pp_json_string (json, "gpu", plan->gpu);
  pp_json_string (json, "mode", pp_boot_mode_to_string (plan->mode));
  pp_json_string (json, "binding", pp_binding_to_string (plan->binding));
  pp_json_bool (json, "acs_override", plan->acs_override);
  json_strings (json, "boot_entries", plan->boot_entries);
  pp_json_string (json, "no_boot_entry", plan->no_boot_entry);
  if (plan->mode == PP_BOOT_MODE_BOOT_ENTRY && plan->refused == NULL)
    {
      pp_json_begin_object (json, "restart");
      pp_json_string (json, "method", pp_restart_method_to_string (plan->restart_method));
      pp_json_string (json, "entry", plan->restart_entry);
      pp_json_end_object (json);
    }
  else
    pp_json_null (json, "restart");
  json_strings (json, "reserve", plan->reserve);
  json_strings (json, "ids", plan->ids);
  pp_json_begin_array (json, "files");
  for (guint i = 0; i < plan->files->len; i++)
    {
      PpFileEdit *edit = g_ptr_array_index (plan->files, i);

      pp_json_begin_object (json, NULL);
      pp_json_string (json, "path", edit->path);
      pp_json_bool (json, "new", edit->old_text == NULL);
      pp_json_string (json, "diff", edit->diff);
      pp_json_end_object (json);
    }
  pp_json_end_array (json);
  json_commands (json, "commands", plan->commands);
  json_commands (json, "undo_commands", plan->undo_commands);
  json_strings (json, "warnings", plan->warnings);
  json_strings (json, "manual_steps", plan->manual_steps);
  pp_json_string (json, "refused", plan->refused);
  pp_json_string (json, "digest", plan->digest);
  pp_json_end_object (json);
  return pp_json_steal_text (g_steal_pointer (&json));
}

char *
pp_format_command_line (char * const *argv)
{
  return pp_boot_command_line (argv);
}

static char *
join_strings (GPtrArray  *strings,
              const char *separator)
{
  GString *joined = g_string_new (NULL);

  for (guint i = 0; i < strings->len; i++)
    g_string_append_printf (joined, "%s%s", i > 0 ? separator : "", (const char *) g_ptr_array_index (strings, i));
  return g_string_free (joined, FALSE);
}

char *
pp_format_plan_text (const PpPlan *plan,
                     const PpHost *host)
{
  GString *out = g_string_new (NULL);
  PpPciDevice *gpu = host ? pp_host_find_device (host, plan->gpu) : NULL;
  g_autofree char *reserve = join_strings (plan->reserve, ", ");
  g_autofree char *ids = join_strings (plan->ids, ",");

  if (gpu != NULL)
    g_string_append_printf (out, _("Reserve %s (%s %s) for a virtual machine\n"),
                            plan->gpu, gpu->vendor_name, gpu->device_name);
  else
    g_string_append_printf (out, _("Reserve %s for a virtual machine\n"), plan->gpu);

  if (plan->refused != NULL)
    {
      g_string_append_printf (out, _("Refused: %s\n"), plan->refused);
      return g_string_free (out, FALSE);
    }

  g_string_append_printf (out, _("Functions: %s\nIDs: %s\n"), reserve, ids);
  g_string_append_printf (out, _("Mode: %s\n"), pp_boot_mode_to_string (plan->mode));
  g_string_append_printf (out, "%s\n", plan->binding == PP_BINDING_ADDRESS
                                       ? _("Binding: by PCI address (driver_override)")
                                       : _("Binding: by vendor:device ID (vfio-pci.ids)"));
  if (plan->acs_override)
    g_string_append (out, _("ACS override: pcie_acs_override=downstream,multifunction\n"));
  for (guint i = 0; i < plan->boot_entries->len; i++)
    g_string_append_printf (out, _("Boot entry: %s\n"), (const char *) g_ptr_array_index (plan->boot_entries, i));
  if (plan->no_boot_entry != NULL)
    g_string_append_printf (out, _("No Passthrough boot entry: %s\n"), plan->no_boot_entry);

  g_string_append_c (out, '\n');
  if (plan->files->len == 0)
    g_string_append (out, _("Files: none to change (already prepared)\n"));
  else
    {
      g_string_append (out, _("Files:\n"));
      for (guint i = 0; i < plan->files->len; i++)
        {
          PpFileEdit *edit = g_ptr_array_index (plan->files, i);

          g_string_append (out, edit->diff);
        }
    }

  if (plan->commands->len > 0)
    {
      g_string_append (out, _("\nCommands:\n"));
      for (guint i = 0; i < plan->commands->len; i++)
        {
          g_autofree char *line = pp_format_command_line (g_ptr_array_index (plan->commands, i));
          char **undo = g_ptr_array_index (plan->undo_commands, i);

          g_string_append_printf (out, "  %s\n", line);
          if (undo != NULL)
            {
              g_autofree char *undo_line = pp_format_command_line (undo);

              g_string_append_printf (out, _("    (undone by: %s)\n"), undo_line);
            }
        }
    }
  if (plan->warnings->len > 0)
    {
      g_string_append (out, _("\nWarnings:\n"));
      for (guint i = 0; i < plan->warnings->len; i++)
        g_string_append_printf (out, "  - %s\n", (const char *) g_ptr_array_index (plan->warnings, i));
    }
  if (plan->manual_steps->len > 0)
    {
      g_string_append (out, _("\nBy hand:\n"));
      for (guint i = 0; i < plan->manual_steps->len; i++)
        g_string_append_printf (out, "  - %s\n", (const char *) g_ptr_array_index (plan->manual_steps, i));
    }
  /* last, so that a script can take it with tail -n 1 */
  g_string_append_printf (out, _("\nDigest: %s\n"), plan->digest);
  return g_string_free (out, FALSE);
}

