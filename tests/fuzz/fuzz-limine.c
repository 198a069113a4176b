/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz-common.h"
#include "pp-edit-limine.h"

/* Input: a limine.conf (limine.cfg when the size is odd), also read as
 * /etc/default/limine, with a limine-entry-tool.d drop-in after a "\f" */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_autofree char *conf_text = g_strdup (text);
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);
  PpKernelParamsIntent intent = { size % 3 ? PP_CPU_VENDOR_INTEL : PP_CPU_VENDOR_AMD, TRUE, "10de:1b80,10de:10f0" };
  const char *path = size % 2 ? "/boot/limine.cfg" : "/boot/limine.conf";
  g_autoptr(GError) error = NULL;
  g_autofree char *edited = pp_limine_edit_conf (path, conf_text, &intent, warnings, &error);
  g_autoptr(PpEditResult) result = NULL;
  gboolean found = FALSE;

  if (edited != NULL)
    {
      g_autofree char *again = pp_limine_edit_conf (path, edited, &intent, warnings, &error);

      if (error != NULL)
        g_printerr ("fuzz: the edited limine.conf does not edit again: %s\n", error->message);
      FUZZ_REQUIRE (error == NULL && again == NULL);
    }
  g_clear_error (&error);

  files = fuzz_files (text, "/etc/limine-entry-tool.d/50-x.conf", "/etc/default/limine");
  result = pp_limine_defaults_edit (files, &intent, &found, &error);
  if (result == NULL)
    {
      FUZZ_REQUIRE (error != NULL);
      return 0;
    }
  {
    g_autoptr(GPtrArray) applied = pp_edit_result_apply (result, files);
    g_autoptr(PpEditResult) again = pp_limine_defaults_edit (applied, &intent, &found, &error);

    fuzz_require_idempotent (again, applied, error);
  }
  return 0;
}
