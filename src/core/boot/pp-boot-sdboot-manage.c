/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pp-boot-systemd-boot-private.h"
#include "pp-edit-shell-cmdline.h"
#include "pp-host-files.h"

/* systemd-boot whose entries sdboot-manage (CachyOS, Manjaro) writes: it
 * deletes and rewrites every entry on each kernel update, each with
 * "root=... rw" and LINUX_OPTIONS (LINUX_FALLBACK_OPTIONS for the fallback
 * entries) from /etc/sdboot-manage.conf, a file bash sources. Those two are
 * edited and "sdboot-manage gen" writes the entries again; revert restores
 * the file and runs it again. */

#define SDBOOT_MANAGE_CONF "/etc/sdboot-manage.conf"

static gboolean
sdboot_manage_detect (const PpHost  *host,
                      PpBootSetup   *setup,
                      GError       **error)
{
  static const char * const files[] = { SDBOOT_MANAGE_CONF, "/usr/bin/sdboot-manage", NULL };
  const char *found = NULL;

  if (!pp_boot_find_first (host, files, &found, error) || found == NULL)
    return FALSE;
  if (!pp_boot_detect_systemd_boot (host, setup, error))
    return FALSE;
  {
    char *evidence = g_strdup_printf (_("%s; %s exists, so sdboot-manage writes the entries"),
                                      setup->boot_evidence, found);

    g_free (setup->boot_evidence);
    setup->boot_evidence = evidence;
  }
  return TRUE;
}

static char *
sdboot_manage_describe (const PpBootSetup *setup,
                        char             **next_step)
{
  return g_strdup (_("systemd-boot, entries written by sdboot-manage"));
}

static gboolean
sdboot_manage_plan_params (const PpBootRequest *request,
                           GError             **error)
{
  static const char * const variables[] = { "LINUX_OPTIONS", "LINUX_FALLBACK_OPTIONS", NULL };
  static const char * const sdboot_manage[] = { "sdboot-manage", NULL };
  g_autoptr(GPtrArray) files = pp_boot_read_files (request->host, SDBOOT_MANAGE_CONF, NULL, error);
  guint files_before = request->changes->files->len;
  g_autofree char *text = NULL;

  if (files == NULL)
    return FALSE;
  for (guint v = 0; variables[v] != NULL; v++)
    {
      g_autoptr(PpEditResult) result = pp_shell_edit_cmdline (files, variables[v], request->params, error);
      g_autoptr(GPtrArray) edited = NULL;

      if (result == NULL)
        return FALSE;
      /* the second variable is edited in the text the first left */
      for (guint w = 0; w < result->warnings->len; w++)
        pp_changes_add_warning (request->changes, "%s", (const char *) g_ptr_array_index (result->warnings, w));
      edited = pp_edit_result_apply (result, files);
      g_ptr_array_unref (files);
      files = g_steal_pointer (&edited);
    }
  if (!pp_host_read_file (request->host, SDBOOT_MANAGE_CONF, &text, error))
    return FALSE;
  pp_changes_edit_file (request->changes, SDBOOT_MANAGE_CONF, text,
                        ((PpTextFile *) g_ptr_array_index (files, 0))->text);
  if (request->changes->files->len > files_before)
    pp_boot_add_tool_command (request, sdboot_manage, "sdboot-manage (systemd-boot)", SDBOOT_MANAGE_CONF,
                              "gen", NULL);
  return TRUE;
}

static const char * const sdboot_manage_writes[] = { SDBOOT_MANAGE_CONF, NULL };
static const char * const sdboot_manage_runs[] = { "sdboot-manage", NULL };

const PpBootBackend pp_boot_sdboot_manage = {
  .id = "sdboot-manage",
  .bootloader = "systemd-boot",
  .touches = { sdboot_manage_writes, sdboot_manage_runs },
  .detect = sdboot_manage_detect,
  .describe = sdboot_manage_describe,
  .plan_params = sdboot_manage_plan_params,  .no_boot_entry = N_("sdboot-manage writes this computer’s boot entries again at every kernel update and keeps only its own: a separate Passthrough entry would not last."),
};
