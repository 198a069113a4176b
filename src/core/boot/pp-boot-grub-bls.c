/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-boot-grub-private.h"
#include "pp-edit-grub.h"
#include "pp-host-files.h"

/* GRUB reading Boot Loader Specification entries (Fedora, RHEL-likes):
 * every entry's options are edited in place, as grubby would, so that
 * revert restores them byte for byte; /etc/default/grub and
 * /etc/kernel/cmdline serve kernels installed later. Entries whose options
 * hold a GRUB variable ($kernelopts, RHEL 8: the command line lives in
 * grubenv) go through grubby, with the grubby command that undoes it. */

static gboolean
enables_blscfg (const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean enabled = FALSE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = g_strstrip (lines[i]);

      if (g_str_has_prefix (line, "GRUB_ENABLE_BLSCFG="))
        {
          const char *value = line + strlen ("GRUB_ENABLE_BLSCFG=");

          enabled = g_str_has_prefix (value, "true") || g_str_has_prefix (value, "\"true\"")
                    || g_str_has_prefix (value, "'true'");
        }
    }
  return enabled;
}

static gboolean
grub_bls_detect (const PpHost  *host,
                 PpBootSetup   *setup,
                 GError       **error)
{
  g_autofree char *text = NULL;

  if (!pp_boot_grub_detect_files (host, setup, error))
    return FALSE;
  if (!pp_host_read_file (host, "/etc/default/grub", &text, error))
    return FALSE;
  if (text == NULL || !enables_blscfg (text))
    return FALSE;
  g_free (setup->boot_evidence);
  setup->boot_evidence = g_strdup_printf (_("%s exists and /etc/default/grub sets GRUB_ENABLE_BLSCFG=true"),
                                          setup->grub_cfg);
  return TRUE;
}

static char *
grub_bls_describe (const PpBootSetup *setup,
                   char             **next_step)
{
  return g_strdup_printf (_("GRUB with boot loader entries (%s)"), setup->grub_cfg);
}

static gboolean
is_options_line (const char *line)
{
  return g_str_has_prefix (line, "options") && (line[7] == ' ' || line[7] == '\t');
}

/* The options tokens of one entry's text; $kernelopts (RHEL 8) stands for
 * grubenv's kernelopts, when it is known */
static GPtrArray *
entry_tokens (const char *text,
              const char *kernelopts)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_param_token_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint l = 0; lines[l]; l++)
    {
      const char *line = lines[l] + strspn (lines[l], " \t");
      g_autoptr(GPtrArray) own = NULL;

      if (!is_options_line (line))
        continue;
      own = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_param_token_free);
      pp_kernel_params_tokenize (line + 7, 0, strlen (line + 7), 0, own);
      for (guint t = 0; t < own->len; t++)
        {
          PpParamToken *token = g_ptr_array_index (own, t);

          if (kernelopts != NULL
              && (g_str_equal (token->text, "$kernelopts") || g_str_equal (token->text, "${kernelopts}")))
            pp_kernel_params_tokenize (kernelopts, 0, strlen (kernelopts), 0, tokens);
          else
            g_ptr_array_add (tokens, g_steal_pointer (&g_ptr_array_index (own, t)));
        }
    }
  return tokens;
}

/* kernelopts from GRUB's environment block, or NULL */
static gboolean
read_kernelopts (const PpHost  *host,
                 char         **kernelopts,
                 GError       **error)
{
  static const char * const grubenvs[] = { "/boot/grub2/grubenv", "/boot/grub/grubenv", NULL };

  *kernelopts = NULL;
  for (guint i = 0; grubenvs[i] != NULL; i++)
    {
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (!pp_host_read_file (host, grubenvs[i], &text, error))
        return FALSE;
      if (text == NULL)
        continue;
      lines = g_strsplit (text, "\n", -1);
      for (guint l = 0; lines[l] != NULL; l++)
        if (g_str_has_prefix (lines[l], "kernelopts="))
          *kernelopts = g_strdup (lines[l] + strlen ("kernelopts="));
      return TRUE;
    }
  return TRUE;
}

/* Whether some entry's options name a GRUB variable ($kernelopts) that
 * only grubby knows how to edit */
static gboolean
entries_use_variables (const PpHost  *host,
                       GPtrArray     *entries,
                       gboolean      *use,
                       GError       **error)
{
  *use = FALSE;
  for (guint e = 0; e < entries->len; e++)
    {
      g_autofree char *text = NULL;
      g_autoptr(GPtrArray) tokens = NULL;

      if (!pp_host_read_file (host, g_ptr_array_index (entries, e), &text, error))
        return FALSE;
      if (text == NULL)
        continue;
      tokens = entry_tokens (text, NULL);
      for (guint t = 0; t < tokens->len; t++)
        if (strchr (((PpParamToken *) g_ptr_array_index (tokens, t))->text, '$') != NULL)
          *use = TRUE;
    }
  return TRUE;
}

static void
add_once (GPtrArray  *strings,
          const char *text)
{
  if (!g_ptr_array_find_with_equal_func (strings, text, g_str_equal, NULL))
    g_ptr_array_add (strings, g_strdup (text));
}

