/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

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

/* Binding by address: an install hook carries the script into the image,
 * its runtime part runs it as the first early hook, before udev starts */
#define BIND_HOOK "passthrough-prep-vfio"

static const char bind_install_text[] =
  "#!/bin/bash\n"
  "# Written by PassthroughPrep (" APP_ID ") to reserve a GPU by its PCI address: carries\n"
  "# " PP_VFIO_BIND_SCRIPT " and the functions it binds into the initramfs.\n"
  "# It is removed by Revert; do not edit.\n"
  "\n"
  "build() {\n"
  "    add_file " PP_VFIO_BIND_SCRIPT " " PP_VFIO_BIND_SCRIPT " 755\n"
  "    if [[ -e " PP_VFIO_ADDRESSES_FILE " ]]; then\n"
  "        add_file " PP_VFIO_ADDRESSES_FILE " " PP_VFIO_ADDRESSES_FILE " 644\n"
  "    fi\n"
  "    add_runscript\n"
  "}\n"
  "\n"
  "help() {\n"
  "    cat <<HELPEOF\n"
  "Hands the GPU functions PassthroughPrep reserved to vfio-pci by their PCI\n"
  "addresses (driver_override), before any GPU driver can take them.\n"
  "HELPEOF\n"
  "}\n";

static const char bind_runtime_text[] =
  "#!/usr/bin/ash\n"
  "# Written by PassthroughPrep (" APP_ID ") to reserve a GPU by its PCI address.\n"
  "# It is removed by Revert; do not edit.\n"
  "\n"
  "run_earlyhook() {\n"
  "    " PP_VFIO_BIND_SCRIPT "\n"
  "}\n";

gboolean
pp_initramfs_mkinitcpio_plan_bind_by_address (const PpBootRequest  *request,
                                              char                **refusal,
                                              GError              **error)
{
  g_autoptr(GPtrArray) dropins = pp_host_list_dir (request->host, "/etc/mkinitcpio.conf.d", ".conf",
                                                   compare_versions, error);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) hooks = NULL;
  g_autoptr(PpEditResult) result = NULL;
  const PpBootFileText hook_files[] = {
    { PP_MKINITCPIO_BIND_INSTALL, bind_install_text, 0644 },
    { PP_MKINITCPIO_BIND_RUNTIME, bind_runtime_text, 0644 },
    { NULL },
  };
  gboolean systemd, modconf;

  if (dropins == NULL)
    return FALSE;
  files = pp_boot_read_planned_files (request->host, request->changes, "/etc/mkinitcpio.conf", dropins, error);
  if (files == NULL || (hooks = pp_mkinitcpio_read_hooks (files, error)) == NULL)
    return FALSE;
  systemd = g_ptr_array_find_with_equal_func (hooks, "systemd", (GEqualFunc) g_strcmp0, NULL);
  modconf = g_ptr_array_find_with_equal_func (hooks, "modconf", (GEqualFunc) g_strcmp0, NULL);
  /* a systemd image runs no runtime hooks: only modprobe's install line
   * (modconf carries it) can run the script, and only for a vfio-pci module */
  if (systemd && (!modconf || request->host->mod_vfio_pci == PP_MODULE_BUILTIN))
    {
      *refusal = g_strdup (!modconf
                           ? _("This initramfs is built with systemd hooks and without modconf: it runs neither "
                               "mkinitcpio’s runtime hooks nor modprobe.d’s install lines, so nothing could hand "
                               "the GPU to vfio-pci by its address before the GPU drivers take both identical "
                               "cards. Add modconf to HOOKS in /etc/mkinitcpio.conf, then plan again.")
                           : _("This initramfs is built with systemd hooks, which do not run mkinitcpio’s runtime "
                               "hooks, and vfio-pci is built into this kernel, so modprobe.d’s install line never "
                               "runs either: nothing could hand the GPU to vfio-pci by its address before the GPU "
                               "drivers take both identical cards. Use the udev hooks (base udev … instead of "
                               "base systemd …) in /etc/mkinitcpio.conf, then plan again."));
      return TRUE;
    }
  result = pp_mkinitcpio_edit_hooks (files, BIND_HOOK, error);
  if (result == NULL)
    return FALSE;
  pp_changes_take_result (request->changes, files, result);
  return pp_boot_plan_whole_files (request, hook_files, error);
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
  .plan_bind_by_address = pp_initramfs_mkinitcpio_plan_bind_by_address,
};
