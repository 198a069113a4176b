/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-helper-exit.h"

G_BEGIN_DECLS

typedef enum
{
  PP_INTENT_RESERVE,
  PP_INTENT_REVERT,
  PP_INTENT_STATUS,
} PpIntent;

typedef struct
{
  PpIntent  intent;
  char     *address;     /* reserve: the validated PCI address; else NULL */
  char     *test_root;   /* the DIR of a leading "--root DIR", else NULL */
} PpHelperArgs;

/* Accepts exactly `[--root DIR] reserve ADDR`, `[--root DIR] revert` and
 * `[--root DIR] status` (@args without argv[0]). --root is refused when
 * @under_pkexec. Errors are in PP_HELPER_ERROR with the exit status as code. */
gboolean     pp_helper_args_parse         (int                 argc,
                                           const char * const *args,
                                           gboolean            under_pkexec,
                                           PpHelperArgs       *out,
                                           GError            **error);
void         pp_helper_args_clear         (PpHelperArgs *args);
const char  *pp_intent_to_string          (PpIntent intent);

G_END_DECLS