static gboolean
same_key (const char *a,
          const char *b)
{
  return strcspn (a, "=") == strcspn (b, "=") && strncmp (a, b, strcspn (a, "=")) == 0;
}

/* What grubby must add and remove so that every entry's options read as
 * the kernel-params plan wants, and what adds and removes them back.
 * grubby --args=K=V replaces K's value (the same spelling only); a removal
 * takes K=V exactly. */
typedef struct
{
  GPtrArray *args;
  GPtrArray *remove;
  GPtrArray *undo_args;
  GPtrArray *undo_remove;
} GrubbyArgs;

static gboolean
collect_grubby_args (const PpBootRequest  *request,
                     GPtrArray            *entries,
                     GrubbyArgs           *grubby,
                     GError              **error)
{
  g_autofree char *kernelopts = NULL;

  if (!read_kernelopts (request->host, &kernelopts, error))
    return FALSE;
  for (guint e = 0; e < entries->len; e++)
    {
      g_autofree char *text = NULL;
      g_autoptr(GPtrArray) tokens = NULL;
      g_autoptr(GPtrArray) append = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) decisions = NULL;

      if (!pp_host_read_file (request->host, g_ptr_array_index (entries, e), &text, error))
        return FALSE;
      if (text == NULL)
        continue;
      tokens = entry_tokens (text, kernelopts);
      decisions = pp_kernel_params_plan (request->params, tokens, append);
      for (guint t = 0; t < tokens->len; t++)
        {
          const char *decision = g_ptr_array_index (decisions, t);
          PpParamToken *token = g_ptr_array_index (tokens, t);

          if (decision == NULL)
            continue;
          if (decision[0] == '\0' || !same_key (decision, token->text))
            {
              add_once (grubby->remove, token->text);
              if (decision[0] != '\0')
                add_once (grubby->undo_remove, decision);
            }
          if (decision[0] != '\0')
            add_once (grubby->args, decision);
          add_once (grubby->undo_args, token->text);
        }
      for (guint a = 0; a < append->len; a++)
        {
          add_once (grubby->args, g_ptr_array_index (append, a));
          add_once (grubby->undo_remove, g_ptr_array_index (append, a));
        }
    }
  return TRUE;
}

static char *
joined_option (const char *option,
               GPtrArray  *values)
{
  g_autoptr(GString) joined = g_string_new (option);

  for (guint i = 0; i < values->len; i++)
    g_string_append_printf (joined, "%s%s", i > 0 ? " " : "", (const char *) g_ptr_array_index (values, i));
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static GStrv
grubby_argv (GPtrArray *args,
             GPtrArray *remove)
{
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_autofree char *add_option = NULL;
  g_autofree char *remove_option = NULL;

  g_strv_builder_add (argv, "grubby");
  g_strv_builder_add (argv, "--update-kernel=ALL");
  if (args->len > 0)
    g_strv_builder_add (argv, (add_option = joined_option ("--args=", args)));
  if (remove->len > 0)
    g_strv_builder_add (argv, (remove_option = joined_option ("--remove-args=", remove)));
  return g_strv_builder_end (argv);
}

static gboolean
plan_with_grubby (const PpBootRequest *request,
                  GPtrArray           *entries,
                  GError             **error)
{
  static const char * const grubby_tool[] = { "grubby", NULL };
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) remove = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) undo_args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) undo_remove = g_ptr_array_new_with_free_func (g_free);
  GrubbyArgs grubby = { args, remove, undo_args, undo_remove };
  g_auto(GStrv) command = NULL;

  if (!collect_grubby_args (request, entries, &grubby, error))
    return FALSE;
  if (args->len == 0 && remove->len == 0)
    return TRUE;
  command = grubby_argv (args, remove);
  if (pp_host_find_tool (request->host, grubby_tool) != NULL)
    pp_changes_add_argv_with_undo (request->changes, g_steal_pointer (&command), grubby_argv (undo_args, undo_remove));
  else
    {
      g_autofree char *joined = pp_boot_command_line (command);

      pp_changes_add_manual_step (request->changes,
                                  _("GRUB: the boot loader entries take their options from a GRUB variable "
                                    "($kernelopts), which only grubby edits, and grubby is not installed. "
                                    "Install it and run: %s"), joined);
    }
  return TRUE;
}

static gboolean
grub_bls_plan_params (const PpBootRequest *request,
                      GError             **error)
{
  g_autoptr(GPtrArray) entries = NULL;
  gboolean variables = FALSE;

  if (!pp_boot_grub_edit_defaults (request, TRUE, error)
      || !pp_boot_plan_kernel_cmdline (request, error))
    return FALSE;
  entries = pp_boot_list_loader_entries (request->host, error);
  if (entries == NULL || !entries_use_variables (request->host, entries, &variables, error))
    return FALSE;
  if (variables)
    return plan_with_grubby (request, entries, error);
  return pp_boot_plan_loader_entries (request, error);
}

/* Fedora hides the menu while the last boot succeeded (menu_auto_hide in
 * grubenv): the variable goes while a Passthrough entry is there */
