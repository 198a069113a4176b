/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-remedies.h"

/* A remedy names at most this many slots: the first few are the ones to try */
#define MAX_SLOTS 4
/* No real PCIe tree is deeper; a malformed one must not loop */
#define MAX_DEPTH 64

void
pp_remedy_free (PpRemedy *remedy)
{
  if (remedy == NULL)
    return;
  g_free (remedy->text);
  g_free (remedy);
}

static void
add_remedy (PpGpuAdvice  *gpu,
            PpRemedyKind  kind,
            char         *text)
{
  PpRemedy *remedy = g_new0 (PpRemedy, 1);

  remedy->kind = kind;
  remedy->text = text;
  g_ptr_array_add (gpu->remedies, remedy);
}

const PpRemedy *
pp_gpu_advice_find_remedy (const PpGpuAdvice *gpu,
                           PpRemedyKind       kind)
{
  for (guint i = 0; i < gpu->remedies->len; i++)
    {
      const PpRemedy *remedy = g_ptr_array_index (gpu->remedies, i);

      if (remedy->kind == kind)
        return remedy;
    }
  return NULL;
}

const char *
pp_remedy_kind_to_string (PpRemedyKind kind)
{
  switch (kind)
    {
    case PP_REMEDY_CPU_SLOT:      return "cpu-slot";
    case PP_REMEDY_FIRMWARE:      return "firmware";
    case PP_REMEDY_OWN_FUNCTIONS: return "own-functions";
    case PP_REMEDY_ACS_OVERRIDE:
    default:                      return "acs-override";
    }
}

gboolean
pp_kernel_has_acs_override (const char *release)
{
  /* the flavour is a word of the release, maybe numbered: 6.6.8-zen1-1-zen,
   * 6.6.8-lqx1-1-lqx, 6.6.8-1-liquorix-amd64, 6.8.12-4-pve,
   * 6.10.5-2-cachyos, 6.6.44-production+truenas */
  static const char * const flavours[] = { "zen", "lqx", "liquorix", "pve", "cachyos", "truenas", NULL };
  g_autofree char *lower = NULL;
  g_auto(GStrv) words = NULL;

  if (release == NULL)
    return FALSE;
  lower = g_ascii_strdown (release, -1);
  words = g_strsplit_set (lower, "-+_.", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      gsize length = strlen (words[i]);

      while (length > 0 && g_ascii_isdigit (words[i][length - 1]))
        length--;
      words[i][length] = '\0';
      if (g_strv_contains (flavours, words[i]))
        return TRUE;
    }
  return FALSE;
}

static gboolean
acs_override_active (const PpHost *host)
{
  const char *value = pp_host_cmdline_value (host, "pcie_acs_override");
  g_auto(GStrv) options = NULL;

  if (value == NULL)
    return FALSE;
  options = g_strsplit (value, ",", -1);
  return g_strv_contains ((const char * const *) options, "downstream")
         && g_strv_contains ((const char * const *) options, "multifunction");
}

static char *
describe_device (const PpPciDevice *device)
{
  return g_strdup_printf ("%s (%s)", device->address, device->device_name);
}

