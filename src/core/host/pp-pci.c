/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <pci/pci.h>

#include "pp-host.h"
#include "pp-pci.h"

void
pp_pci_device_free (PpPciDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->address);
  g_free (device->vendor_name);
  g_free (device->device_name);
  g_free (device->class_name);
  g_free (device->driver);
  g_free (device->parent);
  g_free (device->slot_name);
  g_free (device);
}

gboolean
pp_pci_device_is_gpu (const PpPciDevice *device)
{
  return device->class_id == 0x0300 || device->class_id == 0x0302 || device->class_id == 0x0380;
}

gboolean
pp_pci_device_is_bridge (const PpPciDevice *device)
{
  /* Host, ISA, PCI-to-PCI and other bridges: an IOMMU group may hold them
   * next to the GPU without making it unusable, they are never passed through. */
  return (device->class_id >> 8) == 0x06;
}

gboolean
pp_pci_device_same_slot (const PpPciDevice *a,
                         const PpPciDevice *b)
{
  return a->domain == b->domain && a->bus == b->bus && a->slot == b->slot;
}

char *
pp_pci_device_dup_ids (const PpPciDevice *device)
{
  return g_strdup_printf ("%04x:%04x", device->vendor_id, device->device_id);
}

char *
pp_pci_device_dup_class_hex (const PpPciDevice *device)
{
  return g_strdup_printf ("%04x", device->class_id);
}

