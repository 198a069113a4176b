/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pp-boot.h"
#include "pp-edit-limine.h"
#include "pp-host-files.h"

/* Limine with a configuration written by hand: the command line of every
 * Linux entry in limine.conf (or the older limine.cfg), edited in place.
 * Limine reads it at every boot; nothing is rebuilt. */

/* Where Limine looks on the partition it started from, as seen with that
 * partition at /boot, /boot/efi or /efi */
static const char * const limine_confs[] = {
  "/boot/limine.conf", "/boot/limine/limine.conf", "/boot/EFI/BOOT/limine.conf", "/boot/EFI/limine/limine.conf",
  "/boot/efi/limine.conf", "/boot/efi/limine/limine.conf", "/boot/efi/EFI/BOOT/limine.conf",
  "/boot/efi/EFI/limine/limine.conf", "/efi/limine.conf", "/efi/limine/limine.conf", "/efi/EFI/BOOT/limine.conf",
  "/efi/EFI/limine/limine.conf", "/boot/limine.cfg", "/boot/limine/limine.cfg", "/boot/EFI/BOOT/limine.cfg",
  "/boot/efi/EFI/BOOT/limine.cfg", NULL,
};

static gboolean
limine_detect (const PpHost  *host,
               PpBootSetup   *setup,
               GError       **error)
{
  const char *found = NULL;

  if (!pp_boot_find_first (host, limine_confs, &found, error) || found == NULL)
    return FALSE;
  g_free (setup->boot_evidence);
  setup->boot_evidence = g_strdup_printf (_("%s exists"), found);
  return TRUE;
}

static char *
limine_describe (const PpBootSetup *setup,
                 char             **next_step)
{
  return g_strdup (_("Limine"));
}

static gboolean
limine_plan_params (const PpBootRequest *request,
                    GError             **error)
{
  gboolean edited = FALSE;

  /* where two are there, which one Limine reads depends on its version and
   * where it was started from: each gets the parameters */
  for (guint i = 0; limine_confs[i] != NULL; i++)
    {
      g_autofree char *text = NULL;
      g_autofree char *new_text = NULL;
      g_autoptr(GError) local_error = NULL;

      if (!pp_host_read_file (request->host, limine_confs[i], &text, error))
        return FALSE;
      if (text == NULL)
        continue;
      new_text = pp_limine_edit_conf (limine_confs[i], text, request->params, request->changes->warnings, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      edited |= pp_changes_edit_file (request->changes, limine_confs[i], text, new_text);
    }
  if (edited)
    pp_changes_add_warning (request->changes,
                            _("If Limine’s EFI file carries the checksum of its configuration (limine "
                              "enroll-config, for Secure Boot), enroll the changed file again before restarting, "
                              "or Limine refuses to start."));
  return TRUE;
}

const PpBootBackend pp_boot_limine = {
  .id = "limine",
  .bootloader = "limine",
  .touches = { limine_confs, NULL },
  .detect = limine_detect,
  .describe = limine_describe,
  .plan_params = limine_plan_params,  .no_boot_entry = N_("PassthroughPrep does not add boot entries to limine.conf, so it changes every entry."),
};
