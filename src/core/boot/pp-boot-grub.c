/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-boot-grub-private.h"
#include "pp-edit-grub.h"
#include "pp-host-files.h"

/* GRUB whose grub.cfg grub-mkconfig (update-grub on Debian) writes from
 * /etc/default/grub and /etc/grub.d */

gboolean
pp_boot_grub_detect_files (const PpHost  *host,
                           PpBootSetup   *setup,
                           GError       **error)
{
  static const char * const grub_cfgs[] = { "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg", NULL };
  gboolean exists = FALSE;

  for (guint i = 0; grub_cfgs[i] != NULL; i++)
    {
      if (!pp_host_probe (host, grub_cfgs[i], &exists, error))
        return FALSE;
      if (!exists)
        continue;
      if (!pp_host_probe (host, "/etc/default/grub", &exists, error))
        return FALSE;
      if (!exists)
        return FALSE;
      g_free (setup->grub_cfg);
      setup->grub_cfg = g_strdup (grub_cfgs[i]);
      g_free (setup->boot_evidence);
      setup->boot_evidence = g_strdup_printf (_("%s and /etc/default/grub exist"), grub_cfgs[i]);
      return TRUE;
    }
  return FALSE;
}

GPtrArray *
pp_boot_grub_read_defaults (const PpHost  *host,
                            GError       **error)
{
  g_autoptr(GPtrArray) dropins = pp_host_list_dir (host, "/etc/default/grub.d", ".cfg", NULL, error);

  if (dropins == NULL)
    return NULL;
  return pp_boot_read_files (host, "/etc/default/grub", dropins, error);
}

gboolean
pp_boot_grub_edit_defaults (const PpBootRequest *request,
                            gboolean             prefer_linux,
                            GError             **error)
{
  g_autoptr(GPtrArray) files = pp_boot_grub_read_defaults (request->host, error);
  g_autoptr(PpEditResult) result = NULL;

  if (files == NULL)
    return FALSE;
  result = pp_grub_edit_cmdline (files, request->params, prefer_linux, error);
  if (result == NULL)
    return FALSE;
  pp_changes_take_result (request->changes, files, result);
  return TRUE;
}

static gboolean
host_is_debian_like (const PpHost *host)
{
  const char *ids[] = { host->os_id, host->os_id_like };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    if (ids[i] != NULL && (strstr (ids[i], "debian") != NULL || strstr (ids[i], "ubuntu") != NULL))
      return TRUE;
  return FALSE;
}

static gboolean
grub_detect (const PpHost  *host,
             PpBootSetup   *setup,
             GError       **error)
{
  return pp_boot_grub_detect_files (host, setup, error);
}

static char *
grub_describe (const PpBootSetup *setup,
               char             **next_step)
{
  return g_strdup_printf (_("GRUB (%s)"), setup->grub_cfg);
}

static gboolean
grub_plan_params (const PpBootRequest *request,
                  GError             **error)
{
  static const char * const update_grub[] = { "update-grub", NULL };
  /* Fedora and openSUSE name them grub2-*, with grub.cfg in /boot/grub2 */
  static const char * const mkconfig[] = { "grub-mkconfig", "grub2-mkconfig", NULL };
  static const char * const mkconfig2[] = { "grub2-mkconfig", "grub-mkconfig", NULL };
  guint files_before = request->changes->files->len;
  const char *changed;

  if (!pp_boot_grub_edit_defaults (request, FALSE, error))
    return FALSE;
  if (request->changes->files->len == files_before)
    return TRUE;
  changed = ((PpFileEdit *) g_ptr_array_index (request->changes->files, files_before))->path;

  if (host_is_debian_like (request->host) && pp_host_find_tool (request->host, update_grub) != NULL)
    pp_changes_add_command (request->changes, "update-grub", NULL);
  else
    pp_boot_add_tool_command (request, g_str_has_prefix (request->setup->grub_cfg, "/boot/grub2/") ? mkconfig2 : mkconfig,
                              "GRUB", changed, "-o", request->setup->grub_cfg, NULL);
  return TRUE;
}

static const char * const grub_writes[] = { "/etc/default/grub", "/etc/default/grub.d/*.cfg", NULL };
static const char * const grub_runs[] = { "update-grub", "grub-mkconfig", "grub2-mkconfig", NULL };

const PpBootBackend pp_boot_grub = {
  .id = "grub",
  .bootloader = "grub",
  .touches = { grub_writes, grub_runs },
  .detect = grub_detect,
  .describe = grub_describe,
  .plan_params = grub_plan_params,
};
