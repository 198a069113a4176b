/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pp-boot.h"
#include "pp-edit-limine.h"
#include "pp-host-files.h"

/* Limine whose entries limine-entry-tool writes (CachyOS): it rewrites the
 * kernel entries of limine.conf from KERNEL_CMDLINE[...] in its
 * configuration (/etc/limine-entry-tool.conf, /etc/limine-entry-tool.d,
 * then /etc/default/limine, which wins), so that is edited and
 * "limine-update" writes the entries again; revert restores the
 * configuration and runs it again. */

#define LIMINE_DEFAULTS "/etc/default/limine"
#define LIMINE_TOOL_CONF "/etc/limine-entry-tool.conf"
#define LIMINE_TOOL_DIR "/etc/limine-entry-tool.d"

static gboolean
limine_entry_tool_detect (const PpHost  *host,
                          PpBootSetup   *setup,
                          GError       **error)
{
  static const char * const files[] = {
    LIMINE_DEFAULTS, LIMINE_TOOL_CONF, "/usr/bin/limine-entry-tool", "/usr/lib/limine/limine-entry-tool", NULL,
  };
  const char *found = NULL;

  if (!pp_boot_find_first (host, files, &found, error) || found == NULL)
    return FALSE;
  g_free (setup->boot_evidence);
  setup->boot_evidence = g_strdup_printf (_("%s exists, so limine-entry-tool writes Limine’s entries"), found);
  return TRUE;
}

static char *
limine_entry_tool_describe (const PpBootSetup *setup,
                            char             **next_step)
{
  return g_strdup (_("Limine, entries written by limine-entry-tool"));
}

static gboolean
limine_entry_tool_plan_params (const PpBootRequest *request,
                               GError             **error)
{
  static const char * const limine_update[] = { "limine-update", NULL };
  g_autoptr(GPtrArray) more = pp_host_list_dir (request->host, LIMINE_TOOL_DIR, ".conf", NULL, error);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(PpEditResult) result = NULL;
  guint files_before = request->changes->files->len;
  gboolean found = FALSE;

  if (more == NULL)
    return FALSE;
  g_ptr_array_add (more, g_strdup (LIMINE_DEFAULTS));
  files = pp_boot_read_files (request->host, LIMINE_TOOL_CONF, more, error);
  if (files == NULL)
    return FALSE;
  result = pp_limine_defaults_edit (files, request->params, &found, error);
  if (result == NULL)
    return FALSE;
  if (!found)
    {
      g_autofree char *args = pp_kernel_params_intent_args (request->params);

      pp_changes_add_manual_step (request->changes,
                                  _("limine-entry-tool: no KERNEL_CMDLINE is set in %s or %s, so PassthroughPrep "
                                    "cannot tell which command line your kernels get. Add these parameters to it "
                                    "by hand, then run limine-update: %s"),
                                  LIMINE_DEFAULTS, LIMINE_TOOL_DIR, args);
      return TRUE;
    }
  pp_changes_take_result (request->changes, files, result);
  if (request->changes->files->len > files_before)
    {
      const char *changed = ((PpFileEdit *) g_ptr_array_index (request->changes->files, files_before))->path;

      pp_boot_add_tool_command (request, limine_update, "Limine", changed, NULL);
    }
  return TRUE;
}

static const char * const limine_entry_tool_writes[] = {
  LIMINE_DEFAULTS, LIMINE_TOOL_CONF, LIMINE_TOOL_DIR "/*.conf", NULL,
};
static const char * const limine_entry_tool_runs[] = { "limine-update", NULL };

const PpBootBackend pp_boot_limine_entry_tool = {
  .id = "limine-entry-tool",
  .bootloader = "limine",
  .touches = { limine_entry_tool_writes, limine_entry_tool_runs },
  .detect = limine_entry_tool_detect,
  .describe = limine_entry_tool_describe,
  .plan_params = limine_entry_tool_plan_params,  .no_boot_entry = N_("limine-entry-tool writes the entries of limine.conf again at every kernel update: a separate Passthrough entry would not last."),
};
