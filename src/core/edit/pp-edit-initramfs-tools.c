/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pp-edit-initramfs-tools.h"
#include "pp-edit-mkinitcpio.h"

static const char * const vfio_modules[] = { "vfio_pci", "vfio", "vfio_iommu_type1", NULL };

typedef struct
{
  gsize  start;      /* the line, with its newline */
  gsize  end;
  gsize  word_start; /* the module name */
  gsize  word_end;
  char  *module;     /* normalised, NULL for blank and comment lines */
  gboolean removed;
} Line;

static void
line_clear (gpointer data)
{
  g_free (((Line *) data)->module);
}

static GArray *
split_lines (const char *text)
{
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (Line));
  gsize len = strlen (text);
  gsize pos = 0;

  g_array_set_clear_func (lines, line_clear);
  while (pos < len)
    {
      const char *nl = memchr (text + pos, '\n', len - pos);
      gsize end = nl ? (gsize) (nl - text) + 1 : len;
      Line line = { pos, end, 0, 0, NULL, FALSE };
      gsize i = pos;

      /* mkinitramfs: grep '^[^#]' | while read -r module args */
      while (i < end && (text[i] == ' ' || text[i] == '\t'))
        i++;
      if (text[pos] != '#' && i < end && text[i] != '\n')
        {
          gboolean optional;
          g_autofree char *word = NULL;

          line.word_start = i;
          while (i < end && !g_ascii_isspace (text[i]))
            i++;
          line.word_end = i;
          word = g_strndup (text + line.word_start, line.word_end - line.word_start);
          line.module = pp_module_name_normalize (word, &optional);
        }
      g_array_append_val (lines, line);
      pos = end;
    }
  return lines;
}

/* Sets every "ids=" argument in [from, to) to @ids; @ids "" takes each out
 * with the blanks before it */
static void
set_ids (const char *source,
         gsize       from,
         gsize       to,
         const char *ids,
         PpSplices  *splices)
{
  gsize i = from;

  while (i < to)
    {
      gsize arg_start, arg_end;

      while (i < to && g_ascii_isspace (source[i]))
        i++;
      arg_start = i;
      while (i < to && !g_ascii_isspace (source[i]))
        i++;
      arg_end = i;
      if (arg_end - arg_start < 4 || strncmp (source + arg_start, "ids=", 4) != 0)
        continue;
      if (ids[0] == '\0')
        {
          gsize blank = arg_start;

          while (blank > from && g_ascii_isspace (source[blank - 1]))
            blank--;
          pp_splices_add (splices, blank, arg_end, "");
        }
      else if (arg_end - arg_start > 4
               && (arg_end - arg_start - 4 != strlen (ids) || strncmp (source + arg_start + 4, ids, strlen (ids)) != 0))
        pp_splices_add (splices, arg_start + 4, arg_end, ids);
    }
}

char *
pp_modules_line_set_ids (const char *text,
                         guint       line,
                         const char *ids)
{
  g_autoptr(GArray) lines = split_lines (text);
  g_autoptr(PpSplices) splices = pp_splices_new ();
  Line *found;

  if (line == 0 || line > lines->len)
    return NULL;
  found = &g_array_index (lines, Line, line - 1);
  if (found->module == NULL)
    return NULL;
  set_ids (text, found->word_end, found->end, ids, splices);
  if (pp_splices_count (splices) == 0)
    return NULL;
  return pp_splices_apply (splices, "", text, NULL);
}

char *
pp_initramfs_tools_edit_modules (const char *path,
                                 const char *text,
                                 const char *ids)
{
  g_autoptr(GArray) lines = split_lines (text ? text : "");
  g_autoptr(PpSplices) splices = pp_splices_new ();
  g_autoptr(GString) missing = g_string_new (NULL);
  const char *source = text ? text : "";
  g_autofree char *result = NULL;
  int gpu_line = -1;

  for (guint i = 0; i < lines->len; i++)
    {
      Line *line = &g_array_index (lines, Line, i);

      if (line->module == NULL)
        continue;
      if (g_str_equal (line->module, "vfio_virqfd"))
        line->removed = TRUE;
      else if (gpu_line < 0 && pp_module_is_gpu_driver (line->module))
        gpu_line = i;
    }

  for (guint w = 0; vfio_modules[w]; w++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < lines->len; i++)
        {
          Line *line = &g_array_index (lines, Line, i);

          if (line->module == NULL || !g_str_equal (line->module, vfio_modules[w]))
            continue;
          if (gpu_line < 0 || (int) i < gpu_line)
            found = TRUE;
          else if (!found)
            line->removed = TRUE;
        }
      if (!found)
        g_string_append_printf (missing, "%s\n", vfio_modules[w]);
    }

  for (guint i = 0; i < lines->len; i++)
    {
      Line *line = &g_array_index (lines, Line, i);

      if (line->removed)
        {
          pp_splices_add (splices, line->start, line->end, "");
          continue;
        }
      /* arguments here override modprobe.d: old ids would win over ours */
      if (ids != NULL && line->module != NULL && g_str_equal (line->module, "vfio_pci"))
        set_ids (source, line->word_end, line->end, ids, splices);
    }

  if (missing->len > 0)
    {
      if (gpu_line >= 0)
        {
          Line *line = &g_array_index (lines, Line, gpu_line);

          pp_splices_add (splices, line->start, line->start, missing->str);
        }
      else
        {
          gsize len = strlen (source);

          if (len > 0 && source[len - 1] != '\n')
            g_string_prepend_c (missing, '\n');
          pp_splices_add (splices, len, len, missing->str);
        }
    }

  if (pp_splices_count (splices) == 0)
    return NULL;
  result = pp_splices_apply (splices, path, source, NULL);
  if (result == NULL || (text != NULL && g_str_equal (result, text)))
    return NULL;
  return g_steal_pointer (&result);
}
