/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pp-edit-grub.h"
#include "pp-edit-shell-cmdline.h"

#define GRUB_LINUX "GRUB_CMDLINE_LINUX"
#define GRUB_DEFAULT "GRUB_CMDLINE_LINUX_DEFAULT"

/* Where a new "NAME=..." line goes: after an unset of it, else after the
 * GRUB_CMDLINE_LINUX line of the main file, else at its end */
static void
add_new_assignment (GPtrArray    *scripts,
                    GPtrArray    *files,
                    PpShellChain *chain,
                    PpShellChain *linux_chain,
                    const char   *args,
                    PpSplices   **splices)
{
  g_autofree char *line = g_strdup_printf ("%s=\"%s\"\n", chain->name, args);
  PpShellScript *script;
  guint file = 0;
  gsize at;

  if (chain->unset != NULL)
    {
      file = chain->unset_file;
      script = g_ptr_array_index (scripts, file);
      at = pp_shell_script_line_end (script, chain->unset->end);
    }
  else
    {
      script = g_ptr_array_index (scripts, 0);
      if (script == NULL)
        {
          pp_splices_add (splices[0], 0, 0, line);
          return;
        }
      at = script->len;
      for (guint c = 0; c < linux_chain->links->len; c++)
        {
          PpShellLink *link = &g_array_index (linux_chain->links, PpShellLink, c);

          if (link->file == 0)
            at = pp_shell_script_line_end (script, link->assignment->end);
        }
    }

  if (at < script->len)
    pp_splices_add (splices[file], at + 1, at + 1, line);
  else
    {
      g_autofree char *separated = g_strconcat (pp_edit_append_separator (script->text), line, NULL);

      pp_splices_add (splices[file], at, at, separated);
    }
}

typedef struct
{
  const PpKernelParamsIntent *intent;
  gboolean                    prefer_linux;
} GrubEdit;

static PpEditResult *
edit_cmdline (GPtrArray     *files,
              gconstpointer  data,
              GError       **error)
{
  const PpKernelParamsIntent *intent = ((const GrubEdit *) data)->intent;
  gboolean prefer_linux = ((const GrubEdit *) data)->prefer_linux;
  g_autoptr(PpEditResult) result = pp_edit_result_new (files->len);
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(PpShellChain) linux_chain = NULL;
  g_autoptr(PpShellChain) default_chain = NULL;
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_param_token_free);
  g_autoptr(GPtrArray) append = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) decisions = NULL;
  g_autofree const char **paths = NULL;
  g_autofree PpSplices **splices = NULL;
  PpParamToken *opaque;
  PpShellChain *target;
  gboolean ok = TRUE;

  g_return_val_if_fail (files->len > 0, NULL);

  scripts = pp_shell_parse_files (files, error);
  if (scripts == NULL)
    return NULL;
  linux_chain = pp_shell_chain_find (scripts, files, GRUB_LINUX, error);
  if (linux_chain == NULL)
    return NULL;
  default_chain = pp_shell_chain_find (scripts, files, GRUB_DEFAULT, error);
  if (default_chain == NULL)
    return NULL;
  if (linux_chain->is_array || default_chain->is_array)
    {
      PpShellChain *bad = linux_chain->is_array ? linux_chain : default_chain;

      g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                   _("%s:%u: %s is an array; GRUB expects a string"),
                   ((PpTextFile *) g_ptr_array_index (files, bad->array_file))->path,
                   bad->array_line, bad->name);
      return NULL;
    }

  pp_shell_chain_param_tokens (linux_chain, tokens);
  pp_shell_chain_param_tokens (default_chain, tokens);
  decisions = pp_kernel_params_plan (intent, tokens, append);
  if ((opaque = pp_kernel_params_first_opaque (tokens)) != NULL)
    g_ptr_array_add (result->warnings,
                     g_strdup_printf (_("%s: the kernel command line includes “%s”, whose value is only known "
                                        "when grub-mkconfig runs: make sure it sets no iommu or vfio-pci "
                                        "parameter of its own."),
                                      ((PpTextFile *) g_ptr_array_index (files, opaque->segment))->path,
                                      opaque->text));

  splices = pp_edit_splices_new (files, &paths);
  if (!pp_kernel_params_splice (tokens, decisions, splices, paths, error))
    ok = FALSE;

  target = default_chain;
  if (default_chain->links->len == 0 && prefer_linux)
    target = linux_chain;

  if (ok && append->len > 0)
    {
      g_autofree char *args = NULL;

      g_ptr_array_add (append, NULL);
      args = g_strjoinv (" ", (char **) append->pdata);
      if (!pp_shell_chain_append_args (scripts, target, args, splices))
        add_new_assignment (scripts, files, target, linux_chain, args, splices);
    }

  if (ok && target->links->len > 0)
    {
      PpShellLink *last = &g_array_index (target->links, PpShellLink, target->links->len - 1);

      if (last->file > 0)
        g_ptr_array_add (result->warnings,
                         g_strdup_printf (_("%s is set in %s, which is read after %s and overrides it: the change is made there."),
                                          target->name, paths[last->file], paths[0]));
    }

  return pp_edit_result_finish (g_steal_pointer (&result), files, splices, ok, error);
}

