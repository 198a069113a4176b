/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz-common.h"
#include "pp-shell.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = fuzz_text (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpShellScript) script = pp_shell_parse ("/fuzz", text, &error);

  if (script == NULL)
    {
      FUZZ_REQUIRE (error != NULL && g_str_has_prefix (error->message, "/fuzz:"));
      return 0;
    }
  for (guint i = 0; i < script->assignments->len; i++)
    {
      PpShellAssignment *assignment = g_ptr_array_index (script->assignments, i);

      FUZZ_REQUIRE (assignment->start <= assignment->end && assignment->end <= script->len);
      if (assignment->value != NULL)
        {
          g_autoptr(GPtrArray) fields = pp_shell_word_split (assignment->value);

          for (guint f = 0; f < fields->len; f++)
            {
              PpShellField *field = g_ptr_array_index (fields, f);

              FUZZ_REQUIRE (field->cut_start <= field->start && field->end <= field->cut_end);
              FUZZ_REQUIRE (field->cut_end <= script->len);
              /* a splice-safe field is written exactly as it reads */
              if (field->splice_safe)
                FUZZ_REQUIRE (strncmp (script->text + field->start, field->text, field->end - field->start) == 0);
            }
        }
      for (guint e = 0; assignment->elements && e < assignment->elements->len; e++)
        {
          PpShellWord *word = g_ptr_array_index (assignment->elements, e);

          FUZZ_REQUIRE (word->start > assignment->open_paren && word->end <= assignment->close_paren);
        }
    }
  return 0;
}
