/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "fuzz-common.h"
#include "pp-shell.h"

/* What no editor models is found where it is written */
static void
require_unmodelled_in_word (const PpShellScript *script,
                            const PpShellWord   *word)
{
  const char *text = script->text;

  if (word->dollar_quote != PP_SHELL_NO_OFFSET)
    FUZZ_REQUIRE (word->dollar_quote >= word->start && word->dollar_quote + 1 < word->end
                  && text[word->dollar_quote] == '$'
                  && (text[word->dollar_quote + 1] == '\'' || text[word->dollar_quote + 1] == '"'));
  if (word->tilde != PP_SHELL_NO_OFFSET)
    FUZZ_REQUIRE (word->tilde >= word->start && word->tilde < word->end && text[word->tilde] == '~');
  if (word->pattern != PP_SHELL_NO_OFFSET)
    FUZZ_REQUIRE (word->pattern >= word->start && word->pattern < word->end
                  && strchr ("*[{", text[word->pattern]) != NULL);
}

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
        require_unmodelled_in_word (script, assignment->value);
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
          require_unmodelled_in_word (script, word);
        }
    }
  return 0;
}
