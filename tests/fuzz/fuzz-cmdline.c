/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz-common.h"
#include "pp-edit-sdboot.h"
#include "pp-kernel-params.h"

/* Input: a kernel command line / a loader entry */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  PpKernelParamsIntent intent = { size % 3, size % 2 == 0, size % 5 ? "1002:67df,1002:aaf0" : NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *line = pp_kernel_params_edit_line (&intent, "/etc/kernel/cmdline", text, &error);
  g_autofree char *line_again = NULL;
  g_autofree char *entry = NULL;

  FUZZ_REQUIRE ((line == NULL) == (error != NULL));
  if (line != NULL)
    {
      line_again = pp_kernel_params_edit_line (&intent, "/etc/kernel/cmdline", line, &error);
      FUZZ_REQUIRE (line_again != NULL && g_str_equal (line, line_again));
    }
  g_clear_error (&error);

  entry = pp_sdboot_edit_entry ("/boot/loader/entries/x.conf", text, &intent, &error);
  if (entry != NULL)
    {
      g_autofree char *entry_again = pp_sdboot_edit_entry ("/boot/loader/entries/x.conf", entry, &intent, &error);

      FUZZ_REQUIRE (entry_again == NULL && error == NULL);
    }
  return 0;
}
