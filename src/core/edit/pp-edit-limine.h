/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-edit.h"
#include "pp-kernel-params.h"

G_BEGIN_DECLS

/* Edits a Limine configuration: limine.conf (v8 and later: "/Title" entry
 * lines, "key: value" options) or, for a path ending in ".cfg", the older
 * limine.cfg (":Title", "KEY=VALUE"). Limine trims each line, matches keys
 * at the start of a line without case, and takes an entry's first
 * kernel_cmdline, else its first cmdline. That one is edited in every entry
 * with "protocol: linux"; an entry without one gains a cmdline line after
 * its protocol line. Macros (${NAME}) are never looked into: a warning says
 * so. Returns the new text, or NULL when nothing changes (or on error:
 * "PATH:LINE: ..."). */
char         *pp_limine_edit_conf     (const char                 *path,
                                       const char                 *text,
                                       const PpKernelParamsIntent *intent,
                                       GPtrArray                  *warnings,
                                       GError                    **error);

/* Edits the KERNEL_CMDLINE[...] values of limine-entry-tool's configuration
 * (CachyOS): @files are /etc/limine-entry-tool.conf, the files of
 * /etc/limine-entry-tool.d and /etc/default/limine, in the order it reads
 * them (text NULL: absent). Lines are KERNEL_CMDLINE[KEY]=VALUE or
 * KERNEL_CMDLINE[KEY]+=VALUE (KEY bare or quoted, none for the plain
 * KERNEL_CMDLINE), VALUE in double or single quotes or bare, "#" comments.
 * Each KEY's command line (its last "=" and every "+=" after it) is edited:
 * parameters where they take effect, new ones at the end of its last line.
 * A line naming KERNEL_CMDLINE in any other shape is an error naming it.
 * *@found is FALSE when no file sets KERNEL_CMDLINE at all. */
PpEditResult *pp_limine_defaults_edit (GPtrArray                  *files,
                                       const PpKernelParamsIntent *intent,
                                       gboolean                   *found,
                                       GError                    **error);

G_END_DECLS
