/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "pp-host-files.h"
#include "pp-host.h"

G_DEFINE_QUARK (pp-host-error-quark, pp_host_error)

static void
pp_kernel_param_free (PpKernelParam *param)
{
  g_free (param->key);
  g_free (param->value);
  g_free (param);
}

static void
pp_iommu_group_free (PpIommuGroup *group)
{
  g_ptr_array_unref (group->devices);
  g_free (group);
}

void
pp_host_free (PpHost *host)
{
  if (host == NULL)
    return;
  g_free (host->root);
  g_free (host->cpu_model);
  g_free (host->kernel_release);
  g_free (host->cmdline);
  g_clear_pointer (&host->cmdline_params, g_ptr_array_unref);
  g_free (host->os_id);
  g_free (host->os_id_like);
  g_free (host->os_name);
  g_clear_pointer (&host->groups, g_ptr_array_unref);
  g_clear_pointer (&host->ungrouped, g_ptr_array_unref);
  g_clear_pointer (&host->by_address, g_hash_table_unref);
  g_clear_pointer (&host->devices, g_ptr_array_unref);
  g_clear_pointer (&host->warnings, g_ptr_array_unref);
  g_free (host);
}

char *
pp_host_path (const PpHost *host,
              const char   *host_path)
{
  return g_build_filename (host->root, host_path, NULL);
}

static gboolean
pp_host_exists (const PpHost *host,
                const char   *host_path)
{
  g_autofree char *path = pp_host_path (host, host_path);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Reads a small host file; a missing one is normal (NULL, no warning), an
 * unreadable one is worth a warning. */
static char *
pp_host_read_text (PpHost     *host,
                   const char *host_path)
{
  g_autofree char *path = pp_host_path (host, host_path);
  g_autoptr(GError) error = NULL;
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, &error))
    {
      if (!g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_ptr_array_add (host->warnings, g_strdup (error->message));
      return NULL;
    }
  return text;
}

static gboolean
pp_cpu_flags_have (const char *flags,
                   const char *flag)
{
  g_auto(GStrv) words = g_strsplit_set (flags, " \t", -1);

  return g_strv_contains ((const char * const *) words, flag);
}

static void
pp_host_read_cpu (PpHost *host)
{
  g_autofree char *cpuinfo = pp_host_read_text (host, "/proc/cpuinfo");
  g_auto(GStrv) lines = NULL;
  gboolean seen_flags = FALSE;

  host->cpu_vendor = PP_CPU_VENDOR_OTHER;
  if (cpuinfo == NULL)
    {
      g_ptr_array_add (host->warnings, g_strdup (_("/proc/cpuinfo: not readable, CPU unknown")));
      return;
    }

  lines = g_strsplit (cpuinfo, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');
      g_autofree char *key = NULL;
      const char *value;

      if (colon == NULL)
        continue;
      key = g_strstrip (g_strndup (lines[i], colon - lines[i]));
      value = colon + 1;
      while (*value == ' ' || *value == '\t')
        value++;

      if (strcmp (key, "vendor_id") == 0 && host->cpu_vendor == PP_CPU_VENDOR_OTHER)
        {
          if (g_str_has_prefix (value, "GenuineIntel"))
            host->cpu_vendor = PP_CPU_VENDOR_INTEL;
          else if (g_str_has_prefix (value, "AuthenticAMD") || g_str_has_prefix (value, "HygonGenuine"))
            host->cpu_vendor = PP_CPU_VENDOR_AMD;
        }
      else if (strcmp (key, "model name") == 0 && host->cpu_model == NULL)
        host->cpu_model = g_strdup (value);
      else if (strcmp (key, "flags") == 0 && !seen_flags)
        {
          seen_flags = TRUE;
          host->cpu_virtualization = pp_cpu_flags_have (value, "vmx") || pp_cpu_flags_have (value, "svm");
        }
    }
}

static gboolean
pp_kernel_key_equal (const char *a,
                     const char *b)
{
  for (; *a && *b; a++, b++)
    {
      char ca = *a == '-' ? '_' : *a;
      char cb = *b == '-' ? '_' : *b;

      if (ca != cb)
        return FALSE;
    }
  return *a == *b;
}

