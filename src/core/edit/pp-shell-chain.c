/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pp-shell-chain.h"

GPtrArray *
pp_shell_parse_files (GPtrArray  *files,
                      GError    **error)
{
  g_autoptr(GPtrArray) scripts = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_shell_script_free);

  for (guint f = 0; f < files->len; f++)
    {
      PpTextFile *file = g_ptr_array_index (files, f);
      PpShellScript *script = NULL;

      if (file->text != NULL)
        {
          script = pp_shell_parse (file->path, file->text, error);
          if (script == NULL)
            return NULL;
        }
      g_ptr_array_add (scripts, script);
    }
  return g_steal_pointer (&scripts);
}

void
pp_shell_chain_free (PpShellChain *chain)
{
  if (chain == NULL)
    return;
  g_free (chain->name);
  g_array_unref (chain->links);
  g_free (chain);
}

gboolean
pp_shell_field_is_reference (const PpShellField *field,
                             const char         *name)
{
  const char *text = field->text;
  gsize name_len = strlen (name);

  if (!field->opaque || text[0] != '$')
    return FALSE;
  if (text[1] != '{')
    return strcmp (text + 1, name) == 0;
  if (strncmp (text + 2, name, name_len) != 0)
    return FALSE;
  text += 2 + name_len;
  return g_str_equal (text, "}") || g_str_equal (text, "[@]}") || g_str_equal (text, "[*]}");
}

gboolean
pp_shell_word_mentions (const PpShellWord *word,
                        const char        *name)
{
  g_autofree char *value = pp_shell_word_dup_value (word);
  gsize name_len = strlen (name);

  for (const char *p = strchr (value, '$'); p != NULL; p = strchr (p + 1, '$'))
    {
      const char *q = p + 1;

      if (*q == '{')
        q++;
      if (strncmp (q, name, name_len) == 0 && !(g_ascii_isalnum (q[name_len]) || q[name_len] == '_'))
        return TRUE;
    }
  return FALSE;
}

static gboolean
assignment_mentions (const PpShellAssignment *assignment,
                     const char              *name)
{
  if (assignment->value != NULL)
    return pp_shell_word_mentions (assignment->value, name);
  for (guint i = 0; assignment->elements && i < assignment->elements->len; i++)
    if (pp_shell_word_mentions (g_ptr_array_index (assignment->elements, i), name))
      return TRUE;
  return FALSE;
}

PpShellChain *
pp_shell_chain_find (GPtrArray   *scripts,
                     GPtrArray   *files,
                     const char  *name,
                     GError     **error)
{
  g_autoptr(PpShellChain) chain = g_new0 (PpShellChain, 1);
  g_autoptr(GArray) all = g_array_new (FALSE, FALSE, sizeof (PpShellLink));

  chain->name = g_strdup (name);
  chain->links = g_array_new (FALSE, FALSE, sizeof (PpShellLink));

  for (guint f = 0; f < scripts->len; f++)
    {
      PpShellScript *script = g_ptr_array_index (scripts, f);

      for (guint i = 0; script != NULL && i < script->assignments->len; i++)
        {
          PpShellAssignment *assignment = g_ptr_array_index (script->assignments, i);

          if (g_str_equal (assignment->name, name))
            {
              PpShellLink link = { f, assignment };

              g_array_append_val (all, link);
            }
        }
    }

  for (guint i = all->len; i > 0; i--)
    {
      PpShellLink *link = &g_array_index (all, PpShellLink, i - 1);
      PpShellAssignment *assignment = link->assignment;

      if (assignment->uncertain)
        {
          g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                       _("%s:%u: %s is set conditionally (inside if, case, a loop or a function, or after && or ||): "
                         "which value takes effect is only known when the file runs; edit it by hand"),
                       ((PpTextFile *) g_ptr_array_index (files, link->file))->path, assignment->line, name);
          return NULL;
        }
      if (assignment->kind == PP_SHELL_UNSET)
        {
          if (chain->links->len == 0)
            {
              chain->unset = assignment;
              chain->unset_file = link->file;
            }
          break;
        }
      g_array_prepend_val (chain->links, *link);
      if (assignment->is_array && !chain->is_array)
        {
          chain->is_array = TRUE;
          chain->array_file = link->file;
          chain->array_line = assignment->line;
        }
      if (assignment->kind != PP_SHELL_APPEND && !assignment_mentions (assignment, name))
        break;
    }
  return g_steal_pointer (&chain);
}
