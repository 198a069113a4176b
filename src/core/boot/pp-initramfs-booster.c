/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-edit-booster.h"
#include "pp-host-files.h"
#include "pp-initramfs-private.h"

/* booster (Arch): modules_force_load in /etc/booster.yaml. booster reads
 * the "options" lines of modprobe.d (our vfio-pci ids) but not softdep, so
 * force-loading is what puts vfio-pci first. Each image is built again as
 * Arch's hook does: booster build --force --kernel-version VERSION
 * /boot/booster-PKGBASE.img for every kernel that names its pkgbase. */

static gboolean
booster_detect (const PpHost  *host,
                GError       **error)
{
  static const char * const files[] = { "/usr/bin/booster", PP_BOOSTER_CONFIG, NULL };
  const char *found = NULL;

  return pp_boot_find_first (host, files, &found, error) && found != NULL;
}

static char *
booster_describe (const PpBootSetup  *setup,
                  char              **next_step)
{
  return g_strdup ("booster");
}

static gboolean
booster_plan_modules (const PpBootRequest *request,
                      GError             **error)
{
  g_autofree char *text = NULL;
  g_autofree char *edited = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!pp_host_read_file (request->host, PP_BOOSTER_CONFIG, &text, error))
    return FALSE;
  edited = pp_booster_edit_config (PP_BOOSTER_CONFIG, text, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  pp_changes_edit_file (request->changes, PP_BOOSTER_CONFIG, text, edited);
  return TRUE;
}

static void
booster_plan_rebuild (const PpBootRequest *request)
{
  g_autoptr(GPtrArray) versions = pp_host_list_subdirs (request->host, "/usr/lib/modules", NULL);
  guint built = 0;

  for (guint v = 0; versions != NULL && v < versions->len; v++)
    {
      const char *version = g_ptr_array_index (versions, v);
      g_autofree char *pkgbase_path = g_build_filename ("/usr/lib/modules", version, "pkgbase", NULL);
      g_autofree char *pkgbase = NULL;
      g_autofree char *image = NULL;

      if (!pp_host_read_file (request->host, pkgbase_path, &pkgbase, NULL) || pkgbase == NULL)
        continue;
      g_strstrip (pkgbase);
      if (pkgbase[0] == '\0' || strchr (pkgbase, '/') != NULL)
        continue;
      image = g_strdup_printf ("/boot/booster-%s.img", pkgbase);
      pp_initramfs_plan_tool_rebuild (request, "booster", "build", "--force", "--kernel-version", version, image, NULL);
      built++;
    }
  if (built == 0)
    pp_changes_add_manual_step (request->changes,
                                _("booster: no kernel in /usr/lib/modules names its package (pkgbase), so the "
                                  "images cannot be rebuilt here. After these changes, run "
                                  "/usr/lib/booster/regenerate_images before restarting."));
}

static gboolean
booster_plan_bind_by_address (const PpBootRequest  *request,
                              char                **refusal,
                              GError              **error)
{
  *refusal = g_strdup (_("booster cannot hand a GPU to vfio-pci by its address: its init runs no scripts, and it "
                         "ignores the install and softdep lines of modprobe.d, so nothing could set "
                         "driver_override before the GPU drivers take both identical cards. Build the initramfs "
                         "with mkinitcpio or dracut instead, or reserve a card whose vendor:device ID no other "
                         "device has."));
  return TRUE;
}

static const char * const booster_writes[] = { PP_BOOSTER_CONFIG, NULL };
static const char * const booster_runs[] = { "booster", NULL };

const PpInitramfsBackend pp_initramfs_booster = {
  .id = "booster",
  .touches = { booster_writes, booster_runs },
  .detect = booster_detect,
  .describe = booster_describe,
  .plan_modules = booster_plan_modules,
  .plan_rebuild = booster_plan_rebuild,
  .plan_bind_by_address = booster_plan_bind_by_address,
};