gboolean
pp_pci_address_is_valid (const char *address)
{
  static const char shape[] = "hhhh:hh:hh.f";

  if (address == NULL || strlen (address) != sizeof shape - 1)
    return FALSE;
  for (gsize i = 0; shape[i]; i++)
    {
      char c = address[i];

      switch (shape[i])
        {
        case 'h':
          if (!g_ascii_isdigit (c) && !(c >= 'a' && c <= 'f'))
            return FALSE;
          break;
        case 'f':
          if (c < '0' || c > '7')
            return FALSE;
          break;
        default:
          if (c != shape[i])
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
pp_pci_parse_address (const char *address,
                      guint      *domain,
                      guint      *bus,
                      guint      *slot,
                      guint      *function)
{
  if (!pp_pci_address_is_valid (address))
    return FALSE;
  return sscanf (address, "%x:%x:%x.%u", domain, bus, slot, function) == 4;
}

/* libpci reports errors through a callback that must not return, and it has
 * no user data: the scan runs under a jump buffer kept per thread. */
static __thread jmp_buf *pp_pci_error_jump;
static __thread char *pp_pci_error_message;
static __thread GPtrArray *pp_pci_warnings;

G_GNUC_NORETURN G_GNUC_PRINTF (1, 2) static void
pp_pci_on_error (char *format, ...)
{
  va_list args;

  va_start (args, format);
  g_free (pp_pci_error_message);
  pp_pci_error_message = g_strdup_vprintf (format, args);
  va_end (args);
  longjmp (*pp_pci_error_jump, 1);
}

G_GNUC_PRINTF (1, 2) static void
pp_pci_on_warning (char *format, ...)
{
  va_list args;

  if (pp_pci_warnings == NULL)
    return;
  va_start (args, format);
  g_ptr_array_add (pp_pci_warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

G_GNUC_PRINTF (1, 2) static void
pp_pci_on_debug (char *format, ...)
{
}

static char *
pp_pci_find_ids_file (const char *root)
{
  static const char *const candidates[] = {
    "usr/share/hwdata/pci.ids",
    "usr/share/misc/pci.ids",
    "usr/share/pci.ids",
  };

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *path = g_build_filename (root, candidates[i], NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  /* The host under --root carries no database: the system's names are the
   * best we have, and are what lspci would print there too. */
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      g_autofree char *path = g_build_filename ("/", candidates[i], NULL);

      if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
        return g_steal_pointer (&path);
    }
  return NULL;
}

static char *
pp_pci_lookup (struct pci_access *pacc,
               int                flags,
               ...)
{
  char buffer[512];
  const char *name;
  va_list args;

  va_start (args, flags);
  /* libpci's lookup is variadic itself; pass the ids through explicitly */
  switch (flags & (PCI_LOOKUP_VENDOR | PCI_LOOKUP_DEVICE | PCI_LOOKUP_CLASS))
    {
    case PCI_LOOKUP_VENDOR:
      {
        int vendor = va_arg (args, int);
        name = pci_lookup_name (pacc, buffer, sizeof buffer, flags, vendor);
        break;
      }
    case PCI_LOOKUP_DEVICE:
      {
        int vendor = va_arg (args, int);
        int device = va_arg (args, int);
        name = pci_lookup_name (pacc, buffer, sizeof buffer, flags, vendor, device);
        break;
      }
    default:
      {
        int class_id = va_arg (args, int);
        name = pci_lookup_name (pacc, buffer, sizeof buffer, flags, class_id);
        break;
      }
    }
  va_end (args);
  return g_strdup (name != NULL ? name : "");
}

static void
pp_pci_device_set_names (PpPciDevice       *device,
                         struct pci_access *pacc)
{
  const int flags = PCI_LOOKUP_NO_HWDB;

  device->vendor_name = pp_pci_lookup (pacc, flags | PCI_LOOKUP_VENDOR, device->vendor_id);
  device->device_name = pp_pci_lookup (pacc, flags | PCI_LOOKUP_DEVICE,
                                       device->vendor_id, device->device_id);
  device->class_name = pp_pci_lookup (pacc, flags | PCI_LOOKUP_CLASS, device->class_id);
}

static gboolean
pp_pci_read_hex_file (const char  *dir,
                      const char  *name,
                      guint64      max,
                      guint64     *value,
                      GError     **error)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;
  char *end = NULL;
  guint64 parsed;

  if (!g_file_get_contents (path, &text, NULL, &local_error))
    {
      g_set_error (error, G_FILE_ERROR, local_error->code, "%s", local_error->message);
      return FALSE;
    }
  g_strstrip (text);
  errno = 0;
  parsed = g_ascii_strtoull (text, &end, 16);
  if (*text == '\0' || errno != 0 || *end != '\0' || parsed > max)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   _("%s: not a hexadecimal number: “%s”"), path, text);
      return FALSE;
    }
  *value = parsed;
  return TRUE;
}

static char *
pp_pci_link_basename (const char *dir,
                      const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *target = g_file_read_link (path, NULL);

  if (target == NULL)
    return NULL;
  return g_path_get_basename (target);
}

/* A driver link into nothing (a driver being unloaded) is no driver: the
 * driver must be registered in DRIVERS_DIR. That is checked once a driver
 * (KNOWN: name -> registered or not), not once a device. */
static char *
pp_pci_read_driver (const char *devdir,
                    const char *drivers_dir,
                    GHashTable *known)
{
  g_autofree char *path = g_build_filename (devdir, "driver", NULL);
  g_autofree char *target = g_file_read_link (path, NULL);
  g_autofree char *name = NULL;
  gpointer registered;

  if (target == NULL)
    return NULL;
  name = g_path_get_basename (target);
  if (!g_hash_table_lookup_extended (known, name, NULL, &registered))
    {
      g_autofree char *driver_dir = g_build_filename (drivers_dir, name, NULL);

      registered = GINT_TO_POINTER (g_file_test (driver_dir, G_FILE_TEST_IS_DIR));
      g_hash_table_insert (known, g_strdup (name), registered);
    }
  return registered ? g_steal_pointer (&name) : NULL;
}

/* The upstream bridge is the last address before the device's own in its
 * real sysfs directory: ../../../devices/pci0000:00/0000:00:01.1/0000:01:00.0 */
static char *
pp_pci_read_parent (const char *devdir)
{
  char target[PATH_MAX];
  gssize length = readlink (devdir, target, sizeof target - 1);
  char *slash;
  const char *parent;

  if (length <= 0)
    return NULL;
  target[length] = '\0';
  slash = strrchr (target, '/');
  if (slash == NULL)
    return NULL;
  *slash = '\0';
  slash = strrchr (target, '/');
  parent = slash != NULL ? slash + 1 : target;
  return pp_pci_address_is_valid (parent) ? g_strdup (parent) : NULL;
}

static void
pp_pci_read_group_and_vga (PpPciDevice *device,
                           const char  *devdir,
                           GPtrArray   *warnings)
{
  g_autofree char *group = NULL;

  if (device->iommu_group == PP_NO_IOMMU_GROUP
      && (group = pp_pci_link_basename (devdir, "iommu_group")) != NULL)
    {
      char *end = NULL;
      guint64 id = g_ascii_strtoull (group, &end, 10);

      if (*group != '\0' && *end == '\0' && id <= G_MAXINT)
        device->iommu_group = (int) id;
      else if (warnings != NULL)
        g_ptr_array_add (warnings,
                         g_strdup_printf (_("%s/iommu_group: “%s” is not a group number"),
                                          devdir, group));
    }

  if (device->class_id == 0x0300)
    {
      guint64 boot_vga = 0;

      if (pp_pci_read_hex_file (devdir, "boot_vga", 1, &boot_vga, NULL))
        device->boot_vga = boot_vga == 1;
    }
}

/* The careful path, for trees libpci gives up on: each device stands alone,
 * a broken one is skipped with a warning that names the file. */
static GPtrArray *
pp_pci_read_devices_one_by_one (const char        *devices_dir,
                                const char        *drivers_dir,
                                GHashTable        *drivers,
                                struct pci_access *pacc,
                                GPtrArray         *warnings,
                                GError           **error)
{
  g_autoptr(GPtrArray) devices = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_pci_device_free);
  g_autoptr(GDir) dir = NULL;
  const char *entry;

  dir = g_dir_open (devices_dir, 0, error);
  if (dir == NULL)
    return NULL;

  while ((entry = g_dir_read_name (dir)) != NULL)
    {
      g_autoptr(PpPciDevice) device = g_new0 (PpPciDevice, 1);
      g_autofree char *devdir = g_build_filename (devices_dir, entry, NULL);
      g_autoptr(GError) local_error = NULL;
      guint64 vendor, device_id, class_id, value;

      if (!pp_pci_parse_address (entry, &device->domain, &device->bus, &device->slot,
                                 &device->function))
        {
          g_ptr_array_add (warnings,
                           g_strdup_printf (_("%s: not a PCI address, skipped"), devdir));
          continue;
        }
      if (!pp_pci_read_hex_file (devdir, "vendor", 0xffff, &vendor, &local_error)
          || !pp_pci_read_hex_file (devdir, "device", 0xffff, &device_id, &local_error)
          || !pp_pci_read_hex_file (devdir, "class", 0xffffff, &class_id, &local_error))
        {
          g_ptr_array_add (warnings,
                           g_strdup_printf (_("%s skipped: %s"), entry, local_error->message));
          continue;
        }
      device->address = g_strdup (entry);
      device->vendor_id = vendor;
      device->device_id = device_id;
      device->class_id = class_id >> 8;
      device->prog_if = class_id & 0xff;
      if (pp_pci_read_hex_file (devdir, "revision", 0xff, &value, NULL))
        device->revision = value;
      if (pp_pci_read_hex_file (devdir, "subsystem_vendor", 0xffff, &value, NULL))
        device->subsys_vendor_id = value;
      if (pp_pci_read_hex_file (devdir, "subsystem_device", 0xffff, &value, NULL))
        device->subsys_device_id = value;
      device->driver = pp_pci_read_driver (devdir, drivers_dir, drivers);
      device->iommu_group = PP_NO_IOMMU_GROUP;
      device->parent = pp_pci_read_parent (devdir);
      pp_pci_read_group_and_vga (device, devdir, warnings);
      pp_pci_device_set_names (device, pacc);
      g_ptr_array_add (devices, g_steal_pointer (&device));
    }

  return g_steal_pointer (&devices);
}

/* libpci reads sysfs values with strtol(), so a garbled file reads as 0
 * rather than failing; values that no real device has get a strict look. */
static gboolean
pp_pci_libpci_values_plausible (struct pci_dev *dev,
                                const char     *devdir,
                                GPtrArray      *warnings)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = NULL;
  guint64 value;

  if (dev->vendor_id != 0 && dev->vendor_id != 0xffff && dev->device_id != 0xffff
      && dev->device_class != 0)
    return TRUE;
  if (pp_pci_read_hex_file (devdir, "vendor", 0xffff, &value, &error)
      && pp_pci_read_hex_file (devdir, "device", 0xffff, &value, &error)
      && pp_pci_read_hex_file (devdir, "class", 0xffffff, &value, &error))
    return TRUE;
  address = g_path_get_basename (devdir);
  g_ptr_array_add (warnings, g_strdup_printf (_("%s skipped: %s"), address, error->message));
  return FALSE;
}

