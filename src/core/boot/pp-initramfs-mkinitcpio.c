/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pp-edit-mkinitcpio.h"
#include "pp-host-files.h"
#include "pp-initramfs-private.h"

/* mkinitcpio (Arch): MODULES in /etc/mkinitcpio.conf or the drop-in that decides it */

static gboolean
mkinitcpio_detect (const PpHost  *host,
                   GError       **error)
{
  static const char * const files[] = { "/usr/bin/mkinitcpio", "/etc/mkinitcpio.conf", NULL };
  const char *found = NULL;

  return pp_boot_find_first (host, files, &found, error) && found != NULL;
}

static int
compare_versions (gconstpointer a,
                  gconstpointer b)
{
  return pp_edit_version_compare (*(const char * const *) a, *(const char * const *) b);
}

static char *
mkinitcpio_describe (const PpBootSetup  *setup,
                     char              **next_step)
{
  return g_strdup ("mkinitcpio");
}

gboolean
pp_initramfs_mkinitcpio_plan_modules (const PpBootRequest *request,
                                      GError             **error)
{
  g_autoptr(GPtrArray) dropins = pp_host_list_dir (request->host, "/etc/mkinitcpio.conf.d", ".conf",
                                                   compare_versions, error);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(PpEditResult) result = NULL;
  PpMkinitcpioIntent intent = { request->kvmgt };

  if (dropins == NULL)
    return FALSE;
  files = pp_boot_read_files (request->host, "/etc/mkinitcpio.conf", dropins, error);
  if (files == NULL)
    return FALSE;
  result = pp_mkinitcpio_edit_modules (files, &intent, error);
  if (result == NULL)
    return FALSE;
  pp_changes_take_result (request->changes, files, result);
  return TRUE;
}

static void
mkinitcpio_plan_rebuild (const PpBootRequest *request)
{
  pp_initramfs_plan_tool_rebuild (request, "mkinitcpio", "-P", NULL);
}

static const char * const mkinitcpio_writes[] = { PP_MKINITCPIO_WRITES, NULL };
static const char * const mkinitcpio_runs[] = { "mkinitcpio", NULL };

const PpInitramfsBackend pp_initramfs_mkinitcpio = {
  .id = "mkinitcpio",
  .touches = { mkinitcpio_writes, mkinitcpio_runs },
  .detect = mkinitcpio_detect,
  .describe = mkinitcpio_describe,
  .plan_modules = pp_initramfs_mkinitcpio_plan_modules,
  .plan_rebuild = mkinitcpio_plan_rebuild,
};
