/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-boot-systemd-boot-private.h"
#include "pp-host-files.h"

/* Pop!_OS: kernelstub keeps the kernel options in its own configuration and
 * writes systemd-boot's entries (NAME-current.conf, NAME-oldkern.conf) from
 * it on every kernel update, so hand edits to the entries do not last.
 * "kernelstub -a OPTIONS" adds them (and rewrites the entries at once);
 * "kernelstub -d OPTIONS" takes exactly those out again, which is the undo. */

#define KERNELSTUB_CONFIG "/etc/kernelstub/configuration"

static gboolean
kernelstub_detect (const PpHost  *host,
                   PpBootSetup   *setup,
                   GError       **error)
{
  gboolean exists = FALSE;

  if (!pp_host_probe (host, KERNELSTUB_CONFIG, &exists, error) || !exists)
    return FALSE;
  if (!pp_boot_detect_systemd_boot (host, setup, error))
    return FALSE;
  {
    char *evidence = g_strdup_printf (_("%s; %s exists, so kernelstub writes the entries"),
                                      setup->boot_evidence, KERNELSTUB_CONFIG);

    g_free (setup->boot_evidence);
    setup->boot_evidence = evidence;
  }
  return TRUE;
}

static char *
kernelstub_describe (const PpBootSetup *setup,
                     char             **next_step)
{
  return g_strdup (_("systemd-boot, entries written by kernelstub"));
}

/* The options of the entry kernelstub writes for the current kernel (its
 * kernel_options after "root=... ro"), or none when there is no such entry */
static gboolean
current_options (const PpHost  *host,
                 GPtrArray     *tokens,
                 GError       **error)
{
  g_autoptr(GPtrArray) entries = pp_boot_list_loader_entries (host, error);

  if (entries == NULL)
    return FALSE;
  for (guint e = 0; e < entries->len; e++)
    {
      const char *path = g_ptr_array_index (entries, e);
      g_autofree char *text = NULL;
      g_autofree char *options = NULL;

      if (!g_str_has_suffix (path, "-current.conf"))
        continue;
      if (!pp_host_read_file (host, path, &text, error))
        return FALSE;
      options = pp_boot_entry_options (text);
      if (options != NULL)
        pp_kernel_params_tokenize (options, 0, strlen (options), 0, tokens);
      return TRUE;
    }
  return TRUE;
}

static GStrv
kernelstub_argv (const char *option,
                 GPtrArray  *values)
{
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_autofree char *joined = NULL;

  g_ptr_array_add (values, NULL);
  joined = g_strjoinv (" ", (char **) values->pdata);
  g_ptr_array_remove_index (values, values->len - 1);
  g_strv_builder_add (argv, "kernelstub");
  g_strv_builder_add (argv, option);
  g_strv_builder_add (argv, joined);
  return g_strv_builder_end (argv);
}

static gboolean
kernelstub_plan_params (const PpBootRequest *request,
                        GError             **error)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_param_token_free);
  g_autoptr(GPtrArray) add = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) delete = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) decisions = NULL;

  if (!current_options (request->host, tokens, error))
    return FALSE;
  decisions = pp_kernel_params_plan (request->params, tokens, add);
  for (guint t = 0; t < tokens->len; t++)
    {
      const char *decision = g_ptr_array_index (decisions, t);

      if (decision == NULL)
        continue;
      g_ptr_array_add (delete, g_strdup (((PpParamToken *) g_ptr_array_index (tokens, t))->text));
      if (decision[0] != '\0')
        g_ptr_array_insert (add, -1, g_strdup (decision));
    }

  /* what goes first: kernelstub -a adds an option only where it is missing */
  if (delete->len > 0)
    pp_boot_add_state_command (request, kernelstub_argv ("-d", delete), kernelstub_argv ("-a", delete));
  if (add->len > 0)
    pp_boot_add_state_command (request, kernelstub_argv ("-a", add), kernelstub_argv ("-d", add));
  return TRUE;
}

static const char * const kernelstub_runs[] = { "kernelstub", NULL };

const PpBootBackend pp_boot_kernelstub = {
  .id = "kernelstub",
  .bootloader = "systemd-boot",
  .touches = { NULL, kernelstub_runs },
  .detect = kernelstub_detect,
  .describe = kernelstub_describe,
  .plan_params = kernelstub_plan_params,  .no_boot_entry = N_("kernelstub writes this computer’s boot entries and keeps only its own: a separate Passthrough entry would not last."),
};
