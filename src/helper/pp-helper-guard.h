/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* What the helper makes sure of before it does anything: pkexec passes the
 * caller's signal dispositions, signal mask and resource limits through, and
 * none of them may cut a change short. */

/* Opens /dev/null on a closed fd 0, 1 or 2 (so that no file the helper
 * opens becomes its stdout); ignores the signals a terminal, a pipe or a
 * limit sends (SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGHUP, SIGPIPE,
 * SIGXFSZ, SIGXCPU); catches SIGTERM (see pp_guard_stop_requested); puts
 * back the default of every other signal the caller ignored; unblocks every
 * signal; and sets the resource limits that could cut a run short to safe
 * values (see pp-helper-guard.c). Fails, in PP_HELPER_ERROR with
 * PP_HELPER_EXIT_NOT_PERMITTED, when a limit cannot be made safe. */
gboolean     pp_guard_process         (GError   **error);

/* TRUE once SIGTERM arrived: the run stops at the next step and rolls back */
gboolean     pp_guard_stop_requested  (void);

/* Spawns @argv from @launcher (whose child setup it sets) so that the
 * command gets a session of its own (no signal sent to the helper's process
 * group, by a terminal or otherwise, reaches it, not even while it starts),
 * default signal handling and an empty signal mask; it inherits the
 * helper's limits. */
GSubprocess *pp_guard_spawn           (GSubprocessLauncher  *launcher,
                                       const char * const   *argv,
                                       GError              **error);

G_END_DECLS
