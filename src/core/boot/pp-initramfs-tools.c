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

/* Binding by address: a hook carries the script into the image, an init-top
 * script runs it first thing (modprobe's install line covers a vfio-pci
 * module that udev, started in init-top too, loads sooner) */
#define BIND_HOOK "/etc/initramfs-tools/hooks/passthrough-prep-vfio"
#define BIND_SCRIPT "/etc/initramfs-tools/scripts/init-top/passthrough-prep-vfio"

/* what every initramfs-tools script starts with: mkinitramfs asks it what must run before it */
#define PREREQ_HEADER \
  "PREREQ=\"\"\n" \
  "prereqs() {\n" \
  "    echo \"$PREREQ\"\n" \
  "}\n" \
  "case $1 in\n" \
  "prereqs)\n" \
  "    prereqs\n" \
  "    exit 0\n" \
  "    ;;\n" \
  "esac\n" \
  "\n"

static const char bind_hook_text[] =
  "#!/bin/sh\n"
  "# Written by PassthroughPrep (" APP_ID ") to reserve a GPU by its PCI address: carries\n"
  "# " PP_VFIO_BIND_SCRIPT " and the functions it binds into the initramfs.\n"
  "# It is removed by Revert; do not edit.\n"
  PREREQ_HEADER
  "# shellcheck disable=SC1091 # initramfs-tools' own\n"
  ". /usr/share/initramfs-tools/hook-functions\n"
  "copy_file script " PP_VFIO_BIND_SCRIPT "\n"
  "if [ -e " PP_VFIO_ADDRESSES_FILE " ]; then\n"
  "    copy_file config " PP_VFIO_ADDRESSES_FILE "\n"
  "fi\n"
  "exit 0\n";

static const char bind_script_text[] =
  "#!/bin/sh\n"
  "# Written by PassthroughPrep (" APP_ID ") to reserve a GPU by its PCI address.\n"
  "# It is removed by Revert; do not edit.\n"
  PREREQ_HEADER
  PP_VFIO_BIND_SCRIPT "\n"
  "exit 0\n";

static gboolean
initramfs_tools_plan_bind_by_address (const PpBootRequest  *request,
                                      char                **refusal,
                                      GError              **error)
{
  const PpBootFileText files[] = {
    { BIND_HOOK, bind_hook_text, 0755 },
    { BIND_SCRIPT, bind_script_text, 0755 },
    { NULL },
  };

  return pp_boot_plan_whole_files (request, files, error);
}

static const char * const initramfs_tools_writes[] = { "/etc/initramfs-tools/modules", BIND_HOOK, BIND_SCRIPT, NULL };
static const char * const initramfs_tools_runs[] = { "update-initramfs", NULL };

const PpInitramfsBackend pp_initramfs_tools = {
  .id = "initramfs-tools",
  .touches = { initramfs_tools_writes, initramfs_tools_runs },
  .detect = initramfs_tools_detect,
  .describe = initramfs_tools_describe,
  .plan_modules = initramfs_tools_plan_modules,
  .plan_rebuild = initramfs_tools_plan_rebuild,
  .plan_bind_by_address = initramfs_tools_plan_bind_by_address,
};
