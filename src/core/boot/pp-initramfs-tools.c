/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pp-initramfs-private.h"
#include "pp-edit-initramfs-tools.h"
#include "pp-host-files.h"

/* initramfs-tools (Debian, Ubuntu): /etc/initramfs-tools/modules */

static gboolean
initramfs_tools_detect (const PpHost  *host,
                        GError       **error)
{
  static const char * const files[] = {
    "/usr/sbin/update-initramfs", "/sbin/update-initramfs", "/etc/initramfs-tools/initramfs.conf", NULL,
  };
  const char *found = NULL;

  return pp_boot_find_first (host, files, &found, error) && found != NULL;
}

static char *
initramfs_tools_describe (const PpBootSetup  *setup,
                          char              **next_step)
{
  return g_strdup ("initramfs-tools");
}

static gboolean
initramfs_tools_plan_modules (const PpBootRequest *request,
                              GError             **error)
{
  g_autofree char *text = NULL;
  g_autofree char *edited = NULL;

  if (!pp_host_read_file (request->host, PP_INITRAMFS_TOOLS_MODULES, &text, error))
    return FALSE;
  /* ids= here would bind the GPU in every boot entry */
  edited = pp_initramfs_tools_edit_modules (PP_INITRAMFS_TOOLS_MODULES, text,
                                            request->mode == PP_BOOT_MODE_BOOT_ENTRY ? NULL : request->ids);
  pp_changes_edit_file (request->changes, PP_INITRAMFS_TOOLS_MODULES, text, edited);
  return TRUE;
}

static void
initramfs_tools_plan_rebuild (const PpBootRequest *request)
{
  pp_initramfs_plan_tool_rebuild (request, "update-initramfs", "-u", "-k", "all", NULL);
}

static const char * const initramfs_tools_writes[] = { "/etc/initramfs-tools/modules", NULL };
static const char * const initramfs_tools_runs[] = { "update-initramfs", NULL };

const PpInitramfsBackend pp_initramfs_tools = {
  .id = "initramfs-tools",
  .touches = { initramfs_tools_writes, initramfs_tools_runs },
  .detect = initramfs_tools_detect,
  .describe = initramfs_tools_describe,
  .plan_modules = initramfs_tools_plan_modules,
  .plan_rebuild = initramfs_tools_plan_rebuild,
};
