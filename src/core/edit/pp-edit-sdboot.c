/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pp-edit-sdboot.h"

typedef struct
{
  gsize key_start;
  gsize key_end;
  gsize value_start;
  gsize value_end;    /* trailing blanks excluded */
  gsize line_end;     /* after the newline */
} EntryLine;

static gboolean
key_is (const char      *text,
        const EntryLine *line,
        const char      *key)
{
  return line->key_end - line->key_start == strlen (key)
         && strncmp (text + line->key_start, key, line->key_end - line->key_start) == 0;
}

char *
pp_sdboot_edit_entry (const char                 *path,
                      const char                 *text,
                      const PpKernelParamsIntent *intent,
                      GError                    **error)
{
  g_autoptr(GArray) lines = g_array_new (FALSE, TRUE, sizeof (EntryLine));
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_param_token_free);
  g_autoptr(GPtrArray) append = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(PpSplices) splices = pp_splices_new ();
  g_autofree char *result = NULL;
  gsize len = strlen (text);
  gsize pos = 0;
  int last_options = -1;
  gboolean has_linux = FALSE;

  while (pos < len)
    {
      const char *nl = memchr (text + pos, '\n', len - pos);
      EntryLine line = { 0 };
      gsize i = pos;

      line.line_end = nl ? (gsize) (nl - text) + 1 : len;
      while (i < line.line_end && (text[i] == ' ' || text[i] == '\t'))
        i++;
      line.key_start = i;
      while (i < line.line_end && !g_ascii_isspace (text[i]))
        i++;
      line.key_end = i;
      while (i < line.line_end && (text[i] == ' ' || text[i] == '\t'))
        i++;
      line.value_start = i;
      line.value_end = nl ? (gsize) (nl - text) : len;
      while (line.value_end > line.value_start && g_ascii_isspace (text[line.value_end - 1]))
        line.value_end--;
      g_array_append_val (lines, line);
      pos = line.line_end;
    }

  for (guint i = 0; i < lines->len; i++)
    {
      EntryLine *line = &g_array_index (lines, EntryLine, i);

      if (text[line->key_start] == '#')
        continue;
      if (key_is (text, line, "linux"))
        has_linux = TRUE;
      if (key_is (text, line, "options"))
        {
          guint first = tokens->len;

          last_options = i;
          pp_kernel_params_tokenize (text + line->value_start, line->value_start,
                                     line->value_end - line->value_start, 0, tokens);
          /* GRUB expands $kernelopts in BLS entries: not ours to read */
          for (guint t = first; t < tokens->len; t++)
            {
              PpParamToken *token = g_ptr_array_index (tokens, t);

              token->opaque = strchr (token->text, '$') != NULL;
            }
        }
    }
  if (!has_linux)
    return NULL;

  decisions = pp_kernel_params_plan (intent, tokens, append);
  if (!pp_kernel_params_splice (tokens, decisions, &splices, &path, error))
    return NULL;
  if (append->len > 0)
    {
      g_autofree char *joined = NULL;

      g_ptr_array_add (append, NULL);
      joined = g_strjoinv (" ", (char **) append->pdata);
      if (last_options >= 0)
        {
          EntryLine *line = &g_array_index (lines, EntryLine, last_options);
          g_autofree char *piece = g_strconcat (line->value_end > line->value_start ? " " : "", joined, NULL);

          if (line->value_start == line->key_end)
            {
              g_free (piece);
              piece = g_strconcat (" ", joined, NULL);
            }
          pp_splices_add (splices, line->value_end, line->value_end, piece);
        }
      else
        {
          g_autofree char *new_line = g_strdup_printf ("%soptions %s\n",
                                                       len > 0 && text[len - 1] != '\n' ? "\n" : "", joined);

          pp_splices_add (splices, len, len, new_line);
        }
    }
  result = pp_splices_apply (splices, path, text, error);
  if (result == NULL || g_str_equal (result, text))
    return NULL;
  return g_steal_pointer (&result);
}
