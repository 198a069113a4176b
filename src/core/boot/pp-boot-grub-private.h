/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pp-boot.h"

G_BEGIN_DECLS

/* Shared by the two GRUB backends (grub-mkconfig and BLS with grubby) */

/* The grub.cfg this host boots and whether /etc/default/grub is there:
 * TRUE when both are. */
gboolean  pp_boot_grub_detect_files  (const PpHost  *host,
                                      PpBootSetup   *setup,
                                      GError       **error);
/* /etc/default/grub then /etc/default/grub.d/\*.cfg, as grub-mkconfig sources
 * them (PpTextFile*) */
GPtrArray *pp_boot_grub_read_defaults (const PpHost  *host,
                                       GError       **error);
/* Edits the command line in those files (GRUB_CMDLINE_LINUX_DEFAULT, or
 * GRUB_CMDLINE_LINUX when @prefer_linux) */
gboolean  pp_boot_grub_edit_defaults (const PpBootRequest *request,
                                      gboolean             prefer_linux,
                                      GError             **error);

G_END_DECLS
