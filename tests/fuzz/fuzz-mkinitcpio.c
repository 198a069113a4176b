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
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);
  g_autoptr(GPtrArray) edited = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);
  PpMkinitcpioIntent intent = { size % 2 == 0 };
  g_autoptr(PpEditResult) result = NULL;
  g_autoptr(PpEditResult) again = NULL;
  g_autoptr(GError) error = NULL;
  char *dropin = strchr (text, '\f');

  if (dropin != NULL)
    *dropin++ = '\0';
  g_ptr_array_add (files, pp_text_file_new ("/etc/mkinitcpio.conf", text));
  if (dropin != NULL)
    g_ptr_array_add (files, pp_text_file_new ("/etc/mkinitcpio.conf.d/10-x.conf", dropin));

  result = pp_mkinitcpio_edit_modules (files, &intent, &error);
  if (result == NULL)
    {
      FUZZ_REQUIRE (error != NULL);
      return 0;
    }
  for (guint i = 0; i < files->len; i++)
    {
      PpTextFile *file = g_ptr_array_index (files, i);
      const char *new_text = g_ptr_array_index (result->texts, i);

      g_ptr_array_add (edited, pp_text_file_new (file->path, new_text ? new_text : file->text));
    }
  again = pp_mkinitcpio_edit_modules (edited, &intent, &error);
  if (again == NULL)
    g_printerr ("fuzz: the edited file does not edit again: %s\n", error->message);
  FUZZ_REQUIRE (again != NULL);
  for (guint i = 0; i < edited->len; i++)
    FUZZ_REQUIRE (g_ptr_array_index (again->texts, i) == NULL);
  return 0;
}
