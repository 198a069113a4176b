/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-pci.h"

G_BEGIN_DECLS

#define PP_HOST_ERROR (pp_host_error_quark ())

typedef enum
{
  PP_HOST_ERROR_NO_ROOT,       /* the root dir does not exist */
  PP_HOST_ERROR_NO_SYSFS,      /* ROOT/sys/bus/pci missing or unreadable */
  PP_HOST_ERROR_PCI,           /* libpci failed */
  PP_HOST_ERROR_UNREADABLE,    /* a file or directory exists but cannot be read */
  PP_HOST_ERROR_MALFORMED,     /* it was read but is not in the form it must have */
} PpHostError;

typedef enum
{
  PP_CPU_VENDOR_OTHER,
  PP_CPU_VENDOR_INTEL,
  PP_CPU_VENDOR_AMD,
} PpCpuVendor;

typedef enum
{
  PP_MODULE_ABSENT,
  PP_MODULE_LOADED,            /* loadable module, loaded now */
  PP_MODULE_BUILTIN,           /* built into the kernel */
} PpModuleState;

typedef struct
{
  int        id;
  GPtrArray *devices;          /* PpPciDevice*, borrowed from PpHost.devices, by address */
} PpIommuGroup;

typedef struct
{
  char         *key;           /* "vfio-pci.ids" */
  char         *value;         /* "10de:1b80" or NULL for a bare flag ("quiet") */
} PpKernelParam;

typedef struct
{
  char          *root;         /* "/" or the --root dir, absolute */

  PpCpuVendor    cpu_vendor;
  char          *cpu_model;    /* "model name" of the first processor, or NULL */
  gboolean       cpu_virtualization; /* vmx or svm flag */

  char          *kernel_release; /* /proc/sys/kernel/osrelease ("6.6.8-zen1-1-zen"), or NULL */
  char          *cmdline;      /* /proc/cmdline, stripped */
  GPtrArray     *cmdline_params; /* PpKernelParam* */

  PpModuleState  mod_vfio;
  PpModuleState  mod_vfio_pci;
  PpModuleState  mod_vfio_iommu_type1;
  PpModuleState  mod_vendor_reset; /* gnif/vendor-reset, for AMD cards that reset badly */

  gboolean       uefi;
  char          *os_id;        /* os-release ID, "arch", or NULL */
  char          *os_id_like;   /* os-release ID_LIKE or NULL */
  char          *os_name;      /* os-release PRETTY_NAME or NAME, or NULL */

  GPtrArray     *devices;      /* PpPciDevice*, owned, by address */
  GPtrArray     *groups;       /* PpIommuGroup*, owned, by id */
  GPtrArray     *ungrouped;    /* PpPciDevice*, borrowed */
  GPtrArray     *warnings;     /* char*: what was skipped and why */
  GHashTable    *by_address;   /* address -> PpPciDevice*, borrowed */
} PpHost;

GQuark         pp_host_error_quark        (void);

/* Reads the whole host under @root ("/" when NULL). Fails only when there is no
 * PCI bus to read at all; anything odd below that becomes a warning. */
PpHost        *pp_host_read               (const char *root,
                                           GError    **error);
void           pp_host_free               (PpHost *host);

gboolean       pp_host_iommu_enabled      (const PpHost *host);
PpPciDevice   *pp_host_find_device        (const PpHost *host,
                                           const char   *address);
PpIommuGroup  *pp_host_find_group         (const PpHost *host,
                                           int           id);
/* The bridge @device sits behind, or NULL on a root bus */
PpPciDevice   *pp_host_find_parent        (const PpHost      *host,
                                           const PpPciDevice *device);
/* Whether @ancestor is a bridge somewhere above @device */
gboolean       pp_host_is_behind          (const PpHost      *host,
                                           const PpPciDevice *device,
                                           const PpPciDevice *ancestor);
/* The value of the last KEY= on the kernel command line ("on"), "" for a bare
 * flag, NULL when absent. Dash and underscore are the same in KEY, as in the kernel. */
const char    *pp_host_cmdline_value      (const PpHost *host,
                                           const char   *key);
/* The reset methods the kernel lists for @device in its reset_method file
 * (Linux 5.15 and newer), in the kernel's order: TRUE with *@methods NULL
 * when the kernel has no such file for it, an empty vector when it is empty
 * (resetting turned off). FALSE when the file is there but unreadable. */
gboolean       pp_host_read_reset_methods (const PpHost       *host,
                                           const PpPciDevice  *device,
                                           GStrv              *methods,
                                           GError            **error);
/* ROOT + host path, for reading the host's files */
char          *pp_host_path               (const PpHost *host,
                                           const char   *host_path);

const char    *pp_cpu_vendor_to_string    (PpCpuVendor   vendor);   /* "intel" */
const char    *pp_module_state_to_string  (PpModuleState state);    /* "builtin" */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpHost, pp_host_free)

G_END_DECLS
