/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pp-boot.h"

/* booster (Arch): not edited yet, a step by hand */

static gboolean
booster_detect (const PpHost  *host,
                GError       **error)
{
  static const char * const files[] = { "/usr/bin/booster", "/etc/booster.yaml", NULL };
  const char *found = NULL;

  return pp_boot_find_first (host, files, &found, error) && found != NULL;
}

static char *
booster_describe (const PpBootSetup  *setup,
                  char              **next_step)
{
  *next_step = g_strdup (_("Load vfio_pci, vfio and vfio_iommu_type1 early by hand; the review lists them."));
  return g_strdup ("booster");
}

static gboolean
booster_plan_modules (const PpBootRequest *request,
                      GError             **error)
{
  pp_changes_add_manual_step (request->changes,
                              _("booster: add “modules_force_load: vfio_pci,vfio,vfio_iommu_type1” to "
                                "/etc/booster.yaml, then rebuild the images (booster build, or reinstall the kernel "
                                "package)."));
  return TRUE;
}

static void
booster_plan_rebuild (const PpBootRequest *request)
{
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

const PpInitramfsBackend pp_initramfs_booster = {
  .id = "booster",
  .detect = booster_detect,
  .describe = booster_describe,
  .plan_modules = booster_plan_modules,
  .plan_rebuild = booster_plan_rebuild,
  .plan_bind_by_address = booster_plan_bind_by_address,
};
