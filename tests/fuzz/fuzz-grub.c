/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz-common.h"
#include "pp-edit-grub.h"

/* Input: /etc/default/grub, optionally "\f" and a grub.d drop-in */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_autoptr(GPtrArray) files = fuzz_files (text, "/etc/default/grub", "/etc/default/grub.d/50-x.cfg");
  g_autoptr(GPtrArray) edited = NULL;
  PpKernelParamsIntent intent = { size % 2 ? PP_CPU_VENDOR_AMD : PP_CPU_VENDOR_INTEL, TRUE, "10de:1b80,10de:10f0" };
  gboolean prefer_linux = size % 3 == 0;
  g_autoptr(PpEditResult) result = NULL;
  g_autoptr(PpEditResult) again = NULL;
  g_autoptr(GError) error = NULL;

  result = pp_grub_edit_cmdline (files, &intent, prefer_linux, &error);
  if (result == NULL)
    {
      FUZZ_REQUIRE (error != NULL);
      return 0;
    }
  edited = pp_edit_result_apply (result, files);
  again = pp_grub_edit_cmdline (edited, &intent, prefer_linux, &error);
  fuzz_require_idempotent (again, edited, error);
  return 0;
}
