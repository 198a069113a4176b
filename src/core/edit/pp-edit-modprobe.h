/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-edit.h"
#include "pp-pci.h"

G_BEGIN_DECLS

#define PP_MODPROBE_FILE "/etc/modprobe.d/passthrough-prep-vfio.conf"
#define PP_DRACUT_FILE   "/etc/dracut.conf.d/passthrough-prep-vfio.conf"
/* The line of our modprobe.d file in boot-entry mode: Readiness reads it */
#define PP_MODPROBE_BOOT_ENTRY_NOTE "# The IDs or addresses are on the command line of the Passthrough boot entries only."
#define PP_VFIO_ADDRESSES_BOOT_ENTRY_NOTE \
  "# The addresses are on the command line of the Passthrough boot entries only."

/* One command of a modprobe.d file ("options vfio-pci ids=..."), continuation
 * lines joined, comments dropped. */
typedef struct
{
  guint  line;
  char **words;
} PpModprobeCommand;

void        pp_modprobe_command_free     (PpModprobeCommand *command);
/* PpModprobeCommand*; never fails: modprobe ignores what it cannot read */
GPtrArray  *pp_modprobe_parse            (const char *text);

/* Whether @name may go into a modprobe.d line as a module name:
 * ^[A-Za-z0-9_-]{1,64}$ (a driver name read from sysfs is not trusted to) */
gboolean    pp_modprobe_name_is_valid    (const char *name);

/* The modules that may bind @device before vfio-pci can: its driver now and
 * the usual ones for its vendor and class. Appended to @modules (char*,
 * module names with underscores), skipping ones already there. Fails
 * (PP_EDIT_ERROR_UNSUPPORTED, naming the device) when its driver's name is
 * not a module name. */
gboolean    pp_modprobe_competing_modules (const PpPciDevice *device,
                                           GPtrArray         *modules,
                                           GError           **error);

/* The whole text of our modprobe.d file: @ids NULL: no options line;
 * @bind_script: bound by address, an install line runs it each time modprobe
 * loads vfio-pci, just before it does; @boot_entry: a note that the IDs or
 * addresses are on the Passthrough boot entries' command line only. Every
 * softdep module must be valid (pp_modprobe_name_is_valid). */
char       *pp_modprobe_render           (const char         *gpu_address,
                                          const char * const *ids,
                                          const char         *bind_script,
                                          gboolean            boot_entry,
                                          const char * const *softdep_modules);

/* The file of functions the bind script hands to vfio-pci: a comment, then
 * ADDRESS@VENDOR:DEVICE for each of @reserve (PpPciDevice*), one a line;
 * @reserve NULL (boot-entry mode): none, a note that they are on the
 * Passthrough boot entries' command line */
char       *pp_vfio_addresses_render     (const char         *gpu_address,
                                          const char         *bind_script,
                                          GPtrArray          *reserve);

/* @text with every "ids=..." word taken out of the command on line @line
 * (1-based, one line, no continuation), and the whole line when nothing
 * but "options MODULE" is left. NULL when that line has no ids=. */
char       *pp_modprobe_drop_ids         (const char *text,
                                          guint       line);

/* Warnings for other modprobe.d files (PpTextFile*) that blacklist vfio
 * modules */
void        pp_modprobe_check_others     (GPtrArray *files,
                                          GPtrArray *warnings);

/* The whole text of our dracut.conf.d drop-in; @install_items (NULL or
 * NULL-terminated): files the image must carry, by host path */
char       *pp_dracut_render             (const char         *gpu_address,
                                          const char * const *install_items);

/* Warnings for dracut files read after ours that reset force_drivers (or
 * install_items, where ours adds to it).
 * @files: PpTextFile*, every dracut.conf(.d) file in the order dracut reads
 * them, ours included. */
gboolean    pp_dracut_check_others       (GPtrArray  *files,
                                          GPtrArray  *warnings,
                                          GError    **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpModprobeCommand, pp_modprobe_command_free)

G_END_DECLS
