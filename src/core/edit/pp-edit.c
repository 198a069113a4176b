/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pp-edit.h"

G_DEFINE_QUARK (pp-edit-error-quark, pp_edit_error)

PpTextFile *
pp_text_file_new (const char *path,
                  const char *text)
{
  PpTextFile *file = g_new0 (PpTextFile, 1);

  file->path = g_strdup (path);
  file->text = g_strdup (text);
  return file;
}

void
pp_text_file_free (PpTextFile *file)
{
  if (file == NULL)
    return;
  g_free (file->path);
  g_free (file->text);
  g_free (file);
}

typedef struct
{
  gsize  start;
  gsize  end;
  guint  order;
  char  *replacement;
} Splice;

struct _PpSplices
{
  GArray *items;
};

static void
splice_clear (gpointer data)
{
  Splice *splice = data;

  g_free (splice->replacement);
}

PpSplices *
pp_splices_new (void)
{
  PpSplices *splices = g_new0 (PpSplices, 1);

  splices->items = g_array_new (FALSE, FALSE, sizeof (Splice));
  g_array_set_clear_func (splices->items, splice_clear);
  return splices;
}

void
pp_splices_free (PpSplices *splices)
{
  if (splices == NULL)
    return;
  g_array_unref (splices->items);
  g_free (splices);
}

void
pp_splices_add (PpSplices  *splices,
                gsize       start,
                gsize       end,
                const char *replacement)
{
  Splice splice = { start, end, splices->items->len, g_strdup (replacement ? replacement : "") };

  g_return_if_fail (start <= end);
  g_array_append_val (splices->items, splice);
}

guint
pp_splices_count (PpSplices *splices)
{
  return splices->items->len;
}

static int
splice_compare (gconstpointer a,
                gconstpointer b)
{
  const Splice *sa = a;
  const Splice *sb = b;

  if (sa->start != sb->start)
    return sa->start < sb->start ? -1 : 1;
  /* an insertion goes before a replacement starting at the same offset */
  if ((sa->start == sa->end) != (sb->start == sb->end))
    return sa->start == sa->end ? -1 : 1;
  return sa->order < sb->order ? -1 : (sa->order > sb->order);
}

char *
pp_splices_apply (PpSplices  *splices,
                  const char *path,
                  const char *text,
                  GError    **error)
{
  GString *out = g_string_new (NULL);
  gsize len = strlen (text);
  gsize pos = 0;

  g_array_sort (splices->items, splice_compare);
  for (guint i = 0; i < splices->items->len; i++)
    {
      const Splice *splice = &g_array_index (splices->items, Splice, i);

      gsize start = splice->start;

      /* two deletions may share the separator between them */
      if (start < pos && splice->replacement[0] == '\0')
        {
          if (splice->end <= pos)
            continue;
          start = pos;
        }
      if (start < pos || splice->end > len)
        {
          g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                       _("%s: internal error: overlapping edits"), path);
          g_string_free (out, TRUE);
          return NULL;
        }
      g_string_append_len (out, text + pos, start - pos);
      g_string_append (out, splice->replacement);
      pos = MAX (pos, splice->end);
    }
  g_string_append_len (out, text + pos, len - pos);
  return g_string_free (out, FALSE);
}

PpEditResult *
pp_edit_result_new (guint n_files)
{
  PpEditResult *result = g_new0 (PpEditResult, 1);

  result->texts = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_set_size (result->texts, n_files);
  result->warnings = g_ptr_array_new_with_free_func (g_free);
  return result;
}

void
pp_edit_result_free (PpEditResult *result)
{
  if (result == NULL)
    return;
  g_ptr_array_unref (result->texts);
  g_ptr_array_unref (result->warnings);
  g_free (result);
}

int
pp_edit_version_compare (const char *a,
                         const char *b)
{
  while (*a && *b)
    {
      if (g_ascii_isdigit (*a) && g_ascii_isdigit (*b))
        {
          const char *ea = a;
          const char *eb = b;
          gsize la, lb;
          int c;

          while (*a == '0')
            a++;
          while (*b == '0')
            b++;
          for (ea = a; g_ascii_isdigit (*ea); ea++)
            ;
          for (eb = b; g_ascii_isdigit (*eb); eb++)
            ;
          la = ea - a;
          lb = eb - b;
          if (la != lb)
            return la < lb ? -1 : 1;
          c = strncmp (a, b, la);
          if (c != 0)
            return c;
          a = ea;
          b = eb;
        }
      else
        {
          if (*a != *b)
            return (guchar) *a < (guchar) *b ? -1 : 1;
          a++;
          b++;
        }
    }
  return *a ? 1 : (*b ? -1 : 0);
}

