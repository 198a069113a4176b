/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz-common.h"
#include "pp-edit-initramfs-tools.h"
#include "pp-edit-modprobe.h"

/* Input: /etc/initramfs-tools/modules, also read as a modprobe.d file */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_autofree char *edited = pp_initramfs_tools_edit_modules ("/etc/initramfs-tools/modules", text, "10de:1b80");
  g_autoptr(GPtrArray) commands = pp_modprobe_parse (text);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func (g_free);

  if (edited != NULL)
    {
      g_autofree char *again = pp_initramfs_tools_edit_modules ("/etc/initramfs-tools/modules", edited, "10de:1b80");

      FUZZ_REQUIRE (again == NULL);
    }
  for (guint i = 0; i < commands->len; i++)
    FUZZ_REQUIRE (((PpModprobeCommand *) g_ptr_array_index (commands, i))->words[0] != NULL);
  g_ptr_array_add (files, pp_text_file_new ("/etc/modprobe.d/x.conf", text));
  pp_modprobe_check_others (files, warnings);
  return 0;
}
