/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-edit.h"

G_BEGIN_DECLS

/* The shell oracle: what the real shell makes of config files. */

/* Writes @text (NULL: nothing) to DIR/NAME, creating parents; returns the path */
/* Writes each PpTextFile that has a text under @dir; returns their paths,
 * NULL-terminated, for the shell to source in order */
/* TRUE when the case wanted an error and got one starting with @want_error
 * (the case is then done); fails the test on any other outcome */
gboolean    pp_test_expect_error     (const GError *error,
                                      gconstpointer result,
                                      const char   *want_error);
gboolean    pp_test_warnings_mention (GPtrArray  *warnings,
                                      const char *needle);
/* a second edit of the edited files must change nothing */
void        pp_test_assert_no_change (PpEditResult     *again,
                                      const GError     *error);
GPtrArray  *pp_test_write_text_files (const char *dir,
                                      GPtrArray  *files);
char       *pp_test_write_file       (const char *dir,
                                      const char *name,
                                      const char *text);

/* Sources @paths in order with @shell ("bash" or "sh") in a clean environment
 * and returns name -> the shell's own rendering of every variable set (bash:
 * declare -p, sh: the exported value under set -a), the shell's own variables
 * left out. */
GHashTable *pp_test_shell_variables  (const char         *shell,
                                      const char * const *paths);

/* The value of @name after sourcing: the elements of an array (bash) or the
 * scalar as one element; an empty vector when it is unset. */
GStrv       pp_test_shell_value      (const char         *shell,
                                      const char * const *paths,
                                      const char         *name);

/* Asserts that @before and @after agree on every variable but @except */
void        pp_test_assert_same_except (GHashTable *before,
                                        GHashTable *after,
                                        const char *except);

G_END_DECLS
