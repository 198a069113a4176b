/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pp-boot.h"
#include "pp-edit-sdboot.h"
#include "pp-host-files.h"

/* systemd-boot with Boot Loader Specification entries edited in place;
 * /etc/kernel/cmdline for kernels kernel-install adds later */

static gboolean
systemd_boot_detect (const PpHost  *host,
                     PpBootSetup   *setup,
                     GError       **error)
{
  static const char * const loader_confs[] = {
    "/boot/loader/loader.conf", "/efi/loader/loader.conf", "/boot/efi/loader/loader.conf", NULL,
  };

  const char *found = NULL;

  if (!pp_boot_find_first (host, loader_confs, &found, error) || found == NULL)
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
  g_autoptr(GPtrArray) entries = NULL;
  gboolean kernelstub = FALSE;

  if (!pp_boot_plan_kernel_cmdline (request, error))
    return FALSE;
  if (!pp_host_probe (request->host, "/etc/kernelstub/configuration", &kernelstub, error))
    return FALSE;
  /* Pop!_OS rewrites its entries from kernelstub's own list */
  if (kernelstub)
    {
      g_autofree char *args = pp_kernel_params_intent_args (request->params);

      pp_changes_add_manual_step (request->changes,
                                  _("kernelstub manages this machine’s boot entries and rewrites them on "
                                    "kernel updates: also run kernelstub -a \"%s\" (after removing any "
                                    "older iommu or vfio-pci.ids option with kernelstub -d)."), args);
    }

  entries = pp_boot_list_loader_entries (request->host, error);
  if (entries == NULL)
    return FALSE;
  for (guint e = 0; e < entries->len; e++)
    {
      const char *path = g_ptr_array_index (entries, e);
      g_autofree char *text = NULL;
      g_autofree char *edited = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!pp_host_read_file (request->host, path, &text, error))
        return FALSE;
      if (text == NULL)
        continue;
      edited = pp_sdboot_edit_entry (path, text, request->params, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      pp_changes_edit_file (request->changes, path, text, edited);
    }
  return TRUE;
}

static const char * const systemd_boot_writes[] = { "/etc/kernel/cmdline", "/boot/loader/entries/*.conf", "/boot/efi/loader/entries/*.conf", "/efi/loader/entries/*.conf", NULL };

const PpBootBackend pp_boot_systemd_boot = {
  .id = "systemd-boot",
  .bootloader = "systemd-boot",
  .touches = { systemd_boot_writes, NULL },
  .detect = systemd_boot_detect,
  .describe = systemd_boot_describe,
  .plan_params = systemd_boot_plan_params,
};
