/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pp-boot.h"

G_BEGIN_DECLS

/* Shared by the systemd-boot backends (entries, UKIs, sdboot-manage,
 * kernelstub) */

/* Sets *@found to systemd-boot's loader.conf on the ESP or XBOOTLDR
 * (/boot, /efi, /boot/efi), or NULL */
gboolean  pp_boot_find_loader_conf  (const PpHost  *host,
                                     const char   **found,
                                     GError       **error);

/* TRUE when systemd-boot's loader.conf is there, with the evidence in @setup */
gboolean  pp_boot_detect_systemd_boot (const PpHost  *host,
                                       PpBootSetup   *setup,
                                       GError       **error);

/* The writes every systemd-boot backend that edits entries declares */
#define PP_LOADER_ENTRY_WRITES \
  "/boot/loader/entries/*.conf", "/boot/efi/loader/entries/*.conf", "/efi/loader/entries/*.conf"

G_END_DECLS
