/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "pp-helper-protocol.h"

G_BEGIN_DECLS

#define PP_TYPE_HELPER_RUN (pp_helper_run_get_type ())

G_DECLARE_FINAL_TYPE (PpHelperRun, pp_helper_run, PP, HELPER_RUN, GObject)

/* One run of passthrough-prep-helper: through pkexec, or for tests the
 * command PP_HELPER_COMMAND names, run as `COMMAND --root ROOT INTENT ...`.
 * Emits "event" (a const PpHelperEvent *) for each line it prints, stdout
 * and stderr together, then "exited" (int: its exit status, or -1 when it
 * was killed or could not be started). The pipe is drained to the end
 * whatever happens, so a helper never blocks on a window that stopped
 * reading. */
PpHelperRun *pp_helper_run_new         (const char          *root,
                                        const char * const  *intent_args);
gboolean     pp_helper_run_start       (PpHelperRun         *self,
                                        GError             **error);
/* TRUE when it goes through pkexec, whose 126 and 127 are its own */
gboolean     pp_helper_run_is_pkexec   (PpHelperRun         *self);
const char  *pp_helper_run_get_program (PpHelperRun         *self);

/* polkitd reads actions only here, whatever prefix PassthroughPrep has */
#define PP_POLKIT_ACTIONS_DIR "/usr/share/polkit-1/actions"

/* Why nothing can be applied to @root from this window, or NULL when it
 * can: @root is not this computer, or the helper is not installed where
 * the polkit policy in @policy_dir says it is (an uninstalled build) */
char        *pp_helper_run_why_not     (const char          *root,
                                        const char          *policy_dir);

G_END_DECLS
