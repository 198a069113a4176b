/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "pp-advice.h"
#include "pp-core-resources.h"

#define PP_RULES_RESOURCE "/org/ultmos/PassthroughPrep/core/macos-gpus.rules"

typedef enum
{
  PP_RULE_MACOS,
  PP_RULE_INTEGRATED,
} PpRuleKind;

typedef struct
{
  PpRuleKind      kind;
  guint16         vendor_id;
  char           *prefix;     /* NULL matches every name */
  PpMacosSupport  macos;
  char           *note;
} PpGpuRule;

static void
pp_gpu_rule_free (PpGpuRule *rule)
{
  g_free (rule->prefix);
  g_free (rule->note);
  g_free (rule);
}

static gboolean
pp_parse_macos_support (const char     *text,
                        PpMacosSupport *support)
{
  if (strcmp (text, "supported") == 0)
    *support = PP_MACOS_SUPPORTED;
  else if (strcmp (text, "unsupported") == 0)
    *support = PP_MACOS_UNSUPPORTED;
  else if (strcmp (text, "unknown") == 0)
    *support = PP_MACOS_UNKNOWN;
  else
    return FALSE;
  return TRUE;
}

/* "macos 1002 Navi 21 | supported | note" or "integrated 1002 Raven" */
static PpGpuRule *
pp_gpu_rule_parse (const char *line)
{
  g_auto(GStrv) parts = g_strsplit (line, "|", 3);
  g_autofree char *head = g_strstrip (g_strdup (parts[0]));
  PpGpuRule *rule = g_new0 (PpGpuRule, 1);
  char *vendor, *prefix, *end = NULL;

  vendor = strchr (head, ' ');
  if (vendor == NULL)
    goto invalid;
  *vendor++ = '\0';
  prefix = strchr (vendor, ' ');
  if (prefix == NULL)
    goto invalid;
  *prefix++ = '\0';
  prefix = g_strstrip (prefix);
  rule->vendor_id = g_ascii_strtoull (vendor, &end, 16);
  if (*end != '\0' || *prefix == '\0')
    goto invalid;
  rule->prefix = strcmp (prefix, "*") == 0 ? NULL : g_strdup (prefix);

  if (strcmp (head, "integrated") == 0 && parts[1] == NULL)
    rule->kind = PP_RULE_INTEGRATED;
  else if (strcmp (head, "macos") == 0 && parts[1] != NULL && parts[2] != NULL
           && pp_parse_macos_support (g_strstrip (parts[1]), &rule->macos))
    {
      rule->kind = PP_RULE_MACOS;
      rule->note = g_strdup (g_strstrip (parts[2]));
    }
  else
    goto invalid;
  return rule;

invalid:
  pp_gpu_rule_free (rule);
  return NULL;
}

static GPtrArray *
pp_gpu_rules_get (void)
{
  static GPtrArray *rules;

  if (g_once_init_enter (&rules))
    {
      GPtrArray *parsed = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_gpu_rule_free);
      /* looked up in our own resource: a static library's constructor may never run */
      g_autoptr(GBytes) bytes = g_resource_lookup_data (pp_core_get_resource (), PP_RULES_RESOURCE, 0, NULL);
      g_auto(GStrv) lines = NULL;

      g_assert (bytes != NULL);
      lines = g_strsplit (g_bytes_get_data (bytes, NULL), "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          const char *line = g_strstrip (lines[i]);
          PpGpuRule *rule;

          if (*line == '\0' || *line == '#')
            continue;
          rule = pp_gpu_rule_parse (line);
          if (rule == NULL)
            g_error ("%s:%u: malformed rule", PP_RULES_RESOURCE, i + 1);
          g_ptr_array_add (parsed, rule);
        }
      g_once_init_leave (&rules, parsed);
    }
  return rules;
}

static const PpGpuRule *
pp_gpu_rules_match (const PpPciDevice *gpu,
                    PpRuleKind         kind)
{
  GPtrArray *rules = pp_gpu_rules_get ();

  for (guint i = 0; i < rules->len; i++)
    {
      const PpGpuRule *rule = g_ptr_array_index (rules, i);

      if (rule->kind == kind && rule->vendor_id == gpu->vendor_id
          && (rule->prefix == NULL || g_str_has_prefix (gpu->device_name, rule->prefix)))
        return rule;
    }
  return NULL;
}

