/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef gpointer (*PpRuleParseFunc) (const char *line);

/* The rules of a data file compiled in as @data (macos-gpus.rules,
 * reset-gpus.rules): one a line, blank lines and "#" comments skipped, each
 * made by @parse. A line @parse refuses (NULL) is a bug in the shipped file:
 * g_error() names it as @file:LINE. */
GPtrArray *pp_rules_parse (const char      *data,
                           const char      *file,
                           PpRuleParseFunc  parse,
                           GDestroyNotify   free_rule);

G_END_DECLS