/* One read() of a small sysfs attribute into BUFFER, NUL-terminated. */
static gboolean
pp_pci_read_small_file (const char *path,
                        char       *buffer,
                        gsize       size)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  gssize length;

  if (fd < 0)
    return FALSE;
  length = read (fd, buffer, size - 1);
  close (fd);
  if (length <= 0 || (gsize) length == size - 1)
    return FALSE;
  buffer[length] = '\0';
  return TRUE;
}

static gboolean
pp_pci_parse_hex (const char *text,
                  guint64     max,
                  guint64    *value)
{
  char *end = NULL;

  if (!g_ascii_isxdigit (*text))
    return FALSE;
  errno = 0;
  *value = g_ascii_strtoull (text, &end, 16);
  return errno == 0 && *end == '\0' && *value <= max;
}

static gboolean
pp_pci_parse_id_pair (const char *text,
                      guint16    *first,
                      guint16    *second)
{
  char left[5];
  guint64 a, b;

  if (strlen (text) != 9 || text[4] != ':')
    return FALSE;
  memcpy (left, text, 4);
  left[4] = '\0';
  if (!pp_pci_parse_hex (left, 0xffff, &a) || !pp_pci_parse_hex (text + 5, 0xffff, &b))
    return FALSE;
  *first = a;
  *second = b;
  return TRUE;
}

