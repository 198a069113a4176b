/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz-common.h"
#include "pp-diff.h"

/* Input: old text "\f" new text. Checks that the hunks account for every
 * line of both texts. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  char *new_text = strchr (text, '\f');
  g_autofree char *diff = NULL;
  g_auto(GStrv) lines = NULL;
  GString *rebuilt = g_string_new (NULL);
  gboolean in_hunk = FALSE;

  if (new_text == NULL)
    new_text = (char *) "";
  else
    *new_text++ = '\0';
  diff = pp_diff_unified ("/etc/x", text, new_text, 3);
  if (g_str_equal (text, new_text))
    FUZZ_REQUIRE (diff[0] == '\0');

  /* with all context, the '+' and ' ' lines spell the new text */
  g_free (diff);
  diff = pp_diff_unified ("/etc/x", text, new_text, G_MAXINT / 4);
  lines = g_strsplit (diff, "\n", -1);
  for (guint i = 0; lines[i] && lines[i + 1]; i++)
    {
      const char *l = lines[i];

      if (g_str_has_prefix (l, "@@ "))
        in_hunk = TRUE;
      else if (in_hunk && (l[0] == '+' || l[0] == ' '))
        {
          g_string_append (rebuilt, l + 1);
          g_string_append_c (rebuilt, '\n');
        }
      else if (in_hunk && g_str_equal (l, "\\ No newline at end of file") && i > 0 && lines[i - 1][0] != '-')
        g_string_truncate (rebuilt, rebuilt->len - 1);
    }
  if (diff[0] != '\0')
    FUZZ_REQUIRE (g_str_equal (rebuilt->str, new_text));
  g_string_free (rebuilt, TRUE);
  return 0;
}
