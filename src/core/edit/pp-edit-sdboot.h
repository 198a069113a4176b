/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-edit.h"
#include "pp-kernel-params.h"

G_BEGIN_DECLS

/* Edits the kernel command line of a Boot Loader Specification entry
 * (/boot/loader/entries/\*.conf): the "options" lines, read together as one
 * command line. An entry with a "linux" line and no "options" gains one; an
 * entry without "linux" (a UKI, another OS) is left alone. Returns the new
 * text, or NULL when nothing changes. */
char *pp_sdboot_edit_entry (const char                 *path,
                            const char                 *text,
                            const PpKernelParamsIntent *intent,
                            GError                    **error);

/* The text of a sibling of entry @text that boots the same kernel titled
 * "… (Passthrough)", with @intent's parameters and @extra on its command
 * line; its sort-key (where it has one) gains "-passthrough" so that it
 * sorts after every normal entry and never becomes the default. NULL without
 * an error for an entry that is no Linux entry (a UKI, another OS). */
char *pp_sdboot_passthrough_entry (const char                 *path,
                                   const char                 *text,
                                   const PpKernelParamsIntent *intent,
                                   const char                 *extra,
                                   GError                    **error);

/* loader.conf with the menu shown for @seconds where "timeout" hides it
 * (missing, 0, menu-hidden, menu-disabled); NULL when it shows already.
 * @text NULL: the file is absent. */
char *pp_sdboot_loader_show_menu  (const char *text,
                                   guint       seconds);

G_END_DECLS
