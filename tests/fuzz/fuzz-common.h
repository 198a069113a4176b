/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

#include "pp-edit.h"

#define FUZZ_MAX_LEN 8192

/* The input as a NUL-terminated string (config files are text: a NUL ends
 * them for every reader here) */
static inline char *
fuzz_text (const uint8_t *data,
           size_t         size)
{
  if (size > FUZZ_MAX_LEN)
    size = FUZZ_MAX_LEN;
  return g_strndup ((const char *) data, size);
}

/* A property the code promises broke: make libFuzzer report it */
#define FUZZ_REQUIRE(cond) \
  G_STMT_START { if (!(cond)) { g_printerr ("fuzz: %s:%d: %s\n", __FILE__, __LINE__, #cond); abort (); } } G_STMT_END

/* The input as the files an editor reads: MAIN_PATH with the text, and after a
 * "\f" in it a drop-in at DROPIN_PATH with the rest */
static inline GPtrArray *
fuzz_files (char       *text,
            const char *main_path,
            const char *dropin_path)
{
  GPtrArray *files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);
  char *dropin = strchr (text, '\f');

  if (dropin != NULL)
    *dropin++ = '\0';
  g_ptr_array_add (files, pp_text_file_new (main_path, text));
  if (dropin != NULL)
    g_ptr_array_add (files, pp_text_file_new (dropin_path, dropin));
  return files;
}

/* The edit of the edited files parses and changes nothing: applying an edit
 * twice is applying it once */
static inline void
fuzz_require_idempotent (PpEditResult *again,
                         GPtrArray    *edited,
                         const GError *error)
{
  if (again == NULL)
    g_printerr ("fuzz: the edited file does not edit again: %s\n", error->message);
  FUZZ_REQUIRE (again != NULL);
  for (guint i = 0; i < edited->len; i++)
    FUZZ_REQUIRE (g_ptr_array_index (again->texts, i) == NULL);
}

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
