/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pp-edit-booster.h"
#include "pp-edit-mkinitcpio.h"

#define FORCE_LOAD "modules_force_load"

static const char * const vfio_modules[] = { "vfio_pci", "vfio", "vfio_iommu_type1", NULL };

static gboolean
not_modelled (GError     **error,
              const char  *path,
              guint        line,
              const char  *what)
{
  /* TRANSLATORS: the last %s says what is there ("a block value") */
  g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
               _("%s:%u: %s, which PassthroughPrep does not edit; set %s: vfio_pci,vfio,vfio_iommu_type1 by hand"),
               path, line, what, FORCE_LOAD);
  return FALSE;
}

/* The length of a top-level key at @line ("name:" then a blank or the end),
 * or 0 */
static gsize
top_level_key (const char *line,
               gsize       len)
{
  gsize i = 0;

  if (len == 0 || !(g_ascii_isalpha (line[0]) || line[0] == '_'))
    return 0;
  while (i < len && (g_ascii_isalnum (line[i]) || line[i] == '_' || line[i] == '-'))
    i++;
  if (i >= len || line[i] != ':' || (i + 1 < len && line[i + 1] != ' '))
    return 0;
  return i;
}

typedef struct
{
  guint line;
  gsize start;     /* the value's text, quotes excluded */
  gsize end;
  gsize line_end;  /* before '\r' and the newline */
} Value;

static gboolean
read_value (const char  *path,
            const char  *text,
            gsize        from,
            gsize        line_end,
            guint        number,
            Value       *value,
            GError     **error)
{
  gsize p = from;

  while (p < line_end && text[p] == ' ')
    p++;
  value->line = number;
  value->line_end = line_end;
  if (p >= line_end || text[p] == '#')
    {
      value->start = value->end = p;
      return TRUE;
    }
  if (text[p] == '"' || text[p] == '\'')
    {
      char quote = text[p];
      gsize q = p + 1;
      gsize rest;

      while (q < line_end && text[q] != quote && text[q] != '\\')
        q++;
      if (q >= line_end || text[q] == '\\' || (quote == '\'' && q + 1 < line_end && text[q + 1] == '\''))
        return not_modelled (error, path, number, _("a quoted value with escapes or over several lines"));
      value->start = p + 1;
      value->end = q;
      rest = q + 1;
      while (rest < line_end && text[rest] == ' ')
        rest++;
      if (rest < line_end && text[rest] != '#')
        return not_modelled (error, path, number, _("text after the quoted value"));
      return TRUE;
    }
  if (strchr ("[{|>&*!%@`", text[p]) != NULL)
    return not_modelled (error, path, number, _("a flow, block, anchor or tagged value"));
  value->start = p;
  value->end = p;
  /* a plain scalar ends at " #" */
  while (value->end < line_end && !(text[value->end] == '#' && text[value->end - 1] == ' '))
    value->end++;
  while (value->end > value->start && text[value->end - 1] == ' ')
    value->end--;
  return TRUE;
}

char *
pp_booster_edit_config (const char  *path,
                        const char  *text,
                        GError     **error)
{
  const char *source = text != NULL ? text : "";
  gsize len = strlen (source);
  gsize pos = 0;
  guint number = 0;
  gboolean in_force_load = FALSE;
  gboolean seen_key = FALSE;
  Value value = { 0, 0, 0, 0 };
  g_autoptr(GString) missing = g_string_new (NULL);
  g_autoptr(PpSplices) splices = pp_splices_new ();
  g_autofree char *result = NULL;

  while (pos < len)
    {
      const char *nl = memchr (source + pos, '\n', len - pos);
      gsize next = nl != NULL ? (gsize) (nl - source) + 1 : len;
      gsize line_end = nl != NULL ? (gsize) (nl - source) : len;
      const char *line = source + pos;
      gsize line_len;
      gsize key_len;

      number++;
      if (line_end > pos && source[line_end - 1] == '\r')
        line_end--;
      line_len = line_end - pos;

      if (line_len == 0 || line[strspn (line, " \t")] == '#' || strspn (line, " \t") == line_len)
        ;
      else if (line[0] == ' ' || line[0] == '\t')
        {
          if (in_force_load)
            {
              not_modelled (error, path, number, _("a value on the lines below the key"));
              return NULL;
            }
        }
      else if ((line_len == 3 && strncmp (line, "---", 3) == 0 && !seen_key && number == 1)
               || (line_len > 4 && strncmp (line, "--- ", 4) == 0 && !seen_key && number == 1))
        ;
      else if ((line_len >= 3 && strncmp (line, "---", 3) == 0) || (line_len >= 3 && strncmp (line, "...", 3) == 0))
        {
          not_modelled (error, path, number, _("a second YAML document"));
          return NULL;
        }
      else if ((key_len = top_level_key (line, line_len)) == 0)
        {
          not_modelled (error, path, number, _("a line that is not a top-level “key: value”"));
          return NULL;
        }
      else
        {
          seen_key = TRUE;
          in_force_load = key_len == strlen (FORCE_LOAD) && strncmp (line, FORCE_LOAD, key_len) == 0;
          if (in_force_load)
            {
              if (value.line != 0)
                {
                  g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                               _("%s:%u: %s is set again (first on line %u); keep one by hand"),
                               path, number, FORCE_LOAD, value.line);
                  return NULL;
                }
              if (!read_value (path, source, pos + key_len + 1, line_end, number, &value, error))
                return NULL;
            }
        }
      pos = next;
    }

  if (value.line != 0)
    {
      g_autofree char *old = g_strndup (source + value.start, value.end - value.start);
      g_auto(GStrv) items = g_strsplit (old, ",", -1);

      for (guint m = 0; vfio_modules[m] != NULL; m++)
        {
          gboolean found = FALSE;

          for (guint i = 0; items[i] != NULL && !found; i++)
            {
              g_autofree char *name = NULL;
              gboolean optional;

              name = pp_module_name_normalize (g_strstrip (items[i]), &optional);
              found = g_str_equal (name, vfio_modules[m]);
            }
          if (!found)
            g_string_append_printf (missing, "%s%s", missing->len > 0 ? "," : "", vfio_modules[m]);
        }
      if (missing->len == 0)
        return NULL;
      if (value.end > value.start)
        g_string_append_c (missing, ',');
      else
        {
          /* "key:" alone, or "key: # comment": YAML wants blanks around */
          if (source[value.start - 1] != ' ')
            g_string_prepend_c (missing, ' ');
          if (value.start < value.line_end)
            g_string_append_c (missing, ' ');
        }
      pp_splices_add (splices, value.start, value.start, missing->str);
    }
  else
    {
      g_autofree char *line = g_strjoinv (",", (char **) vfio_modules);
      g_autofree char *added = g_strdup_printf ("%s%s: %s\n", pp_edit_append_separator (source), FORCE_LOAD, line);

      if (len == 0)
        {
          g_free (added);
          added = g_strdup_printf ("%s: %s\n", FORCE_LOAD, line);
        }
      pp_splices_add (splices, len, len, added);
    }
  result = pp_splices_apply (splices, path, source, error);
  if (result == NULL || (text != NULL && g_str_equal (result, text)))
    return NULL;
  return g_steal_pointer (&result);
}