/* The kernel's uevent file holds a device's ids, subsystem ids and class:
 * one file instead of the five libpci opens for them (vendor, device, class,
 * subsystem_vendor, subsystem_device), with revision the only other one.
 * FALSE when a file is missing, incomplete, garbled or names no plausible
 * device: then libpci reads that device, with its checks and warnings. */
static gboolean
pp_pci_read_uevent_ids (PpPciDevice *device,
                        const char  *devdir)
{
  enum { HAVE_ID = 1, HAVE_SUBSYS = 2, HAVE_CLASS = 4, HAVE_ALL = 7 };
  char path[PATH_MAX];
  char text[2048];
  char *line, *next;
  guint have = 0;
  guint64 value;

  g_snprintf (path, sizeof path, "%s/uevent", devdir);
  if (!pp_pci_read_small_file (path, text, sizeof text))
    return FALSE;
  for (line = text; line != NULL && *line != '\0'; line = next)
    {
      next = strchr (line, '\n');
      if (next != NULL)
        *next++ = '\0';
      if (g_str_has_prefix (line, "PCI_ID=")
          && pp_pci_parse_id_pair (line + 7, &device->vendor_id, &device->device_id))
        have |= HAVE_ID;
      else if (g_str_has_prefix (line, "PCI_SUBSYS_ID=")
               && pp_pci_parse_id_pair (line + 14, &device->subsys_vendor_id,
                                        &device->subsys_device_id))
        have |= HAVE_SUBSYS;
      else if (g_str_has_prefix (line, "PCI_CLASS=")
               && pp_pci_parse_hex (line + 10, 0xffffff, &value))
        {
          device->class_id = value >> 8;
          device->prog_if = value & 0xff;
          have |= HAVE_CLASS;
        }
    }
  if (have != HAVE_ALL || device->vendor_id == 0 || device->vendor_id == 0xffff
      || device->device_id == 0xffff || device->class_id == 0)
    return FALSE;

  g_snprintf (path, sizeof path, "%s/revision", devdir);
  if (!pp_pci_read_small_file (path, text, sizeof text))
    return FALSE;
  g_strchomp (text);
  if (!g_str_has_prefix (text, "0x") || !pp_pci_parse_hex (text + 2, 0xff, &value))
    return FALSE;
  device->revision = value;
  return TRUE;
}

