/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pp-rules.h"

GPtrArray *
pp_rules_parse (const char      *data,
                const char      *file,
                PpRuleParseFunc  parse,
                GDestroyNotify   free_rule)
{
  GPtrArray *rules = g_ptr_array_new_with_free_func (free_rule);
  g_auto(GStrv) lines = g_strsplit (data, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);
      gpointer rule;

      if (*line == '\0' || *line == '#')
        continue;
      rule = parse (line);
      if (rule == NULL)
        g_error ("%s:%u: malformed rule", file, i + 1);
      g_ptr_array_add (rules, rule);
    }
  return rules;
}
