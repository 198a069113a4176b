/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pp-edit-modprobe.h"
#include "pp-host-files.h"
#include "pp-initramfs-private.h"

/* dracut (Fedora, RHEL-likes, openSUSE): our own drop-in in /etc/dracut.conf.d */

static gboolean
dracut_detect (const PpHost  *host,
               GError       **error)
{
  static const char * const files[] = { "/usr/bin/dracut", "/usr/sbin/dracut", "/etc/dracut.conf", NULL };
  const char *found = NULL;

  return pp_boot_find_first (host, files, &found, error) && found != NULL;
}

static char *
dracut_describe (const PpBootSetup  *setup,
                 char              **next_step)
{
  return g_strdup ("dracut");
}

gboolean
pp_initramfs_dracut_plan_dropin (const PpBootRequest *request,
                                 const char * const  *install_items,
                                 GError             **error)
{
  g_autoptr(GPtrArray) names = pp_host_list_dir (request->host, "/etc/dracut.conf.d", ".conf", NULL, error);
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *ours = pp_dracut_render (request->gpu, install_items);
  g_autofree char *ours_old = NULL;

  if (names == NULL || !pp_host_read_file (request->host, PP_DRACUT_FILE, &ours_old, error))
    return FALSE;
  if (!g_ptr_array_find_with_equal_func (names, PP_DRACUT_FILE, g_str_equal, NULL))
    {
      g_ptr_array_add (names, g_strdup (PP_DRACUT_FILE));
      g_ptr_array_sort (names, pp_host_compare_paths);
    }
  files = pp_boot_read_files (request->host, "/etc/dracut.conf", names, error);
  if (files == NULL)
    return FALSE;
  /* the others are checked against ours as it will be */
  for (guint i = 0; i < files->len; i++)
    {
      PpTextFile *file = g_ptr_array_index (files, i);

      if (g_str_equal (file->path, PP_DRACUT_FILE))
        {
          g_free (file->text);
          file->text = g_strdup (ours);
        }
    }
  if (!pp_dracut_check_others (files, request->changes->warnings, error))
    return FALSE;
  pp_changes_edit_file (request->changes, PP_DRACUT_FILE, ours_old, ours);
  return TRUE;
}

static gboolean
dracut_plan_modules (const PpBootRequest *request,
                     GError             **error)
{
  return pp_initramfs_dracut_plan_dropin (request, NULL, error);
}

static void
dracut_plan_rebuild (const PpBootRequest *request)
{
  pp_initramfs_plan_tool_rebuild (request, "dracut", "-f", "--regenerate-all", NULL);
}

/* Binding by address: a dracut module carries the script into the image and
 * runs it as a pre-udev hook, before udev starts */
#define BIND_MODULE_DIR "/usr/lib/dracut/modules.d/90passthrough-prep-vfio"
#define BIND_SETUP BIND_MODULE_DIR "/module-setup.sh"
#define BIND_HOOK BIND_MODULE_DIR "/passthrough-prep-vfio.sh"

static const char bind_setup_text[] =
  "#!/bin/bash\n"
  "# Written by PassthroughPrep (" APP_ID ") to reserve a GPU by its PCI address: this\n"
  "# dracut module carries " PP_VFIO_BIND_SCRIPT " into the initramfs and runs it\n"
  "# before udev starts. It is removed by Revert; do not edit.\n"
  "\n"
  "# called by dracut\n"
  "check() {\n"
  "    return 0\n"
  "}\n"
  "\n"
  "# called by dracut\n"
  "depends() {\n"
  "    return 0\n"
  "}\n"
  "\n"
  "# called by dracut\n"
  "install() {\n"
  "    inst_simple " PP_VFIO_BIND_SCRIPT "\n"
  "    if [ -e " PP_VFIO_ADDRESSES_FILE " ]; then\n"
  "        inst_simple " PP_VFIO_ADDRESSES_FILE "\n"
  "    fi\n"
  "    # without hostonly, dracut leaves /etc/modprobe.d out\n"
  "    inst_simple " PP_MODPROBE_FILE "\n"
  "    # shellcheck disable=SC2154 # dracut sets moddir\n"
  "    inst_hook pre-udev 00 \"$moddir/passthrough-prep-vfio.sh\"\n"
  "}\n";

static const char bind_hook_text[] =
  "#!/bin/sh\n"
  "# Written by PassthroughPrep (" APP_ID ") to reserve a GPU by its PCI address: dracut\n"
  "# runs this before udev starts. It is removed by Revert; do not edit.\n"
  PP_VFIO_BIND_SCRIPT "\n";

static gboolean
dracut_plan_bind_by_address (const PpBootRequest  *request,
                             char                **refusal,
                             GError              **error)
{
  const PpBootFileText files[] = {
    { BIND_SETUP, bind_setup_text, 0755 },
    { BIND_HOOK, bind_hook_text, 0755 },
    { NULL },
  };

  return pp_boot_plan_whole_files (request, files, error);
}

static const char * const dracut_writes[] = { PP_DRACUT_FILE, BIND_SETUP, BIND_HOOK, NULL };
static const char * const dracut_runs[] = { "dracut", NULL };

const PpInitramfsBackend pp_initramfs_dracut = {
  .id = "dracut",
  .touches = { dracut_writes, dracut_runs },
  .detect = dracut_detect,
  .describe = dracut_describe,
  .plan_modules = dracut_plan_modules,
  .plan_rebuild = dracut_plan_rebuild,
  .plan_bind_by_address = dracut_plan_bind_by_address,
};