static void
pp_pci_read_devices_with_libpci (const char        *devices_dir,
                                 const char        *drivers_dir,
                                 GHashTable        *drivers,
                                 struct pci_access *pacc,
                                 GPtrArray         *devices,
                                 GPtrArray         *warnings)
{
  /* Not PCI_FILL_DRIVER nor PCI_FILL_IOMMU_GROUP: libpci resolves those links
   * with realpath(), a readlink() per path component (some 30 system calls a
   * device, twice lspci's whole cost); one readlink() each does here. */
  const int fill = PCI_FILL_IDENT | PCI_FILL_CLASS | PCI_FILL_CLASS_EXT | PCI_FILL_SUBSYS;

  pci_scan_bus (pacc);
  for (struct pci_dev *dev = pacc->devices; dev != NULL; dev = dev->next)
    {
      PpPciDevice ids = { 0 };
      PpPciDevice *device;
      char devdir[PATH_MAX];

      g_snprintf (devdir, sizeof devdir, "%s/%04x:%02x:%02x.%u", devices_dir, dev->domain,
                  dev->bus, dev->dev, dev->func);
      if (!pp_pci_read_uevent_ids (&ids, devdir))
        {
          /* nothing of ours is allocated across this call: libpci may longjmp out of it */
          pci_fill_info (dev, fill);
          if (!pp_pci_libpci_values_plausible (dev, devdir, warnings))
            continue;
          ids.vendor_id = dev->vendor_id;
          ids.device_id = dev->device_id;
          ids.class_id = dev->device_class;
          ids.prog_if = dev->prog_if;
          ids.revision = dev->rev_id;
          ids.subsys_vendor_id = dev->subsys_vendor_id;
          ids.subsys_device_id = dev->subsys_id;
        }
      device = g_new0 (PpPciDevice, 1);
      device->domain = dev->domain;
      device->bus = dev->bus;
      device->slot = dev->dev;
      device->function = dev->func;
      device->address = g_strdup_printf ("%04x:%02x:%02x.%u", dev->domain, dev->bus,
                                         dev->dev, dev->func);
      device->vendor_id = ids.vendor_id;
      device->device_id = ids.device_id;
      device->class_id = ids.class_id;
      device->prog_if = ids.prog_if;
      device->revision = ids.revision;
      device->subsys_vendor_id = ids.subsys_vendor_id;
      device->subsys_device_id = ids.subsys_device_id;
      device->driver = pp_pci_read_driver (devdir, drivers_dir, drivers);
      device->iommu_group = PP_NO_IOMMU_GROUP;
      device->parent = pp_pci_read_parent (devdir);
      pp_pci_read_group_and_vga (device, devdir, warnings);
      pp_pci_device_set_names (device, pacc);
      g_ptr_array_add (devices, device);
    }
}

/* libpci gives up on (and leaks over) a devices dir with an entry that is no
 * PCI address; such a tree is read one device at a time instead. */
static gboolean
pp_pci_entries_are_addresses (const char *devices_dir)
{
  g_autoptr(GDir) dir = g_dir_open (devices_dir, 0, NULL);
  const char *entry;

  while (dir != NULL && (entry = g_dir_read_name (dir)) != NULL)
    if (!pp_pci_address_is_valid (entry))
      return FALSE;
  return dir != NULL;
}

static int
pp_pci_device_compare (gconstpointer a,
                       gconstpointer b)
{
  const PpPciDevice *da = *(PpPciDevice * const *) a;
  const PpPciDevice *db = *(PpPciDevice * const *) b;

  return strcmp (da->address, db->address);
}

