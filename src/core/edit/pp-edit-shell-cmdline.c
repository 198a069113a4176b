/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pp-edit-shell-cmdline.h"

void
pp_shell_chain_param_tokens (PpShellChain *chain,
                             GPtrArray    *tokens)
{
  for (guint c = 0; c < chain->links->len; c++)
    {
      PpShellLink *link = &g_array_index (chain->links, PpShellLink, c);
      g_autoptr(GPtrArray) fields = pp_shell_word_split (link->assignment->value);
      /* "X+=b" glues b to the end of the old value */
      gboolean glued = link->assignment->kind == PP_SHELL_APPEND && link->assignment->value->chars->len > 0
                       && !pp_kernel_params_is_blank (g_array_index (link->assignment->value->chars, PpShellChar, 0).c);

      for (guint i = 0; i < fields->len; i++)
        {
          PpShellField *field = g_ptr_array_index (fields, i);
          PpParamToken *token;

          if (pp_shell_field_is_reference (field, chain->name))
            continue;
          token = g_new0 (PpParamToken, 1);
          token->text = g_strdup (field->text);
          token->opaque = field->opaque || (glued && i == 0);
          token->splice_safe = field->splice_safe;
          token->start = field->start;
          token->end = field->end;
          token->cut_start = field->cut_start;
          token->cut_end = field->cut_end;
          token->segment = link->file;
          if (glued && i == 0 && tokens->len > 0)
            ((PpParamToken *) g_ptr_array_index (tokens, tokens->len - 1))->opaque = TRUE;
          g_ptr_array_add (tokens, token);
        }
    }
}

gboolean
pp_shell_chain_append_args (GPtrArray     *scripts,
                            PpShellChain  *chain,
                            const char    *args,
                            PpSplices    **splices)
{
  PpShellLink *last;

  if (chain->links->len == 0)
    return FALSE;
  last = &g_array_index (chain->links, PpShellLink, chain->links->len - 1);
  pp_shell_word_append (g_ptr_array_index (scripts, last->file), last->assignment->value, args, splices[last->file]);
  return TRUE;
}

typedef struct
{
  const char                 *name;
  const PpKernelParamsIntent *intent;
} ShellEdit;

static PpEditResult *
edit_cmdline (GPtrArray     *files,
              gconstpointer  data,
              GError       **error)
{
  const char *name = ((const ShellEdit *) data)->name;
  const PpKernelParamsIntent *intent = ((const ShellEdit *) data)->intent;
  g_autoptr(PpEditResult) result = pp_edit_result_new (files->len);
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(PpShellChain) chain = NULL;
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_param_token_free);
  g_autoptr(GPtrArray) append = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) decisions = NULL;
  g_autofree const char **paths = NULL;
  g_autofree PpSplices **splices = NULL;
  PpParamToken *opaque;
  gboolean ok;

  scripts = pp_shell_parse_files (files, error);
  if (scripts == NULL)
    return NULL;
  chain = pp_shell_chain_find (scripts, files, name, error);
  if (chain == NULL)
    return NULL;
  if (chain->is_array)
    {
      g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED, _("%s:%u: %s is an array; a string is expected"),
                   ((PpTextFile *) g_ptr_array_index (files, chain->array_file))->path, chain->array_line, name);
      return NULL;
    }

  pp_shell_chain_param_tokens (chain, tokens);
  decisions = pp_kernel_params_plan (intent, tokens, append);
  if ((opaque = pp_kernel_params_first_opaque (tokens)) != NULL)
    g_ptr_array_add (result->warnings,
                     g_strdup_printf (_("%s: %s includes “%s”, whose value is only known when the file is "
                                        "read: make sure it sets no iommu or vfio-pci parameter of its own."),
                                      ((PpTextFile *) g_ptr_array_index (files, opaque->segment))->path,
                                      name, opaque->text));

  splices = pp_edit_splices_new (files, &paths);
  ok = pp_kernel_params_splice (tokens, decisions, splices, paths, error);
  if (ok && append->len > 0)
    {
      g_autofree char *args = NULL;

      g_ptr_array_add (append, NULL);
      args = g_strjoinv (" ", (char **) append->pdata);
      if (!pp_shell_chain_append_args (scripts, chain, args, splices))
        {
          guint file = chain->unset != NULL ? chain->unset_file : 0;
          PpShellScript *script = g_ptr_array_index (scripts, file);
          g_autofree char *line = g_strdup_printf ("%s=\"%s\"\n", name, args);

          if (script == NULL)
            pp_splices_add (splices[file], 0, 0, line);
          else if (chain->unset != NULL
                   && pp_shell_script_line_end (script, chain->unset->end) < script->len)
            {
              gsize at = pp_shell_script_line_end (script, chain->unset->end);

              pp_splices_add (splices[file], at + 1, at + 1, line);
            }
          else
            {
              g_autofree char *separated = g_strconcat (pp_edit_append_separator (script->text), line, NULL);

              pp_splices_add (splices[file], script->len, script->len, separated);
            }
        }
    }
  return pp_edit_result_finish (g_steal_pointer (&result), files, splices, ok, error);
}

PpEditResult *
pp_shell_edit_cmdline (GPtrArray                  *files,
                       const char                 *name,
                       const PpKernelParamsIntent *intent,
                       GError                    **error)
{
  ShellEdit edit = { name, intent };

  g_return_val_if_fail (files->len > 0, NULL);
  return pp_edit_read_back (edit_cmdline, files, &edit, name, error);
}
