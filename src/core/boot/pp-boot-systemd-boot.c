/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pp-boot-systemd-boot-private.h"
#include "pp-host-files.h"

/* systemd-boot with Boot Loader Specification entries (Type #1), edited in
 * place; /etc/kernel/cmdline for kernels kernel-install adds later */

gboolean
pp_boot_find_loader_conf (const PpHost  *host,
                          const char   **found,
                          GError       **error)
{
  static const char * const loader_confs[] = {
    "/boot/loader/loader.conf", "/efi/loader/loader.conf", "/boot/efi/loader/loader.conf", NULL,
  };

  return pp_boot_find_first (host, loader_confs, found, error);
}

gboolean
pp_boot_detect_systemd_boot (const PpHost  *host,
                             PpBootSetup   *setup,
                             GError       **error)
{
  const char *found = NULL;

  if (!pp_boot_find_loader_conf (host, &found, error) || found == NULL)
    return FALSE;
  g_free (setup->boot_evidence);
  setup->boot_evidence = g_strdup_printf (_("%s exists"), found);
  return TRUE;
}

static char *
systemd_boot_describe (const PpBootSetup *setup,
                       char             **next_step)
{
  return g_strdup (_("systemd-boot"));
}

static gboolean
systemd_boot_plan_params (const PpBootRequest *request,
                          GError             **error)
{
  return pp_boot_plan_kernel_cmdline (request, error) && pp_boot_plan_loader_entries (request, error);
}

static const char * const systemd_boot_writes[] = { "/etc/kernel/cmdline", PP_LOADER_ENTRY_WRITES, NULL };

const PpBootBackend pp_boot_systemd_boot = {
  .id = "systemd-boot",
  .bootloader = "systemd-boot",
  .touches = { systemd_boot_writes, NULL },
  .detect = pp_boot_detect_systemd_boot,
  .describe = systemd_boot_describe,
  .plan_params = systemd_boot_plan_params,
};
