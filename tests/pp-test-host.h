/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pp-advice.h"
#include "pp-host.h"

G_BEGIN_DECLS

/* A scratch host tree (pp-test-tree.h) and what core reads from it */
typedef struct
{
  char     *root;
  PpHost   *host;
  PpAdvice *advice;
} PpTestHost;

void pp_test_host_init  (PpTestHost *test_host);
/* Reads the host and its advice; the test fails where the host cannot be read */
void pp_test_host_read  (PpTestHost *test_host);
void pp_test_host_clear (PpTestHost *test_host);

G_END_DECLS
