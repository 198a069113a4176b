/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-safe-file.h"

G_BEGIN_DECLS

/* save-rom ADDRESS: reads the expansion ROM of a reserved GPU that drives no
 * display through sysfs, checks it and saves it as pp_vm_rom_path() names
 * it. Emits events and ends with "done"; errors carry the exit status. */
gboolean  pp_helper_save_rom  (PpSafeRoot    *root,
                               gboolean       test_mode,
                               const char    *address,
                               GError       **error);

/* Whether @data is an expansion ROM for @vendor:@device: the 0x55AA
 * signature and a PCI data structure ("PCIR") for every image of the chain,
 * the first image's vendor and device (or its PCI 3.0 device list) those of
 * the card, and every legacy x86 image summing to 0. Errors carry
 * PP_HELPER_EXIT_ROM_BAD_SIGNATURE, _WRONG_DEVICE or _BAD_CHECKSUM. */
gboolean  pp_rom_check        (const guint8  *data,
                               gsize          length,
                               guint16        vendor,
                               guint16        device,
                               GError       **error);

G_END_DECLS
