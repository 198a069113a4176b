/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>

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

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
