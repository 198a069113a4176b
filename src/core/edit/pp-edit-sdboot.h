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

G_END_DECLS
