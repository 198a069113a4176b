/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What the boot managers' own readers make of a file, written from their
 * documentation and sources, apart from the editors: the oracles of the
 * editor tests for formats that are not shell. */

/* The command line of each Linux entry of a limine.conf (or, @old_syntax,
 * limine.cfg) as Limine reads it: lines trimmed, keys without case at the
 * start of a line, an entry's first kernel_cmdline, else its first cmdline
 * (char*, "" for none). */
GPtrArray  *pp_test_limine_cmdlines   (const char *text,
                                       gboolean    old_syntax);

/* The option string of each line of a refind_linux.conf as rEFInd's
 * tokenizer reads it ("" in quotes is a quote), char*. */
GPtrArray  *pp_test_refind_options    (const char *text);

/* KEY -> value of the bash associative array @name after sourcing @paths */
GHashTable *pp_test_shell_assoc       (const char * const *paths,
                                       const char         *name);

/* The top-level YAML scalar @key of the file at @path as PyYAML reads it
 * (NULL when absent); *@available FALSE when python3 has no yaml module */
char       *pp_test_yaml_scalar       (const char *path,
                                       const char *key,
                                       gboolean   *available);

/* How many times @word is a blank-separated word of @line */
guint       pp_test_count_words       (const char *line,
                                       const char *word);

G_END_DECLS
