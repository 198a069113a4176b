/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz-common.h"
#include "pp-edit-booster.h"
#include "pp-edit-initramfs-tools.h"
#include "pp-edit-modprobe.h"
#include "pp-edit-refind.h"

/* Input: read as rEFInd's refind_linux.conf and refind.conf, booster's
 * YAML, and a modprobe.d or modules file whose earlier ids= are taken out
 * or set (a line picked by the size) */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  PpKernelParamsIntent intent = { PP_CPU_VENDOR_AMD, TRUE, "1002:67df,1002:aaf0" };
  g_autoptr(GError) error = NULL;
  g_autofree char *refind = pp_refind_edit_linux_conf ("/boot/refind_linux.conf", text, &intent, &error);
  g_autoptr(GPtrArray) stanzas = pp_refind_linux_stanzas (text);
  g_autofree char *booster = NULL;
  g_autofree char *dropped = pp_modprobe_drop_ids (text, size % 7 + 1);
  g_autofree char *set = pp_modules_line_set_ids (text, size % 5 + 1, "1002:67df");

  if (refind != NULL)
    {
      g_autofree char *again = pp_refind_edit_linux_conf ("/boot/refind_linux.conf", refind, &intent, &error);

      FUZZ_REQUIRE (error == NULL && again == NULL);
    }
  for (guint i = 0; i < stanzas->len; i++)
    FUZZ_REQUIRE (((PpRefindStanza *) g_ptr_array_index (stanzas, i))->line > 0);
  g_clear_error (&error);

  booster = pp_booster_edit_config ("/etc/booster.yaml", text, &error);
  if (booster != NULL)
    {
      g_autofree char *again = pp_booster_edit_config ("/etc/booster.yaml", booster, &error);

      if (error != NULL)
        g_printerr ("fuzz: the edited booster.yaml does not edit again: %s\n", error->message);
      FUZZ_REQUIRE (error == NULL && again == NULL);
    }
  if (dropped != NULL)
    FUZZ_REQUIRE (strlen (dropped) < strlen (text));
  if (set != NULL)
    {
      g_autofree char *again = pp_modules_line_set_ids (set, size % 5 + 1, "1002:67df");

      FUZZ_REQUIRE (again == NULL);
    }
  return 0;
}
