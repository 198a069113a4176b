/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-host.h"

G_BEGIN_DECLS

/* VFIO configuration made before PassthroughPrep, by hand or by another
 * tool, where the host's tools read it. */

typedef enum
{
  PP_EARLIER_VFIO_OPTIONS,     /* modprobe.d: options vfio-pci ... (ids=...) */
  PP_EARLIER_VFIO_SOFTDEP,     /* modprobe.d: softdep DRIVER pre: vfio-pci */
  PP_EARLIER_VFIO_INSTALL,     /* modprobe.d: install vfio-pci COMMAND, which replaces loading it */
  PP_EARLIER_VFIO_BLACKLIST,   /* modprobe.d: blacklist vfio_pci */
  PP_EARLIER_VFIO_MODULES,     /* a modules file line: vfio_pci ids=... (initramfs-tools, /etc/modules) */
  PP_EARLIER_VFIO_DRACUT,      /* dracut: vfio drivers, rd.driver.pre or ids in kernel_cmdline */
  PP_EARLIER_VFIO_MKINITCPIO,  /* mkinitcpio: vfio in MODULES or HOOKS */
  PP_EARLIER_VFIO_CMDLINE,     /* vfio-pci.ids= or pci-stub.ids= on a kernel command line */
} PpEarlierVfioKind;

typedef struct
{
  PpEarlierVfioKind  kind;
  char              *path;     /* host path */
  guint              line;     /* 1-based */
  char              *text;     /* the command or line as read, blanks squeezed */
  char              *ids;      /* the IDs it binds ("10de:1b80,10de:10f0"), or NULL */
  gboolean           stub;     /* it binds to pci-stub, not vfio-pci */
  gboolean           continued;/* the command goes on over several lines (backslashes) */
} PpEarlierVfio;

void        pp_earlier_vfio_free           (PpEarlierVfio *item);
/* "modprobe-options", "modprobe-softdep", "modprobe-install",
 * "modprobe-blacklist", "modules", "dracut", "mkinitcpio", "kernel-cmdline" */
const char *pp_earlier_vfio_kind_to_string (PpEarlierVfioKind kind);

/* Every place (PpEarlierVfio*) that loads, binds or blocks vfio-pci outside
 * PassthroughPrep's own files: modprobe.d (the first of a name across
 * /etc, /run, /usr/local/lib, /usr/lib and /lib, as kmod reads them),
 * /etc/initramfs-tools/modules and /etc/modules, dracut and mkinitcpio
 * configuration, and the files boot managers build command lines from (the
 * command line in effect is the host's cmdline). Once a reservation is applied (our modprobe.d file exists),
 * only what disagrees with it is listed. A configuration file that exists
 * but cannot be read is an error; a boot manager's file that cannot be read
 * is left out (the plan reports it where it needs it). */
GPtrArray  *pp_host_find_earlier_vfio      (const PpHost  *host,
                                            GError       **error);

/* Whether two ID lists name the same vendor:device pairs (case, order,
 * subsystem fields and repeats aside) */
gboolean    pp_vfio_ids_same               (const char    *a,
                                            const char    *b);
/* Whether the list @ids names vendor:device @id */
gboolean    pp_vfio_ids_contain            (const char    *ids,
                                            const char    *id);

G_END_DECLS
