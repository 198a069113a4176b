/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-safe-file.h"

G_BEGIN_DECLS

/* The only PATH commands get, and where a bare program name is looked for
 * (under the root in test mode). */
#define PP_RUNNER_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

/* The program @argv[0] stands for: ROOT + the first of PP_RUNNER_PATH's
 * directories holding an executable of that name, or ROOT + @argv[0] when it
 * is absolute. Errors when there is none. */
char     *pp_runner_resolve  (PpSafeRoot          *root,
                              const char          *program,
                              GError             **error);
/* Runs @argv (no shell) with a clean environment and stdin from /dev/null,
 * in a session of its own with default signal handling (pp_guard_spawn),
 * emitting each line it prints (stdout and stderr, in order) as a "log"
 * event. Fails unless it exits 0; *@started says whether it ran at all (a
 * command that started may have changed something, even when it failed).
 * @test_mode adds ROOT's PATH directories in front of PP_RUNNER_PATH and
 * PP_TEST_ROOT=ROOT to the environment. */
gboolean  pp_runner_run      (PpSafeRoot          *root,
                              gboolean             test_mode,
                              const char * const  *argv,
                              gboolean            *started,
                              GError             **error);
/* "mkinitcpio -P", for step texts and messages */
char     *pp_runner_describe (const char * const  *argv);

G_END_DECLS