static void
pp_host_parse_cmdline (PpHost *host)
{
  const char *p = host->cmdline;

  while (*p)
    {
      GString *word = g_string_new (NULL);
      gboolean quoted = FALSE;
      PpKernelParam *param;
      char *eq;

      while (*p == ' ' || *p == '\t' || *p == '\n')
        p++;
      if (*p == '\0')
        {
          g_string_free (word, TRUE);
          break;
        }
      /* As the kernel reads it: double quotes group spaces and are dropped */
      for (; *p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n')); p++)
        {
          if (*p == '"')
            quoted = !quoted;
          else
            g_string_append_c (word, *p);
        }
      param = g_new0 (PpKernelParam, 1);
      eq = strchr (word->str, '=');
      if (eq != NULL)
        {
          param->key = g_strndup (word->str, eq - word->str);
          param->value = g_strdup (eq + 1);
        }
      else
        param->key = g_strdup (word->str);
      g_string_free (word, TRUE);
      g_ptr_array_add (host->cmdline_params, param);
    }
}

const char *
pp_host_cmdline_value (const PpHost *host,
                       const char   *key)
{
  for (guint i = host->cmdline_params->len; i > 0; i--)
    {
      PpKernelParam *param = g_ptr_array_index (host->cmdline_params, i - 1);

      if (pp_kernel_key_equal (param->key, key))
        return param->value != NULL ? param->value : "";
    }
  return NULL;
}

static char *
pp_module_name_from_path (const char *line)
{
  g_autofree char *base = g_path_get_basename (line);
  char *dot = strstr (base, ".ko");

  if (dot != NULL)
    *dot = '\0';
  g_strdelimit (base, "-", '_');
  return g_steal_pointer (&base);
}

static void
pp_host_read_kernel_release (PpHost *host)
{
  g_autofree char *release = pp_host_read_text (host, "/proc/sys/kernel/osrelease");

  if (release == NULL)
    return;
  g_strstrip (release);
  if (*release != '\0' && strchr (release, '/') == NULL && g_utf8_validate (release, -1, NULL))
    host->kernel_release = g_steal_pointer (&release);
}

static GHashTable *
pp_host_read_builtin_modules (PpHost *host)
{
  GHashTable *builtin = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *release = host->kernel_release;
  static const char *const prefixes[] = { "/lib/modules", "/usr/lib/modules" };

  if (release == NULL)
    return builtin;

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *path = g_build_filename (prefixes[i], release, "modules.builtin", NULL);
      g_autofree char *text = pp_host_read_text (host, path);
      g_auto(GStrv) lines = NULL;

      if (text == NULL)
        continue;
      lines = g_strsplit (text, "\n", -1);
      for (guint j = 0; lines[j] != NULL; j++)
        if (*g_strstrip (lines[j]) != '\0')
          g_hash_table_add (builtin, pp_module_name_from_path (lines[j]));
      break;
    }
  return builtin;
}

static PpModuleState
pp_host_module_state (PpHost     *host,
                      GHashTable *builtin,
                      const char *name)
{
  g_autofree char *dir = g_build_filename ("/sys/module", name, NULL);
  g_autofree char *initstate = g_build_filename (dir, "initstate", NULL);

  /* A loadable module has an initstate; a built-in one may have a dir for its
   * parameters but never an initstate. */
  if (pp_host_exists (host, initstate))
    return PP_MODULE_LOADED;
  if (g_hash_table_contains (builtin, name) || pp_host_exists (host, dir))
    return PP_MODULE_BUILTIN;
  return PP_MODULE_ABSENT;
}

static void
pp_host_read_modules (PpHost *host)
{
  g_autoptr(GHashTable) builtin = pp_host_read_builtin_modules (host);

  host->mod_vfio = pp_host_module_state (host, builtin, "vfio");
  host->mod_vfio_pci = pp_host_module_state (host, builtin, "vfio_pci");
  host->mod_vfio_iommu_type1 = pp_host_module_state (host, builtin, "vfio_iommu_type1");
  host->mod_vendor_reset = pp_host_module_state (host, builtin, "vendor_reset");
}

static char *
pp_os_release_value (const char *line,
                     const char *key)
{
  gsize key_len = strlen (key);
  g_autofree char *value = NULL;
  char *unquoted;

  if (strncmp (line, key, key_len) != 0 || line[key_len] != '=')
    return NULL;
  value = g_strstrip (g_strdup (line + key_len + 1));
  unquoted = g_shell_unquote (value, NULL);
  return unquoted != NULL ? unquoted : g_steal_pointer (&value);
}