PpEditResult *
pp_grub_edit_cmdline (GPtrArray                  *files,
                      const PpKernelParamsIntent *intent,
                      gboolean                    prefer_linux,
                      GError                    **error)
{
  GrubEdit edit = { intent, prefer_linux };

  g_return_val_if_fail (files->len > 0, NULL);
  return pp_edit_read_back (edit_cmdline, files, &edit, _("the kernel command line"), error);
}

/* The literal value that takes effect, its assignment and file, or NULL
 * (FALSE with @error where it cannot be read without running the file) */
static gboolean
effective_literal (GPtrArray          *scripts,
                   GPtrArray          *files,
                   const char         *name,
                   PpShellLink        *link_out,
                   char              **value_out,
                   GError            **error)
{
  g_autoptr(PpShellChain) chain = pp_shell_chain_find (scripts, files, name, error);
  PpShellLink *link;

  *value_out = NULL;
  if (chain == NULL)
    return FALSE;
  if (chain->links->len == 0)
    return TRUE;
  link = &g_array_index (chain->links, PpShellLink, chain->links->len - 1);
  if (chain->links->len > 1 || chain->is_array || link->assignment->kind != PP_SHELL_ASSIGN
      || !pp_shell_word_is_literal (link->assignment->value))
    {
      g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                   _("%s:%u: %s is built from other values; set it to a plain value by hand"),
                   ((PpTextFile *) g_ptr_array_index (files, link->file))->path, link->assignment->line, name);
      return FALSE;
    }
  *link_out = *link;
  *value_out = pp_shell_word_dup_value (link->assignment->value);
  return TRUE;
}

PpEditResult *
pp_grub_edit_show_menu (GPtrArray  *files,
                        guint       seconds,
                        GError    **error)
{
  g_autoptr(PpEditResult) result = pp_edit_result_new (files->len);
  g_autoptr(GPtrArray) scripts = pp_shell_parse_files (files, error);
  g_autofree PpSplices **splices = NULL;
  g_autofree char *style = NULL;
  g_autofree char *timeout = NULL;
  g_autofree char *seconds_text = g_strdup_printf ("%u", seconds);
  PpShellLink style_link = { 0 };
  PpShellLink timeout_link = { 0 };
  gboolean ok;

  if (scripts == NULL
      || !effective_literal (scripts, files, "GRUB_TIMEOUT_STYLE", &style_link, &style, error)
      || !effective_literal (scripts, files, "GRUB_TIMEOUT", &timeout_link, &timeout, error))
    return NULL;

  splices = g_new0 (PpSplices *, files->len);
  for (guint f = 0; f < files->len; f++)
    splices[f] = pp_splices_new ();
  if (style != NULL && (g_str_equal (style, "hidden") || g_str_equal (style, "countdown")))
    pp_splices_add (splices[style_link.file], style_link.assignment->value->start,
                    style_link.assignment->value->end, "menu");
  if (timeout != NULL && g_str_equal (g_strstrip (timeout), "0"))
    pp_splices_add (splices[timeout_link.file], timeout_link.assignment->value->start,
                    timeout_link.assignment->value->end, seconds_text);
  ok = pp_edit_result_take_splices (result, files, splices, error);
  for (guint f = 0; f < files->len; f++)
    pp_splices_free (splices[f]);
  return ok ? g_steal_pointer (&result) : NULL;
}