static char *
describe_devices (GPtrArray *devices)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < devices->len; i++)
    {
      g_autofree char *one = describe_device (g_ptr_array_index (devices, i));

      g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", one);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The lowest bridge that both the GPU and every blocker sit behind: where
 * the devices of the shared group meet. NULL: only the root complex. */
static PpPciDevice *
meeting_port (const PpHost      *host,
              const PpGpuAdvice *gpu)
{
  PpPciDevice *port = pp_host_find_parent (host, gpu->gpu);

  for (guint i = 0; i < gpu->blockers->len; i++)
    {
      const PpPciDevice *blocker = g_ptr_array_index (gpu->blockers, i);

      for (guint depth = 0; port != NULL && !pp_host_is_behind (host, blocker, port); depth++)
        port = depth < MAX_DEPTH ? pp_host_find_parent (host, port) : NULL;
    }
  return port;
}

/* Bridges between @device and @port, neither counted */
static guint
bridges_between (const PpHost      *host,
                 const PpPciDevice *device,
                 const PpPciDevice *port)
{
  guint count = 0;

  for (const PpPciDevice *p = pp_host_find_parent (host, device);
       p != NULL && p != port && count < MAX_DEPTH;
       p = pp_host_find_parent (host, p))
    count++;
  return count;
}

static void
explain_shared_group (PpGpuAdvice  *gpu,
                      const PpHost *host)
{
  int group = gpu->gpu->iommu_group;

  gpu->shared_behind = meeting_port (host, gpu);
  if (gpu->shared_behind == NULL)
    gpu->why_not_viable =
      g_strdup_printf (_("%s and the other devices of IOMMU group %d sit behind different root ports, or on the "
                         "root bus itself, and those do not isolate their devices from one another (they lack "
                         "ACS, as the root ports of many laptop and server chipsets do), so the kernel puts them "
                         "all in one group."),
                       gpu->gpu->address, group);
  else
    {
      g_autofree char *port = describe_device (gpu->shared_behind);

      if (bridges_between (host, gpu->gpu, gpu->shared_behind) > 0)
        gpu->why_not_viable =
          g_strdup_printf (_("%s sits behind %s, which leads to a chipset or PCIe switch. Everything behind that "
                             "port shares IOMMU group %d, because the ports there do not isolate their devices "
                             "from one another (they lack ACS), as a chipset’s ports typically do."),
                           gpu->gpu->address, port, group);
      else
        gpu->why_not_viable =
          g_strdup_printf (_("%s sits directly behind %s together with the other devices of IOMMU group %d: that "
                             "port does not isolate the devices behind it from one another (it lacks ACS)."),
                           gpu->gpu->address, port, group);
    }
}

static gboolean
group_holds_only_bridges (GHashTable *groups,
                          int         id)
{
  const PpIommuGroup *group = g_hash_table_lookup (groups, GINT_TO_POINTER (id));

  for (guint i = 0; group != NULL && i < group->devices->len; i++)
    if (!pp_pci_device_is_bridge (g_ptr_array_index (group->devices, i)))
      return FALSE;
  return group != NULL;
}

static gboolean
int_array_contains (GArray *array,
                    int     value)
{
  for (guint i = 0; i < array->len; i++)
    if (g_array_index (array, int, i) == value)
      return TRUE;
  return FALSE;
}

/* What is plugged in behind @port: the first device that sits right behind it */
static const PpPciDevice *
first_behind (const PpHost      *host,
              const PpPciDevice *port)
{
  for (guint i = 0; i < host->devices->len; i++)
    {
      const PpPciDevice *device = g_ptr_array_index (host->devices, i);

      if (g_strcmp0 (device->parent, port->address) == 0)
        return device;
    }
  return NULL;
}

static char *
describe_slot (const PpHost      *host,
               const PpPciDevice *port)
{
  const PpPciDevice *occupant = first_behind (host, port);
  g_autofree char *what = occupant != NULL ? g_strdup_printf ("%s %s", occupant->address, occupant->device_name)
                                           : NULL;

  if (port->slot_name != NULL && occupant != NULL)
    /* TRANSLATORS: a root port, its physical slot's name and the device in it */
    return g_strdup_printf (_("%s (slot %s, now holding %s)"), port->address, port->slot_name, what);
  if (port->slot_name != NULL)
    return g_strdup_printf (_("%s (slot %s, empty)"), port->address, port->slot_name);
  if (occupant != NULL)
    return g_strdup_printf (_("%s (now holding %s)"), port->address, what);
  return g_strdup_printf (_("%s (nothing connected)"), port->address);
}

/* Root ports whose group holds nothing but bridges and that the GPU is not
 * behind now; where the host names physical slots, only those with one.
 * The processor's internal ports (APU functions) are no slots. */
static char *
cpu_slots (const PpGpuAdvice *gpu,
           const PpHost      *host,
           GHashTable        *groups)
{
  g_autoptr(GString) text = g_string_new (NULL);
  gboolean named_slots = FALSE;
  guint found = 0;

  for (guint i = 0; i < host->devices->len; i++)
    named_slots |= ((PpPciDevice *) g_ptr_array_index (host->devices, i))->slot_name != NULL;

  for (guint i = 0; i < host->devices->len && found < MAX_SLOTS; i++)
    {
      const PpPciDevice *port = g_ptr_array_index (host->devices, i);
      g_autofree char *slot = NULL;

      if (port->class_id != 0x0604 || port->parent != NULL || port->iommu_group == PP_NO_IOMMU_GROUP
          || (named_slots && port->slot_name == NULL) || strstr (port->device_name, "Internal") != NULL
          || int_array_contains (gpu->groups, port->iommu_group) || pp_host_is_behind (host, gpu->gpu, port)
          || !group_holds_only_bridges (groups, port->iommu_group))
        continue;
      slot = describe_slot (host, port);
      g_string_append_printf (text, "%s%s", found > 0 ? "; " : "", slot);
      found++;
    }
  return found > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static gboolean
only_own_devices (const PpGpuAdvice *gpu)
{
  for (guint i = 0; i < gpu->blockers->len; i++)
    if (((PpPciDevice *) g_ptr_array_index (gpu->blockers, i))->vendor_id != gpu->gpu->vendor_id)
      return FALSE;
  return gpu->blockers->len > 0;
}

static void
add_remedies (PpGpuAdvice    *gpu,
              const PpAdvice *advice,
              const PpHost   *host,
              GHashTable     *groups)
{
  g_autofree char *blockers = describe_devices (gpu->blockers);

  if (only_own_devices (gpu))
    add_remedy (gpu, PP_REMEDY_OWN_FUNCTIONS,
                g_strdup_printf (_("Only devices of this card itself share its IOMMU group (%s): moving the card "
                                   "or changing the firmware will not separate them. They would have to go to the "
                                   "virtual machine together with it, which PassthroughPrep does not plan yet."),
                                 blockers));
  else
    {
      g_autofree char *slots = cpu_slots (gpu, host, groups);

      if (slots != NULL)
        add_remedy (gpu, PP_REMEDY_CPU_SLOT,
                    g_strdup_printf (_("Move the card to a PCIe slot wired to the processor, whose root port has "
                                       "an IOMMU group of its own: %s."), slots));
      if (host->cpu_vendor == PP_CPU_VENDOR_AMD)
        add_remedy (gpu, PP_REMEDY_FIRMWARE,
                    g_strdup (_("Look in the firmware (BIOS/UEFI) settings for ACS: on AMD boards it is usually "
                                "AMD CBS › NBIO Common Options › ACS Enable, which needs Enable AER Cap too. A "
                                "firmware update sometimes adds it; many boards have no such option.")));
      else
        add_remedy (gpu, PP_REMEDY_FIRMWARE,
                    g_strdup (_("Look in the firmware (BIOS/UEFI) settings for an ACS or PCIe isolation option, "
                                "and for a firmware update that adds one; many boards, laptops above all, have "
                                "none.")));
    }

  if (advice->acs_override_kernel && !advice->acs_override_active)
    add_remedy (gpu, PP_REMEDY_ACS_OVERRIDE,
                g_strdup_printf (_("The running kernel (%s) carries the ACS override: booted with "
                                   "pcie_acs_override=downstream,multifunction it treats every PCIe port as "
                                   "isolating, which splits IOMMU group %d. Only if you choose it: it weakens "
                                   "isolation, because devices behind the same port can then reach each other’s "
                                   "memory without the IOMMU seeing it, so the virtual machine’s GPU could read or "
                                   "write the memory of %s, and the other way round."),
                                 host->kernel_release, gpu->gpu->iommu_group, blockers));
}

void
pp_advice_explain (PpAdvice     *advice,
                   const PpHost *host,
                   GHashTable   *groups)
{
  advice->acs_override_kernel = pp_kernel_has_acs_override (host->kernel_release);
  advice->acs_override_active = acs_override_active (host);

  for (guint i = 0; i < advice->gpus->len; i++)
    {
      PpGpuAdvice *gpu = g_ptr_array_index (advice->gpus, i);

      if (gpu->viable)
        continue;
      if (gpu->blockers->len == 0)
        {
          gpu->why_not_viable = g_strdup (_("It is in no IOMMU group because the IOMMU is off: whether it can be "
                                            "isolated is unknown until the IOMMU is on."));
          continue;
        }
      explain_shared_group (gpu, host);
      add_remedies (gpu, advice, host, groups);
    }
}
