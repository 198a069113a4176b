/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A unified diff of one file, as `diff -u` writes it and `patch -p1`
 * applies it: "--- a/etc/x" "+++ b/etc/x" (or "--- /dev/null" when
 * @old_text is NULL), hunks with @context lines around each change and
 * "\ No newline at end of file" where it applies. @path is the host path
 * ("/etc/x"). Returns "" when the texts are equal. */
char *pp_diff_unified (const char *path,
                       const char *old_text,
                       const char *new_text,
                       guint       context);

G_END_DECLS
