/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-host.h"

G_BEGIN_DECLS

/* The vendor GUID of the Boot Loader Interface variables (systemd-boot,
 * GRUB's bli module, Limine) */
#define PP_EFI_LOADER_GUID "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
#define PP_EFI_VARS_DIR    "/sys/firmware/efi/efivars"

/* Reads the string EFI variable NAME-PP_EFI_LOADER_GUID under the host's
 * root (4 attribute bytes, then UTF-16LE up to a NUL). TRUE with *@value
 * NULL when the host did not boot with UEFI, or the variable is absent or
 * empty (deleted). FALSE with PP_HOST_ERROR_UNREADABLE when it exists but
 * cannot be read, PP_HOST_ERROR_MALFORMED when it is not such a string. */
gboolean pp_host_read_efi_string (const PpHost  *host,
                                  const char    *name,
                                  char         **value,
                                  GError       **error);

/* The same, decoding @data (what efivarfs gives for a variable); @path
 * names it in messages */
gboolean pp_efi_decode_string    (const char    *path,
                                  const guint8  *data,
                                  gsize          size,
                                  char         **value,
                                  GError       **error);

G_END_DECLS