static void
pp_host_read_os_release (PpHost *host)
{
  g_autofree char *text = pp_host_read_text (host, "/etc/os-release");
  g_auto(GStrv) lines = NULL;
  g_autofree char *name = NULL;
  g_autofree char *pretty = NULL;

  if (text == NULL)
    text = pp_host_read_text (host, "/usr/lib/os-release");
  if (text == NULL)
    return;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *value;

      if ((value = pp_os_release_value (lines[i], "ID")) != NULL)
        g_free (host->os_id), host->os_id = value;
      else if ((value = pp_os_release_value (lines[i], "ID_LIKE")) != NULL)
        g_free (host->os_id_like), host->os_id_like = value;
      else if ((value = pp_os_release_value (lines[i], "NAME")) != NULL)
        g_free (name), name = value;
      else if ((value = pp_os_release_value (lines[i], "PRETTY_NAME")) != NULL)
        g_free (pretty), pretty = value;
    }
  host->os_name = pretty != NULL ? g_steal_pointer (&pretty) : g_steal_pointer (&name);
}

static int
pp_compare_group_ids (gconstpointer a,
                      gconstpointer b)
{
  const PpIommuGroup *ga = *(PpIommuGroup * const *) a;
  const PpIommuGroup *gb = *(PpIommuGroup * const *) b;

  return (ga->id > gb->id) - (ga->id < gb->id);
}

static int
pp_compare_device_addresses (gconstpointer a,
                             gconstpointer b)
{
  const PpPciDevice *da = *(PpPciDevice * const *) a;
  const PpPciDevice *db = *(PpPciDevice * const *) b;

  return strcmp (da->address, db->address);
}

static PpIommuGroup *
pp_host_ensure_group (PpHost     *host,
                      GHashTable *by_id,
                      int         id)
{
  PpIommuGroup *group = g_hash_table_lookup (by_id, GINT_TO_POINTER (id));

  if (group == NULL)
    {
      group = g_new0 (PpIommuGroup, 1);
      group->id = id;
      group->devices = g_ptr_array_new ();
      g_hash_table_insert (by_id, GINT_TO_POINTER (id), group);
      g_ptr_array_add (host->groups, group);
    }
  return group;
}

/* The kernel's iommu_groups directory is the authority on membership; a
 * device's own iommu_group link only fills in what that directory misses. */
