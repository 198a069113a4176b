/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-boot.h"
#include "pp-helper-protocol.h"

G_BEGIN_DECLS

typedef struct
{
  PpHelperIntent  intent;
  char           *address;     /* reserve, save-rom: the validated PCI address; else NULL */
  char           *digest;      /* reserve: the digest of the plan the user reviewed */
  PpBootMode      mode;        /* reserve: as asked, DEFAULT when not */
  gboolean        acs_override; /* reserve: the plan with the ACS override was reviewed */
  char           *test_root;   /* the test build only: the DIR of a leading "--root DIR" */
} PpHelperArgs;

/* Accepts exactly `reserve ADDR [MODE] [acs-override] DIGEST`, `revert`,
 * `status`, `next-boot-passthrough` and `save-rom ADDR` (@args
 * without argv[0]); the test build also a leading `--root DIR`, refused
 * when @under_pkexec. Errors are in PP_HELPER_ERROR with the exit status
 * as code. */
gboolean     pp_helper_args_parse         (int                 argc,
                                           const char * const *args,
                                           gboolean            under_pkexec,
                                           PpHelperArgs       *out,
                                           GError            **error);
void         pp_helper_args_clear         (PpHelperArgs *args);

G_END_DECLS
