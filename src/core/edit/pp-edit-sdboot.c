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

static gboolean
line_has_key (const char *line,
              const char *key)
{
  const char *p = line + strspn (line, " \t");
  gsize len = strlen (key);

  return strncmp (p, key, len) == 0 && (p[len] == ' ' || p[len] == '\t' || p[len] == '\0');
}

char *
pp_sdboot_passthrough_entry (const char                 *path,
                             const char                 *text,
                             const PpKernelParamsIntent *intent,
                             const char                 *extra,
                             GError                    **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *edited = pp_sdboot_edit_entry (path, text, intent, &local_error);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autofree char *base = g_path_get_basename (path);
  g_auto(GStrv) lines = NULL;
  gboolean titled = FALSE;
  gboolean has_linux = FALSE;
  int last_options = -1;
  guint n;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  lines = g_strsplit (edited != NULL ? edited : text, "\n", -1);
  n = g_strv_length (lines);
  /* a final newline leaves an empty last piece */
  if (n > 0 && lines[n - 1][0] == '\0')
    n--;
  for (guint i = 0; i < n; i++)
    {
      if (line_has_key (lines[i], "linux"))
        has_linux = TRUE;
      if (line_has_key (lines[i], "options"))
        last_options = i;
    }
  if (!has_linux)
    return NULL;

  for (guint i = 0; i < n; i++)
    {
      g_string_append (out, lines[i]);
      if (line_has_key (lines[i], "title"))
        {
          g_string_append (out, " (Passthrough)");
          titled = TRUE;
        }
      else if (line_has_key (lines[i], "sort-key"))
        g_string_append (out, "-passthrough");
      else if ((int) i == last_options)
        g_string_append_printf (out, " %s", extra);
      g_string_append_c (out, '\n');
    }
  if (last_options < 0)
    g_string_append_printf (out, "options %s\n", extra);
  if (!titled)
    {
      if (g_str_has_suffix (base, ".conf"))
        base[strlen (base) - 5] = '\0';
      g_string_prepend (out, "\n");
      g_string_prepend (out, " (Passthrough)");
      g_string_prepend (out, base);
      g_string_prepend (out, "title ");
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

char *
pp_sdboot_loader_show_menu (const char *text,
                            guint       seconds)
{
  g_auto(GStrv) lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  g_autoptr(GString) out = g_string_new (NULL);
  gboolean found = FALSE;
  gboolean changed = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i] + strspn (lines[i], " \t");

      if (i > 0)
        g_string_append_c (out, '\n');
      if (line_has_key (line, "timeout"))
        {
          g_autofree char *value = g_strstrip (g_strdup (line + strlen ("timeout")));

          /* the last one counts */
          found = TRUE;
          changed = FALSE;
          if (g_str_equal (value, "0") || g_str_equal (value, "menu-hidden") || g_str_equal (value, "menu-disabled"))
            {
              g_string_append_printf (out, "timeout %u", seconds);
              changed = TRUE;
              continue;
            }
        }
      g_string_append (out, lines[i]);
    }
  if (!found)
    {
      g_string_append_printf (out, "%stimeout %u\n", out->len > 0 && out->str[out->len - 1] != '\n' ? "\n" : "",
                              seconds);
      changed = TRUE;
    }
  if (!changed)
    return NULL;
  return g_string_free (g_steal_pointer (&out), FALSE);
}