static gboolean
odd_backslashes_before (const char *text,
                        gsize       end)
{
  gsize n = 0;

  while (n < end && text[end - 1 - n] == '\\')
    n++;
  return n % 2 == 1;
}

const char *
pp_edit_append_separator (const char *text)
{
  gsize len = text ? strlen (text) : 0;

  if (len == 0)
    return "";
  /* a lone backslash at the very end is literal; one more escapes it and
   * keeps it so, and the newline then ends the line */
  if (odd_backslashes_before (text, len))
    return "\\\n";
  if (text[len - 1] != '\n')
    return "\n";
  /* "\\<newline>" at the end continues into whatever comes next */
  if (odd_backslashes_before (text, len - 1))
    return "\n";
  return "";
}

GPtrArray *
pp_edit_result_apply (PpEditResult *result,
                      GPtrArray    *files)
{
  GPtrArray *edited = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);

  for (guint i = 0; i < files->len; i++)
    {
      PpTextFile *file = g_ptr_array_index (files, i);
      const char *text = g_ptr_array_index (result->texts, i);

      g_ptr_array_add (edited, pp_text_file_new (file->path, text ? text : file->text));
    }
  return edited;
}

gboolean
pp_edit_result_is_empty (PpEditResult *result)
{
  for (guint i = 0; i < result->texts->len; i++)
    if (g_ptr_array_index (result->texts, i) != NULL)
      return FALSE;
  return TRUE;
}

gboolean
pp_edit_result_take_splices (PpEditResult *result,
                             GPtrArray    *files,
                             PpSplices   **splices,
                             GError      **error)
{
  for (guint f = 0; f < files->len; f++)
    {
      PpTextFile *file = g_ptr_array_index (files, f);
      char *text;

      if (pp_splices_count (splices[f]) == 0)
        continue;
      text = pp_splices_apply (splices[f], file->path, file->text ? file->text : "", error);
      if (text == NULL)
        return FALSE;
      if (file->text != NULL && g_str_equal (text, file->text))
        g_free (text);
      else
        g_ptr_array_index (result->texts, f) = text;
    }
  return TRUE;
}

PpEditResult *
pp_edit_result_finish (PpEditResult *result,
                       GPtrArray    *files,
                       PpSplices   **splices,
                       gboolean      ok,
                       GError      **error)
{
  if (ok)
    ok = pp_edit_result_take_splices (result, files, splices, error);
  for (guint f = 0; f < files->len; f++)
    pp_splices_free (splices[f]);
  if (!ok)
    {
      pp_edit_result_free (result);
      return NULL;
    }
  return result;
}

char *
pp_splices_apply_changed (PpSplices  *splices,
                          const char *path,
                          const char *text,
                          GError    **error)
{
  g_autofree char *result = NULL;

  if (pp_splices_count (splices) == 0)
    return NULL;
  result = pp_splices_apply (splices, path, text, error);
  if (result == NULL || g_str_equal (result, text))
    return NULL;
  return g_steal_pointer (&result);
}

PpSplices **
pp_edit_splices_new (GPtrArray    *files,
                     const char ***paths)
{
  PpSplices **splices = g_new0 (PpSplices *, files->len);

  if (paths != NULL)
    *paths = g_new0 (const char *, files->len + 1);
  for (guint f = 0; f < files->len; f++)
    {
      splices[f] = pp_splices_new ();
      if (paths != NULL)
        (*paths)[f] = ((PpTextFile *) g_ptr_array_index (files, f))->path;
    }
  return splices;
}

PpEditResult *
pp_edit_read_back (PpEditFunc     edit,
                   GPtrArray     *files,
                   gconstpointer  data,
                   const char    *what,
                   GError       **error)
{
  g_autoptr(PpEditResult) result = edit (files, data, error);
  g_autoptr(PpEditResult) again = NULL;
  g_autoptr(GPtrArray) edited = NULL;

  if (result == NULL)
    return NULL;
  edited = pp_edit_result_apply (result, files);
  again = edit (edited, data, NULL);
  if (again == NULL || !pp_edit_result_is_empty (again))
    {
      /* TRANSLATORS: "/etc/default/grub: the kernel command line cannot be edited safely in this file; ..." */
      g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                   _("%s: %s cannot be edited safely in this file; edit it by hand"),
                   ((PpTextFile *) g_ptr_array_index (files, 0))->path, what);
      return NULL;
    }
  return g_steal_pointer (&result);
}
