/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PP_NO_IOMMU_GROUP (-1)

/* One PCI function as the host shows it. Names come from pci.ids through libpci
 * and are never NULL (libpci falls back to "Device 1b80" style text). */
typedef struct
{
  char    *address;        /* "0000:01:00.0" */
  guint    domain;
  guint    bus;
  guint    slot;
  guint    function;
  guint16  vendor_id;
  guint16  device_id;
  guint16  subsys_vendor_id;
  guint16  subsys_device_id;
  guint16  class_id;       /* base class << 8 | subclass, e.g. 0x0300 */
  guint8   prog_if;
  guint8   revision;
  char    *vendor_name;
  char    *device_name;
  char    *class_name;
  char    *driver;         /* bound driver or NULL */
  gboolean boot_vga;
  int      iommu_group;    /* PP_NO_IOMMU_GROUP when the device has none */
  char    *parent;         /* the upstream bridge's address (sysfs nesting), NULL on a root bus */
  char    *slot_name;      /* a bridge: the physical slot behind it (/sys/bus/pci/slots), or NULL */
} PpPciDevice;

void         pp_pci_device_free          (PpPciDevice       *device);
gboolean     pp_pci_device_is_gpu        (const PpPciDevice *device);
gboolean     pp_pci_device_is_bridge     (const PpPciDevice *device);
gboolean     pp_pci_device_same_slot     (const PpPciDevice *a,
                                          const PpPciDevice *b);
/* "10de:1b80" */
char        *pp_pci_device_dup_ids       (const PpPciDevice *device);
/* "0300" */
char        *pp_pci_device_dup_class_hex (const PpPciDevice *device);

gboolean     pp_pci_address_is_valid     (const char *address);

/* Reads every PCI function under ROOT/sys/bus/pci through libpci's sysfs method,
 * with names from ROOT's pci.ids when ROOT carries one (usr/share/hwdata/pci.ids or
 * usr/share/misc/pci.ids), else the system's. Devices that cannot be read are
 * skipped and described in @warnings (strings). Sorted by address. */
GPtrArray   *pp_pci_read_devices         (const char  *root,
                                          GPtrArray   *warnings,
                                          GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpPciDevice, pp_pci_device_free)

G_END_DECLS
