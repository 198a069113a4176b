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
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);
  g_autoptr(GPtrArray) edited = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);
  PpKernelParamsIntent intent = { size % 2 ? PP_CPU_VENDOR_AMD : PP_CPU_VENDOR_INTEL, TRUE, "10de:1b80,10de:10f0" };
  gboolean prefer_linux = size % 3 == 0;
  g_autoptr(PpEditResult) result = NULL;
  g_autoptr(PpEditResult) again = NULL;
  g_autoptr(GError) error = NULL;
  char *dropin = strchr (text, '\f');

  if (dropin != NULL)
    *dropin++ = '\0';
  g_ptr_array_add (files, pp_text_file_new ("/etc/default/grub", text));
  if (dropin != NULL)
    g_ptr_array_add (files, pp_text_file_new ("/etc/default/grub.d/50-x.cfg", dropin));

  result = pp_grub_edit_cmdline (files, &intent, prefer_linux, &error);
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
  /* the edit parses again and applying it twice is applying it once */
  again = pp_grub_edit_cmdline (edited, &intent, prefer_linux, &error);
  if (again == NULL)
    g_printerr ("fuzz: the edited file does not edit again: %s\n", error->message);
  FUZZ_REQUIRE (again != NULL);
  for (guint i = 0; i < edited->len; i++)
    FUZZ_REQUIRE (g_ptr_array_index (again->texts, i) == NULL);
  return 0;
}