GPtrArray *
pp_pci_read_devices (const char  *root,
                     GPtrArray   *caller_warnings,
                     GError     **error)
{
  g_autofree char *sysfs = g_build_filename (root, "sys", "bus", "pci", NULL);
  g_autofree char *devices_dir = g_build_filename (sysfs, "devices", NULL);
  g_autofree char *drivers_dir = g_build_filename (sysfs, "drivers", NULL);
  g_autoptr(GHashTable) drivers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *ids_file = pp_pci_find_ids_file (root);
  g_autoptr(GPtrArray) own_warnings = NULL;
  /* volatile: set before setjmp() and read after a longjmp() */
  GPtrArray *volatile devices = NULL;
  GPtrArray *volatile warnings = caller_warnings;
  struct pci_access *pacc;
  jmp_buf jump;

  if (warnings == NULL)
    warnings = own_warnings = g_ptr_array_new_with_free_func (g_free);

  if (!g_file_test (devices_dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PP_HOST_ERROR, PP_HOST_ERROR_NO_SYSFS,
                   _("%s: no PCI devices directory (is sysfs mounted?)"), devices_dir);
      return NULL;
    }
  if (access (devices_dir, R_OK | X_OK) != 0)
    {
      g_set_error (error, PP_HOST_ERROR, PP_HOST_ERROR_NO_SYSFS,
                   _("%s: cannot read: %s"), devices_dir, g_strerror (errno));
      return NULL;
    }

  pacc = pci_alloc ();
  pacc->error = pp_pci_on_error;
  pacc->warning = pp_pci_on_warning;
  pacc->debug = pp_pci_on_debug;
  pacc->method = PCI_ACCESS_SYS_BUS_PCI;
  pp_pci_error_jump = &jump;
  pp_pci_warnings = warnings;

  pci_set_param (pacc, (char *) "sysfs.path", sysfs);
  /* names from pci.ids alone: udev's hwdb describes this machine, not the root */
  pci_set_param (pacc, (char *) "hwdb.disable", (char *) "1");
  if (ids_file != NULL)
    pci_set_name_list_path (pacc, ids_file, 0);

  if (!pp_pci_entries_are_addresses (devices_dir))
    {
      if (setjmp (jump) == 0)
        devices = pp_pci_read_devices_one_by_one (devices_dir, drivers_dir, drivers, pacc, warnings, error);
      else
        g_set_error (error, PP_HOST_ERROR, PP_HOST_ERROR_PCI, "libpci: %s", pp_pci_error_message);
      g_clear_pointer (&pp_pci_error_message, g_free);
    }
  else if (setjmp (jump) == 0)
    {
      pci_init (pacc);
      devices = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_pci_device_free);
      pp_pci_read_devices_with_libpci (devices_dir, drivers_dir, drivers, pacc, devices, warnings);
    }
  else
    {
      g_autoptr(GError) local_error = NULL;

      g_clear_pointer ((GPtrArray **) &devices, g_ptr_array_unref);
      /* libpci stops at the first unreadable device; read the rest one by one */
      g_ptr_array_add (warnings, g_strdup_printf (_("libpci: %s"), pp_pci_error_message));
      g_clear_pointer (&pp_pci_error_message, g_free);
      if (setjmp (jump) == 0)
        devices = pp_pci_read_devices_one_by_one (devices_dir, drivers_dir, drivers, pacc, warnings, &local_error);
      if (devices == NULL)
        g_set_error (error, PP_HOST_ERROR, PP_HOST_ERROR_PCI, "%s",
                     local_error != NULL ? local_error->message : pp_pci_error_message);
      g_clear_pointer (&pp_pci_error_message, g_free);
    }

  pci_cleanup (pacc);
  pp_pci_error_jump = NULL;
  pp_pci_warnings = NULL;

  if (devices != NULL)
    g_ptr_array_sort (devices, pp_pci_device_compare);
  return devices;
}