static void
pp_host_read_groups (PpHost *host)
{
  g_autofree char *groups_dir = pp_host_path (host, "/sys/kernel/iommu_groups");
  g_autoptr(GHashTable) by_address = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) by_id = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) placed = g_hash_table_new (NULL, NULL);
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  const char *name;

  for (guint i = 0; i < host->devices->len; i++)
    {
      PpPciDevice *device = g_ptr_array_index (host->devices, i);
      g_hash_table_insert (by_address, device->address, device);
    }

  dir = g_dir_open (groups_dir, 0, &error);
  if (dir == NULL && !g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
    g_ptr_array_add (host->warnings, g_strdup (error->message));

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *members_dir = NULL;
      g_autoptr(GDir) members = NULL;
      g_autoptr(GError) members_error = NULL;
      const char *member;
      char *end = NULL;
      guint64 id = g_ascii_strtoull (name, &end, 10);

      if (!g_ascii_isdigit (*name) || *end != '\0' || id > G_MAXINT)
        {
          g_ptr_array_add (host->warnings,
                           g_strdup_printf (_("%s/%s: not an IOMMU group number, skipped"),
                                            groups_dir, name));
          continue;
        }
      members_dir = g_build_filename (groups_dir, name, "devices", NULL);
      members = g_dir_open (members_dir, 0, &members_error);
      if (members == NULL)
        {
          g_ptr_array_add (host->warnings, g_strdup (members_error->message));
          continue;
        }
      while ((member = g_dir_read_name (members)) != NULL)
        {
          PpPciDevice *device;

          /* mediated devices (UUIDs) and other non-PCI members are not ours to show */
          if (!pp_pci_address_is_valid (member))
            continue;
          device = g_hash_table_lookup (by_address, member);
          if (device == NULL)
            {
              g_ptr_array_add (host->warnings,
                               g_strdup_printf (_("IOMMU group %s lists %s, which is not on the PCI bus"),
                                                name, member));
              continue;
            }
          if (device->iommu_group != PP_NO_IOMMU_GROUP && device->iommu_group != (int) id)
            g_ptr_array_add (host->warnings,
                             g_strdup_printf (_("%s links to IOMMU group %d but group %s lists it"),
                                              member, device->iommu_group, name));
          device->iommu_group = (int) id;
          g_ptr_array_add (pp_host_ensure_group (host, by_id, (int) id)->devices, device);
          g_hash_table_add (placed, device);
        }
    }

  for (guint i = 0; i < host->devices->len; i++)
    {
      PpPciDevice *device = g_ptr_array_index (host->devices, i);

      if (g_hash_table_contains (placed, device))
        continue;
      if (device->iommu_group != PP_NO_IOMMU_GROUP)
        {
          if (!g_hash_table_contains (by_id, GINT_TO_POINTER (device->iommu_group)))
            g_ptr_array_add (host->warnings,
                             g_strdup_printf (_("%s links to IOMMU group %d, which %s does not list"),
                                              device->address, device->iommu_group, groups_dir));
          g_ptr_array_add (pp_host_ensure_group (host, by_id, device->iommu_group)->devices, device);
        }
      else
        g_ptr_array_add (host->ungrouped, device);
    }

  g_ptr_array_sort (host->groups, pp_compare_group_ids);
  for (guint i = 0; i < host->groups->len; i++)
    {
      PpIommuGroup *group = g_ptr_array_index (host->groups, i);
      g_ptr_array_sort (group->devices, pp_compare_device_addresses);
    }
}

/* A bridge's secondary bus: that of a device behind it, else byte 0x19 of
 * its config space (in the first 64 bytes, which anyone may read) */
static int
pp_host_secondary_bus (PpHost            *host,
                       const PpPciDevice *bridge)
{
  g_autofree char *rel = g_strdup_printf ("/sys/bus/pci/devices/%s/config", bridge->address);
  g_autofree char *path = pp_host_path (host, rel);
  guint8 header[0x1a];
  gssize length;
  int fd;

  for (guint i = 0; i < host->devices->len; i++)
    {
      const PpPciDevice *device = g_ptr_array_index (host->devices, i);

      if (g_strcmp0 (device->parent, bridge->address) == 0)
        return device->bus;
    }
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  length = read (fd, header, sizeof header);
  close (fd);
  return length == sizeof header ? header[0x19] : -1;
}

/* The bridge a slot of /sys/bus/pci/slots belongs to. Its address is
 * DDDD:BB:SS: the bus behind a hot-plug port (device 00), or where
 * firmware put the port itself (an ACPI slot). */
static PpPciDevice *
pp_host_slot_bridge (PpHost     *host,
                     const char *address)
{
  guint domain, bus, slot;
  char end;

  if (sscanf (address, "%4x:%2x:%2x%c", &domain, &bus, &slot, &end) != 3)
    return NULL;
  for (guint i = 0; i < host->devices->len; i++)
    {
      PpPciDevice *device = g_ptr_array_index (host->devices, i);

      if (device->class_id == 0x0604 && device->domain == domain && slot == 0
          && pp_host_secondary_bus (host, device) == (int) bus)
        return device;
    }
  for (guint i = 0; i < host->devices->len; i++)
    {
      PpPciDevice *device = g_ptr_array_index (host->devices, i);

      if (device->class_id == 0x0604 && device->domain == domain && device->bus == bus && device->slot == slot)
        return device;
    }
  return NULL;
}

static void
pp_host_read_slots (PpHost *host)
{
  g_autofree char *slots_dir = pp_host_path (host, "/sys/bus/pci/slots");
  g_autoptr(GDir) dir = g_dir_open (slots_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *rel = g_build_filename ("/sys/bus/pci/slots", name, "address", NULL);
      g_autofree char *address = pp_host_read_text (host, rel);
      PpPciDevice *bridge;

      if (address == NULL || !g_utf8_validate (name, -1, NULL))
        continue;
      bridge = pp_host_slot_bridge (host, g_strstrip (address));
      if (bridge != NULL && bridge->slot_name == NULL)
        bridge->slot_name = g_strdup (name);
    }
}

