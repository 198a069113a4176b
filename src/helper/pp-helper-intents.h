/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-plan.h"
#include "pp-safe-file.h"

G_BEGIN_DECLS

/* The three intents, emitting events as they go and ending with "done" (the
 * caller emits "failed" from the error, whose code is the exit status). */
gboolean  pp_helper_reserve_plan  (PpSafeRoot     *root,
                                   gboolean        test_mode,
                                   const PpPlan   *plan,
                                   GError        **error);
gboolean  pp_helper_revert        (PpSafeRoot     *root,
                                   gboolean        test_mode,
                                   GError        **error);
gboolean  pp_helper_status        (PpSafeRoot     *root,
                                   GError        **error);

G_END_DECLS
