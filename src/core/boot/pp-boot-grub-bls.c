/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-boot-grub-private.h"
#include "pp-edit-grub.h"
#include "pp-host-files.h"

/* GRUB reading Boot Loader Specification entries (Fedora, RHEL-likes):
 * grubby edits every entry's options; /etc/default/grub and
 * /etc/kernel/cmdline serve kernels installed later. */

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
  return g_strdup_printf (_("GRUB with boot loader entries (%s), edited with grubby"), setup->grub_cfg);
}

static void
add_once (GPtrArray  *strings,
          const char *text)
{
  if (!g_ptr_array_find_with_equal_func (strings, text, g_str_equal, NULL))
    g_ptr_array_add (strings, g_strdup (text));
}

/* What grubby must add and remove so that every entry's options read as
 * the kernel-params plan wants */
static gboolean
collect_grubby_args (const PpBootRequest  *request,
                     GPtrArray            *args,
                     GPtrArray            *remove,
                     GError              **error)
{
  g_autoptr(GPtrArray) entries = pp_boot_list_loader_entries (request->host, error);

  if (entries == NULL)
    return FALSE;
  for (guint e = 0; e < entries->len; e++)
    {
      g_autofree char *text = NULL;
      g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_param_token_free);
      g_autoptr(GPtrArray) append = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) decisions = NULL;
      g_auto(GStrv) lines = NULL;

      if (!pp_host_read_file (request->host, g_ptr_array_index (entries, e), &text, error))
        return FALSE;
      lines = g_strsplit (text, "\n", -1);
      for (guint l = 0; lines[l]; l++)
        {
          const char *line = lines[l] + strspn (lines[l], " \t");

          if (g_str_has_prefix (line, "options") && (line[7] == ' ' || line[7] == '\t'))
            pp_kernel_params_tokenize (line + 7, 0, strlen (line + 7), 0, tokens);
        }
      decisions = pp_kernel_params_plan (request->params, tokens, append);
      for (guint t = 0; t < tokens->len; t++)
        {
          const char *decision = g_ptr_array_index (decisions, t);
          PpParamToken *token = g_ptr_array_index (tokens, t);

          if (decision == NULL)
            continue;
          /* grubby replaces a key's value but not another spelling of it */
          if (decision[0] == '\0' || strcspn (decision, "=") != strcspn (token->text, "=")
              || strncmp (decision, token->text, strcspn (decision, "=")) != 0)
            add_once (remove, token->text);
          if (decision[0] != '\0')
            add_once (args, decision);
        }
      for (guint a = 0; a < append->len; a++)
        add_once (args, g_ptr_array_index (append, a));
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

static gboolean
grub_bls_plan_params (const PpBootRequest *request,
                      GError             **error)
{
  static const char * const grubby[] = { "grubby", NULL };
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) remove = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_auto(GStrv) command = NULL;
  g_autofree char *add_option = NULL;
  g_autofree char *remove_option = NULL;

  if (!pp_boot_grub_edit_defaults (request, TRUE, error)
      || !pp_boot_plan_kernel_cmdline (request, error)
      || !collect_grubby_args (request, args, remove, error))
    return FALSE;
  if (args->len == 0 && remove->len == 0)
    return TRUE;

  g_strv_builder_add (argv, "grubby");
  g_strv_builder_add (argv, "--update-kernel=ALL");
  if (args->len > 0)
    g_strv_builder_add (argv, (add_option = joined_option ("--args=", args)));
  if (remove->len > 0)
    g_strv_builder_add (argv, (remove_option = joined_option ("--remove-args=", remove)));
  command = g_strv_builder_end (argv);

  if (pp_host_find_tool (request->host, grubby) != NULL)
    pp_changes_add_argv (request->changes, g_steal_pointer (&command));
  else
    {
      g_autofree char *joined = g_strjoinv (" ", command);

      pp_changes_add_manual_step (request->changes, _("Install grubby and run: %s"), joined);
    }
  return TRUE;
}

static const char * const grub_bls_writes[] = {
  "/etc/default/grub", "/etc/default/grub.d/*.cfg", "/etc/kernel/cmdline", "/boot/loader/entries/*.conf",
  PP_KERNEL_INSTALL_PLUGIN, NULL,
};
static const char * const grub_bls_runs[] = {
  "grubby", "grub2-mkconfig", "grub-mkconfig", "grub2-editenv", "grub-editenv", "grub2-reboot", "grub-reboot", NULL,
};

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
