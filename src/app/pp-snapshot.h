/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-advice.h"
#include "pp-boot.h"
#include "pp-host.h"

G_BEGIN_DECLS

/* What one reading of the host gives, made off the main loop */
typedef struct
{
  PpHost      *host;
  PpBootSetup *setup;
  PpAdvice    *advice;
  GPtrArray   *checks;   /* PpCheck* */
} PpSnapshot;

void        pp_snapshot_free        (PpSnapshot  *snapshot);
PpSnapshot *pp_snapshot_read        (const char  *root,
                                     GError     **error);
void        pp_snapshot_read_ahead  (const char  *root);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpSnapshot, pp_snapshot_free)

G_END_DECLS