static void
plan_show_hidden_menu (const PpBootRequest *request,
                       GError             **error)
{
  static const char * const editenv[] = { "grub2-editenv", "grub-editenv", NULL };
  g_autofree char *dir = g_path_get_dirname (request->setup->grub_cfg);
  g_autofree char *grubenv_path = g_build_filename (dir, "grubenv", NULL);
  g_autofree char *grubenv = NULL;
  const char *tool = pp_host_find_tool (request->host, editenv);

  if (!pp_host_read_file (request->host, grubenv_path, &grubenv, NULL) || grubenv == NULL
      || strstr (grubenv, "\nmenu_auto_hide=1") == NULL)
    return;
  if (tool == NULL)
    {
      pp_changes_add_manual_step (request->changes,
                                  _("GRUB hides its menu while the last start succeeded: hold Shift (or press "
                                    "Esc) while the computer starts to see the Passthrough entries."));
      return;
    }
  pp_changes_add_argv_with_undo (request->changes,
                                 g_strdupv ((char **) (const char *[]) { tool, "-", "unset", "menu_auto_hide", NULL }),
                                 g_strdupv ((char **) (const char *[]) { tool, "-", "set", "menu_auto_hide=1", NULL }));
}

static gboolean
grub_bls_plan_boot_entry (const PpBootRequest *request,
                          GError             **error)
{
  static const char * const mkconfig[] = { "grub2-mkconfig", "grub-mkconfig", NULL };
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(PpEditResult) shown = NULL;
  guint files_before;
  char *id;

  if (!pp_boot_plan_passthrough_entries (request, error))
    return FALSE;
  /* GRUB knows a BLS entry by its file name without .conf */
  if (request->changes->restart_entry != NULL)
    {
      id = g_path_get_basename (request->changes->restart_entry);
      id[strlen (id) - strlen (".conf")] = '\0';
      g_free (request->changes->restart_entry);
      request->changes->restart_entry = id;
      request->changes->restart_method = PP_RESTART_HELPER;
    }

  files_before = request->changes->files->len;
  if ((files = pp_boot_grub_read_defaults (request->host, error)) == NULL
      || (shown = pp_grub_edit_show_menu (files, 5, error)) == NULL)
    return FALSE;
  pp_changes_take_result (request->changes, files, shown);
  if (request->changes->files->len > files_before && pp_host_find_tool (request->host, mkconfig) != NULL)
    pp_changes_add_command (request->changes, pp_host_find_tool (request->host, mkconfig),
                            "-o", request->setup->grub_cfg, NULL);
  plan_show_hidden_menu (request, error);
  return TRUE;
}

/* grub2-reboot with the newest Passthrough entry's id */
static GStrv
grub_bls_next_boot_command (const PpHost       *host,
                            const PpBootSetup  *setup,
                            GError            **error)
{
  static const char * const reboot_tools[] = { "grub2-reboot", "grub-reboot", NULL };
  g_autoptr(GPtrArray) entries = pp_boot_list_loader_entries (host, error);
  const char *tool = pp_host_find_tool (host, reboot_tools);
  const char *newest = NULL;
  char *id;
  GStrv argv;

  if (entries == NULL)
    return NULL;
  for (guint e = 0; e < entries->len; e++)
    {
      const char *path = g_ptr_array_index (entries, e);

      if (g_str_has_suffix (path, "-passthrough.conf") && strstr (path, "rescue") == NULL
          && (newest == NULL || pp_edit_version_compare (path, newest) > 0))
        newest = path;
    }
  if (newest == NULL || tool == NULL)
    {
      g_set_error_literal (error, PP_BOOT_ERROR, PP_BOOT_ERROR_NO_BOOT_ENTRY,
                           newest == NULL ? _("There is no Passthrough boot entry: reserve the GPU again.")
                                          : _("grub2-reboot is not installed: choose the Passthrough entry in the "
                                              "boot menu."));
      return NULL;
    }
  id = g_path_get_basename (newest);
  id[strlen (id) - strlen (".conf")] = '\0';
  argv = g_new0 (char *, 3);
  argv[0] = g_strdup (tool);
  argv[1] = id;
  return argv;
}

static const char * const grub_bls_writes[] = {
  "/etc/default/grub", "/etc/default/grub.d/*.cfg", "/etc/kernel/cmdline", "/boot/loader/entries/*.conf",
  "/boot/efi/loader/entries/*.conf", "/efi/loader/entries/*.conf", PP_KERNEL_INSTALL_PLUGIN, NULL,
};
static const char * const grub_bls_runs[] = {
  "grubby", "grub2-mkconfig", "grub-mkconfig", "grub2-editenv", "grub-editenv", "grub2-reboot", "grub-reboot", NULL,
};

const PpBootBackend pp_boot_grub_bls = {
  .id = "grub-bls",
  .bootloader = "grub",
  .touches = { grub_bls_writes, grub_bls_runs },
  .detect = grub_bls_detect,
  .describe = grub_bls_describe,
  .plan_params = grub_bls_plan_params,
  .plan_boot_entry = grub_bls_plan_boot_entry,
  .next_boot_command = grub_bls_next_boot_command,
};