static gboolean
pp_gpu_is_integrated (const PpPciDevice *gpu)
{
  /* Intel's iGPU always sits on the root bus at 00:02.0; its discrete Arc
   * cards sit behind a bridge. AMD's APUs sit behind a bridge too, so only
   * their names tell them apart. */
  if (gpu->vendor_id == 0x8086)
    return gpu->bus == 0;
  return pp_gpu_rules_match (gpu, PP_RULE_INTEGRATED) != NULL;
}

static void
pp_gpu_advice_free (PpGpuAdvice *advice)
{
  g_ptr_array_unref (advice->reserve);
  g_ptr_array_unref (advice->blockers);
  g_array_unref (advice->groups);
  g_free (advice->macos_note);
  g_free (advice->verdict);
  g_free (advice);
}

void
pp_advice_free (PpAdvice *advice)
{
  if (advice == NULL)
    return;
  g_free (advice->scenario_summary);
  g_ptr_array_unref (advice->gpus);
  g_free (advice);
}

static gboolean
pp_int_array_contains (GArray *array,
                       int     value)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, int, i) == value)
      return TRUE;
  return FALSE;
}

static char *
pp_describe_devices (GPtrArray *devices)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < devices->len; i++)
    {
      const PpPciDevice *device = g_ptr_array_index (devices, i);

      if (i > 0)
        g_string_append (text, ", ");
      g_string_append_printf (text, "%s (%s)", device->address, device->device_name);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
pp_gpu_advice_judge (PpGpuAdvice  *advice,
                     const PpHost *host)
{
  gboolean all_grouped = TRUE;

  for (guint i = 0; i < host->devices->len; i++)
    {
      PpPciDevice *device = g_ptr_array_index (host->devices, i);

      if (!pp_pci_device_same_slot (device, advice->gpu))
        continue;
      g_ptr_array_add (advice->reserve, device);
      if (device->iommu_group == PP_NO_IOMMU_GROUP)
        all_grouped = FALSE;
      else if (!pp_int_array_contains (advice->groups, device->iommu_group))
        g_array_append_val (advice->groups, device->iommu_group);
    }

  for (guint i = 0; i < advice->groups->len; i++)
    {
      PpIommuGroup *group = pp_host_find_group (host, g_array_index (advice->groups, int, i));

      for (guint j = 0; group != NULL && j < group->devices->len; j++)
        {
          PpPciDevice *device = g_ptr_array_index (group->devices, j);

          if (!pp_pci_device_same_slot (device, advice->gpu) && !pp_pci_device_is_bridge (device))
            g_ptr_array_add (advice->blockers, device);
        }
    }

  advice->viable = all_grouped && advice->blockers->len == 0;
  if (!all_grouped)
    advice->verdict = g_strdup (_("Not viable: this GPU is in no IOMMU group because the IOMMU is off. "
                                  "Turn it on first."));
  else if (advice->blockers->len > 0)
    {
      g_autofree char *in_the_way = pp_describe_devices (advice->blockers);

      advice->verdict = g_strdup_printf (
        g_dngettext (GETTEXT_PACKAGE,
                     "Not viable: its IOMMU group also holds %s, which would have to go to the VM too.",
                     "Not viable: its IOMMU group also holds %s, which would all have to go to the VM too.",
                     advice->blockers->len),
        in_the_way);
    }
  else
    advice->verdict = g_strdup (_("Viable: its IOMMU group holds only this card’s own functions."));
}

static void
pp_gpu_advice_set_macos (PpGpuAdvice *advice)
{
  const PpGpuRule *rule = pp_gpu_rules_match (advice->gpu, PP_RULE_MACOS);

  if (rule != NULL)
    {
      advice->macos = rule->macos;
      advice->macos_note = g_strdup (rule->note);
    }
  else
    {
      advice->macos = PP_MACOS_UNKNOWN;
      advice->macos_note = g_strdup (_("No macOS information for this GPU"));
    }
}

static void
pp_advice_set_scenario (PpAdvice *advice)
{
  guint integrated = 0, discrete = 0;

  for (guint i = 0; i < advice->gpus->len; i++)
    {
      PpGpuAdvice *gpu = g_ptr_array_index (advice->gpus, i);

      if (gpu->integrated)
        integrated++;
      else
        discrete++;
    }

  if (integrated + discrete == 0)
    {
      advice->scenario = PP_SCENARIO_NO_GPU;
      advice->scenario_summary = g_strdup (_("No GPU found. There is nothing to pass through: "
                                             "a VM with a real GPU needs a graphics card of its own."));
    }
  else if (integrated + discrete == 1)
    {
      advice->scenario = PP_SCENARIO_SINGLE_GPU;
      advice->scenario_summary = g_strdup (_("One GPU, and it drives this computer’s display. Giving it to "
                                             "a VM leaves the host without a screen for as long as the VM "
                                             "runs, and a failure on the way back leaves a black screen "
                                             "that only a forced restart fixes; PassthroughPrep does not "
                                             "set that up. Add a second GPU, or turn on the CPU’s "
                                             "integrated graphics in the firmware settings."));
    }
  else if (discrete >= 2)
    {
      advice->scenario = PP_SCENARIO_MULTI_DGPU;
      advice->scenario_summary = g_strdup (_("Two or more discrete GPUs: keep one for this computer’s "
                                             "display and reserve another for the VM."));
    }
  else
    {
      advice->scenario = PP_SCENARIO_IGPU_DGPU;
      advice->scenario_summary = g_strdup (_("Integrated and discrete GPU: the host keeps the integrated "
                                             "GPU for its display and the discrete GPU can go to the VM. "
                                             "Plug your monitor into the motherboard’s video output."));
    }
}

PpAdvice *
pp_advice_new (const PpHost *host)
{
  PpAdvice *advice = g_new0 (PpAdvice, 1);

  advice->gpus = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_gpu_advice_free);
  for (guint i = 0; i < host->devices->len; i++)
    {
      PpPciDevice *device = g_ptr_array_index (host->devices, i);
      PpGpuAdvice *gpu;

      if (!pp_pci_device_is_gpu (device))
        continue;
      gpu = g_new0 (PpGpuAdvice, 1);
      gpu->gpu = device;
      gpu->integrated = pp_gpu_is_integrated (device);
      gpu->reserve = g_ptr_array_new ();
      gpu->blockers = g_ptr_array_new ();
      gpu->groups = g_array_new (FALSE, FALSE, sizeof (int));
      pp_gpu_advice_judge (gpu, host);
      pp_gpu_advice_set_macos (gpu);
      g_ptr_array_add (advice->gpus, gpu);
    }
  pp_advice_set_scenario (advice);
  return advice;
}

PpGpuAdvice *
pp_advice_find_gpu (const PpAdvice *advice,
                    const char     *address)
{
  for (guint i = 0; i < advice->gpus->len; i++)
    {
      PpGpuAdvice *gpu = g_ptr_array_index (advice->gpus, i);

      if (g_strcmp0 (gpu->gpu->address, address) == 0)
        return gpu;
    }
  return NULL;
}

const char *
pp_scenario_to_string (PpScenario scenario)
{
  switch (scenario)
    {
    case PP_SCENARIO_SINGLE_GPU: return "single-gpu";
    case PP_SCENARIO_IGPU_DGPU:  return "igpu-dgpu";
    case PP_SCENARIO_MULTI_DGPU: return "multi-dgpu";
    case PP_SCENARIO_NO_GPU:
    default:                     return "no-gpu";
    }
}

const char *
pp_macos_support_to_string (PpMacosSupport support)
{
  switch (support)
    {
    case PP_MACOS_SUPPORTED:   return "supported";
    case PP_MACOS_UNSUPPORTED: return "unsupported";
    case PP_MACOS_UNKNOWN:
    default:                   return "unknown";
    }
}
