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

/* The first thing no editor models in @word, as an error */
static gboolean
check_word_is_modelled (const PpShellWord  *word,
                        gboolean            element,
                        const char         *name,
                        const char         *path,
                        PpShellScript      *script,
                        GError            **error)
{
  if (word->dollar_quote != PP_SHELL_NO_OFFSET)
    {
      g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                   _("%s:%u: %s is written with $'…' or $\"…\" quoting, which bash and dash read differently, "
                     "so PassthroughPrep does not edit it. Write the value in plain double quotes by hand "
                     "(%s=\"…\"), then plan again"),
                   path, pp_shell_script_line_at (script, word->dollar_quote), name, name);
      return FALSE;
    }
  if (word->tilde != PP_SHELL_NO_OFFSET)
    {
      g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                   _("%s:%u: %s has an unquoted ~, which the shell turns into a home directory, so PassthroughPrep "
                     "does not edit it. Quote it by hand (\"~\"), then plan again"),
                   path, pp_shell_script_line_at (script, word->tilde), name);
      return FALSE;
    }
  if (element && word->pattern != PP_SHELL_NO_OFFSET)
    {
      g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                   _("%s:%u: an element of %s has an unquoted *, [ or {, which bash turns into file names or "
                     "several words, so PassthroughPrep does not edit it. Quote it or write the elements out by "
                     "hand, then plan again"),
                   path, pp_shell_script_line_at (script, word->pattern), name);
      return FALSE;
    }
  return TRUE;
}

/* Every value the chain is made of must be one the editors model: they
 * splice into it, and must not turn it into something else */
static gboolean
check_chain_is_modelled (PpShellChain  *chain,
                         GPtrArray     *scripts,
                         GPtrArray     *files,
                         GError       **error)
{
  for (guint k = 0; k < chain->links->len; k++)
    {
      PpShellLink *link = &g_array_index (chain->links, PpShellLink, k);
      PpShellAssignment *assignment = link->assignment;
      PpShellScript *script = g_ptr_array_index (scripts, link->file);
      const char *path = ((PpTextFile *) g_ptr_array_index (files, link->file))->path;

      if (assignment->value != NULL
          && !check_word_is_modelled (assignment->value, FALSE, chain->name, path, script, error))
        return FALSE;
      /* "[i]=v" elements: the editors refuse them on their own */
      for (guint i = 0; assignment->elements != NULL && !assignment->indexed && i < assignment->elements->len; i++)
        if (!check_word_is_modelled (g_ptr_array_index (assignment->elements, i), TRUE, chain->name, path,
                                     script, error))
          return FALSE;
    }
  return TRUE;
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
  if (!check_chain_is_modelled (chain, scripts, files, error))
    return NULL;
  return g_steal_pointer (&chain);
}
