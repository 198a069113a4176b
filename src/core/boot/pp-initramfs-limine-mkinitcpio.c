/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pp-host-files.h"
#include "pp-initramfs-private.h"

/* mkinitcpio driven by limine-mkinitcpio (CachyOS with Limine): the images
 * Limine starts are the ones it writes beside the entries, not those of
 * mkinitcpio's presets, so it rebuilds them (and the entries). It builds
 * them with mkinitcpio's own configuration and hooks, so MODULES and the
 * hook that binds by address are mkinitcpio's. */

static gboolean
limine_mkinitcpio_detect (const PpHost  *host,
                          GError       **error)
{
  static const char * const tool[] = { "limine-mkinitcpio", NULL };
  static const char * const conf[] = { "/etc/mkinitcpio.conf", NULL };
  const char *found = NULL;

  if (pp_host_find_tool (host, tool) == NULL)
    return FALSE;
  return pp_boot_find_first (host, conf, &found, error) && found != NULL;
}

static char *
limine_mkinitcpio_describe (const PpBootSetup  *setup,
                            char              **next_step)
{
  return g_strdup (_("mkinitcpio, through limine-mkinitcpio"));
}

static void
limine_mkinitcpio_plan_rebuild (const PpBootRequest *request)
{
  pp_initramfs_plan_tool_rebuild (request, "limine-mkinitcpio", NULL);
}

static const char * const limine_mkinitcpio_writes[] = { PP_MKINITCPIO_WRITES, NULL };
static const char * const limine_mkinitcpio_runs[] = { "limine-mkinitcpio", NULL };

const PpInitramfsBackend pp_initramfs_limine_mkinitcpio = {
  .id = "limine-mkinitcpio",
  .touches = { limine_mkinitcpio_writes, limine_mkinitcpio_runs },
  .detect = limine_mkinitcpio_detect,
  .describe = limine_mkinitcpio_describe,
  .plan_modules = pp_initramfs_mkinitcpio_plan_modules,
  .plan_rebuild = limine_mkinitcpio_plan_rebuild,
  .plan_bind_by_address = pp_initramfs_mkinitcpio_plan_bind_by_address,
};
