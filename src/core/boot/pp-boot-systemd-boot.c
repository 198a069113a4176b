/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-boot-systemd-boot-private.h"
#include "pp-edit-sdboot.h"
#include "pp-host-files.h"

/* systemd-boot with Boot Loader Specification entries (Type #1), edited in
 * place; /etc/kernel/cmdline for kernels kernel-install adds later */

#define LOADER_MENU_SECONDS 3

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

static const char * const systemd_boot_writes[] = {
  "/etc/kernel/cmdline", PP_LOADER_ENTRY_WRITES, "/boot/loader/loader.conf", "/efi/loader/loader.conf",
  "/boot/efi/loader/loader.conf", PP_KERNEL_INSTALL_PLUGIN, NULL,
};

/* A sibling "…-passthrough.conf" for each Linux entry, the menu shown, and
 * where kernel-install writes the entries, a plugin that gives kernels
 * installed later theirs */
static gboolean
systemd_boot_plan_boot_entry (const PpBootRequest *request,
                              GError             **error)
{
  const char *loader_conf = NULL;
  g_autofree char *loader_text = NULL;
  g_autofree char *shown = NULL;
  gboolean kernelstub = FALSE;

  if (!pp_host_probe (request->host, "/etc/kernelstub/configuration", &kernelstub, error))
    return FALSE;
  if (kernelstub)
    {
      g_set_error_literal (error, PP_BOOT_ERROR, PP_BOOT_ERROR_NO_BOOT_ENTRY,
                           _("kernelstub writes this computer’s boot entries and keeps only its own: a separate "
                             "Passthrough entry would not last."));
      return FALSE;
    }
  if (!pp_boot_find_loader_conf (request->host, &loader_conf, error)
      || (loader_conf != NULL && !pp_host_read_file (request->host, loader_conf, &loader_text, error))
      || !pp_boot_plan_passthrough_entries (request, error))
    return FALSE;
  /* logind names Type #1 entries by their file name */
  if (request->changes->restart_entry != NULL)
    {
      char *id = g_path_get_basename (request->changes->restart_entry);

      g_free (request->changes->restart_entry);
      request->changes->restart_entry = id;
      request->changes->restart_method = PP_RESTART_LOGIND;
    }
  shown = pp_sdboot_loader_show_menu (loader_text, LOADER_MENU_SECONDS);
  pp_changes_edit_file (request->changes, loader_conf != NULL ? loader_conf : "/boot/loader/loader.conf",
                        loader_text, shown);
  return TRUE;
}

const PpBootBackend pp_boot_systemd_boot = {
  .id = "systemd-boot",
  .bootloader = "systemd-boot",
  .touches = { systemd_boot_writes, NULL },
  .detect = pp_boot_detect_systemd_boot,
  .describe = systemd_boot_describe,
  .plan_params = systemd_boot_plan_params,
  .plan_boot_entry = systemd_boot_plan_boot_entry,
};
