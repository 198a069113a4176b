/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz-common.h"
#include "pp-edit-mkinitcpio.h"

/* Input: /etc/mkinitcpio.conf, optionally "\f" and a drop-in */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_autoptr(GPtrArray) files = fuzz_files (text, "/etc/mkinitcpio.conf", "/etc/mkinitcpio.conf.d/10-x.conf");
  g_autoptr(GPtrArray) edited = NULL;
  PpMkinitcpioIntent intent = { size % 2 == 0 };
  g_autoptr(PpEditResult) result = NULL;
  g_autoptr(PpEditResult) again = NULL;
  g_autoptr(GError) error = NULL;

  result = pp_mkinitcpio_edit_modules (files, &intent, &error);
  if (result == NULL)
    {
      FUZZ_REQUIRE (error != NULL);
      return 0;
    }
  edited = pp_edit_result_apply (result, files);
  again = pp_mkinitcpio_edit_modules (edited, &intent, &error);
  fuzz_require_idempotent (again, edited, error);
  return 0;
}
