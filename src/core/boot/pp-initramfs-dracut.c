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
                                 GError             **error)
{
  g_autoptr(GPtrArray) names = pp_host_list_dir (request->host, "/etc/dracut.conf.d", ".conf", NULL, error);
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *ours = pp_dracut_render (request->gpu);
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

static void
dracut_plan_rebuild (const PpBootRequest *request)
{
  pp_initramfs_plan_tool_rebuild (request, "dracut", "-f", "--regenerate-all", NULL);
}

static const char * const dracut_writes[] = { PP_DRACUT_FILE, NULL };
static const char * const dracut_runs[] = { "dracut", NULL };

const PpInitramfsBackend pp_initramfs_dracut = {
  .id = "dracut",
  .touches = { dracut_writes, dracut_runs },
  .detect = dracut_detect,
  .describe = dracut_describe,
  .plan_modules = pp_initramfs_dracut_plan_dropin,
  .plan_rebuild = dracut_plan_rebuild,
};