PpHost *
pp_host_read (const char  *root,
              GError     **error)
{
  g_autoptr(PpHost) host = g_new0 (PpHost, 1);
  g_autofree char *cmdline = NULL;

  if (root == NULL || *root == '\0')
    root = "/";
  if (!g_file_test (root, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PP_HOST_ERROR, PP_HOST_ERROR_NO_ROOT,
                   _("%s: no such directory"), root);
      return NULL;
    }
  host->root = g_canonicalize_filename (root, NULL);
  host->warnings = g_ptr_array_new_with_free_func (g_free);
  host->cmdline_params = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_kernel_param_free);
  host->groups = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_iommu_group_free);
  host->ungrouped = g_ptr_array_new ();

  host->devices = pp_pci_read_devices (host->root, host->warnings, error);
  if (host->devices == NULL)
    return NULL;

  host->by_address = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < host->devices->len; i++)
    {
      PpPciDevice *device = g_ptr_array_index (host->devices, i);

      g_hash_table_insert (host->by_address, device->address, device);
    }
  pp_host_read_slots (host);

  pp_host_read_cpu (host);
  pp_host_read_kernel_release (host);
  cmdline = pp_host_read_text (host, "/proc/cmdline");
  host->cmdline = g_strstrip (cmdline != NULL ? g_steal_pointer (&cmdline) : g_strdup (""));
  pp_host_parse_cmdline (host);
  pp_host_read_modules (host);
  host->uefi = pp_host_exists (host, "/sys/firmware/efi");
  pp_host_read_os_release (host);
  pp_host_read_groups (host);

  return g_steal_pointer (&host);
}

gboolean
pp_host_iommu_enabled (const PpHost *host)
{
  return host->groups->len > 0;
}

PpPciDevice *
pp_host_find_device (const PpHost *host,
                     const char   *address)
{
  if (address == NULL)
    return NULL;
  return g_hash_table_lookup (host->by_address, address);
}

PpPciDevice *
pp_host_find_parent (const PpHost      *host,
                     const PpPciDevice *device)
{
  return pp_host_find_device (host, device->parent);
}

gboolean
pp_host_is_behind (const PpHost      *host,
                   const PpPciDevice *device,
                   const PpPciDevice *ancestor)
{
  /* bounded: a malformed tree may not loop us forever */
  for (guint depth = 0; device != NULL && depth < 64; depth++)
    {
      device = pp_host_find_parent (host, device);
      if (device == ancestor)
        return device != NULL;
    }
  return FALSE;
}

PpIommuGroup *
pp_host_find_group (const PpHost *host,
                    int           id)
{
  for (guint i = 0; i < host->groups->len; i++)
    {
      PpIommuGroup *group = g_ptr_array_index (host->groups, i);

      if (group->id == id)
        return group;
    }
  return NULL;
}

gboolean
pp_host_read_reset_methods (const PpHost       *host,
                            const PpPciDevice  *device,
                            GStrv              *methods,
                            GError            **error)
{
  g_autofree char *host_path = g_strdup_printf ("/sys/bus/pci/devices/%s/reset_method", device->address);
  g_autofree char *text = NULL;
  g_autoptr(GStrvBuilder) words = NULL;
  g_auto(GStrv) parts = NULL;

  *methods = NULL;
  if (!pp_host_read_file (host, host_path, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  words = g_strv_builder_new ();
  parts = g_strsplit_set (text, " \t\n", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (words, parts[i]);
  *methods = g_strv_builder_end (words);
  return TRUE;
}

const char *
pp_cpu_vendor_to_string (PpCpuVendor vendor)
{
  switch (vendor)
    {
    case PP_CPU_VENDOR_INTEL: return "intel";
    case PP_CPU_VENDOR_AMD:   return "amd";
    case PP_CPU_VENDOR_OTHER:
    default:                  return "other";
    }
}

const char *
pp_module_state_to_string (PpModuleState state)
{
  switch (state)
    {
    case PP_MODULE_LOADED:  return "loaded";
    case PP_MODULE_BUILTIN: return "builtin";
    case PP_MODULE_ABSENT:
    default:                return "absent";
    }
}
