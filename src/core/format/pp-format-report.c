/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pp-format.h"
#include "pp-readiness.h"

static void
pp_report_device (GString           *out,
                  const PpPciDevice *device)
{
  g_autofree char *ids = pp_pci_device_dup_ids (device);
  g_autofree char *class_hex = pp_pci_device_dup_class_hex (device);

  g_string_append_printf (out, "- `%s` [%s] `%s` %s %s (%s)%s\n",
                          device->address, class_hex, ids,
                          device->vendor_name, device->device_name,
                          device->driver != NULL ? device->driver : _("no driver"),
                          device->boot_vga ? _(", drives the display") : "");
}

char *
pp_format_report_markdown (const PpHost   *host,
                           const PpAdvice *advice,
                           GPtrArray      *checks)
{
  g_autoptr(GString) out = g_string_new (NULL);

  g_string_append_printf (out, "## %s\n\n", _("PassthroughPrep report"));
  if (host->os_name != NULL)
    g_string_append_printf (out, "- %s: %s\n", _("System"), host->os_name);
  if (g_strcmp0 (host->root, "/") != 0)
    g_string_append_printf (out, "- %s: `%s`\n", _("Root"), host->root);
  g_string_append_printf (out, "- %s: `%s`\n", _("Kernel command line"),
                          host->cmdline != NULL ? host->cmdline : "");
  g_string_append_printf (out, "- %s: %s\n\n", _("Scenario"), pp_scenario_to_string (advice->scenario));

  g_string_append_printf (out, "### %s\n\n", _("Readiness"));
  for (guint i = 0; i < checks->len; i++)
    {
      const PpCheck *check = g_ptr_array_index (checks, i);

      g_string_append_printf (out, "- **%s** (%s): %s", check->title,
                              pp_check_status_to_string (check->status), check->summary);
      if (check->next_step != NULL)
        g_string_append_printf (out, " — %s", check->next_step);
      g_string_append_c (out, '\n');
    }

  g_string_append_printf (out, "\n### %s\n\n", _("GPUs"));
  if (advice->gpus->len == 0)
    g_string_append_printf (out, "%s\n", _("None found."));
  for (guint i = 0; i < advice->gpus->len; i++)
    {
      const PpGpuAdvice *gpu = g_ptr_array_index (advice->gpus, i);
      g_autofree char *ids = pp_pci_device_dup_ids (gpu->gpu);

      g_string_append_printf (out, "- `%s` `%s` %s %s (%s): %s %s\n", gpu->gpu->address, ids,
                              gpu->gpu->vendor_name, gpu->gpu->device_name,
                              gpu->gpu->driver != NULL ? gpu->gpu->driver : _("no driver"),
                              gpu->verdict, gpu->macos_note);
    }

  g_string_append_printf (out, "\n### %s\n\n", _("IOMMU groups"));
  if (host->groups->len == 0)
    g_string_append_printf (out, "%s\n", _("None: the IOMMU is off."));
  for (guint i = 0; i < host->groups->len; i++)
    {
      const PpIommuGroup *group = g_ptr_array_index (host->groups, i);
      g_autofree char *heading = g_strdup_printf (_("Group %d"), group->id);

      g_string_append_printf (out, "**%s**\n\n", heading);
      for (guint j = 0; j < group->devices->len; j++)
        pp_report_device (out, g_ptr_array_index (group->devices, j));
      g_string_append_c (out, '\n');
    }
  if (host->ungrouped->len > 0)
    {
      g_string_append_printf (out, "**%s**\n\n", _("Not in a group"));
      for (guint j = 0; j < host->ungrouped->len; j++)
        pp_report_device (out, g_ptr_array_index (host->ungrouped, j));
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}
