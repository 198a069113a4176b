/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pp-boot.h"
#include "pp-host-files.h"

/* A boot manager PassthroughPrep finds but does not edit: the parameters
 * are a step by hand */

static const char * const other_loader_files[] = {
  "/boot/refind_linux.conf", "/boot/efi/EFI/refind/refind.conf", "/efi/EFI/refind/refind.conf",
  "/boot/limine.cfg", "/boot/limine.conf", "/boot/limine/limine.conf",
  "/boot/efi/EFI/BOOT/limine.conf", "/etc/lilo.conf", "/boot/syslinux/syslinux.cfg", NULL,
};

static gboolean
other_detect (const PpHost  *host,
              PpBootSetup   *setup,
              GError       **error)
{
  const char *found = NULL;

  if (!pp_boot_find_first (host, other_loader_files, &found, error) || found == NULL)
    return FALSE;
  g_free (setup->boot_evidence);
  setup->boot_evidence = g_strdup_printf (_("%s exists"), found);
  return TRUE;
}

static char *
other_describe (const PpBootSetup *setup,
                char             **next_step)
{
  *next_step = g_strdup (_("The kernel parameters must be added by hand; the review lists them."));
  return g_strdup (_("Neither GRUB nor systemd-boot"));
}

static gboolean
other_plan_params (const PpBootRequest *request,
                   GError             **error)
{
  return pp_boot_plan_params_by_hand (request, _("PassthroughPrep edits only GRUB and systemd-boot"), error);
}

static const char * const other_writes[] = { "/etc/kernel/cmdline", NULL };

const PpBootBackend pp_boot_other = {
  .id = "other",
  .bootloader = "other",
  .touches = { other_writes, NULL },
  .detect = other_detect,
  .describe = other_describe,
  .plan_params = other_plan_params,
  .no_boot_entry = N_("PassthroughPrep does not edit this boot loader, so it cannot add a boot entry to it."),
};
