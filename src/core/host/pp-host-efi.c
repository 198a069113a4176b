/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-host-efi.h"
#include "pp-host-files.h"

/* Loader strings are short; anything this large is not one */
#define PP_EFI_STRING_MAX 4096

gboolean
pp_efi_decode_string (const char    *path,
                      const guint8  *data,
                      gsize          size,
                      char         **value,
                      GError       **error)
{
  g_autofree gunichar2 *units = NULL;
  g_autoptr(GError) utf16_error = NULL;
  gsize n_units;
  gsize length = 0;

  *value = NULL;
  /* attributes only, or nothing: a variable being deleted */
  if (size <= 4)
    return TRUE;
  if ((size - 4) % 2 != 0)
    {
      g_set_error (error, PP_HOST_ERROR, PP_HOST_ERROR_MALFORMED,
                   _("%s: an odd number of bytes after the attributes, so not a UTF-16 string"), path);
      return FALSE;
    }
  n_units = (size - 4) / 2;
  units = g_new (gunichar2, n_units + 1);
  for (gsize i = 0; i < n_units; i++)
    units[i] = (gunichar2) (data[4 + 2 * i] | (data[4 + 2 * i + 1] << 8));
  while (length < n_units && units[length] != 0)
    length++;
  if (length == 0)
    return TRUE;
  *value = g_utf16_to_utf8 (units, length, NULL, NULL, &utf16_error);
  if (*value == NULL)
    {
      g_set_error (error, PP_HOST_ERROR, PP_HOST_ERROR_MALFORMED,
                   _("%s: not a UTF-16 string (%s)"), path, utf16_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
pp_host_read_efi_string (const PpHost  *host,
                         const char    *name,
                         char         **value,
                         GError       **error)
{
  g_autofree char *path = g_strdup_printf (PP_EFI_VARS_DIR "/%s-" PP_EFI_LOADER_GUID, name);
  g_autoptr(GBytes) bytes = NULL;
  gsize size = 0;
  const guint8 *data;

  *value = NULL;
  if (!host->uefi)
    return TRUE;
  if (!pp_host_read_bytes (host, path, PP_EFI_STRING_MAX, &bytes, error))
    return FALSE;
  if (bytes == NULL)
    return TRUE;
  data = g_bytes_get_data (bytes, &size);
  return pp_efi_decode_string (path, data, size, value, error);
}
