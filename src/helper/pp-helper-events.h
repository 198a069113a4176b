/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-helper-protocol.h"

G_BEGIN_DECLS

/* Prints the progress events of pp-helper-protocol.h, one a line on stdout.
 *
 * Printing never stalls a run: a line the reader has no room for within a
 * second is dropped and counted, lines after it are dropped at once while
 * there is no room, and a run waits 5 s at most in all (a reader that is
 * gone or slow must not keep a root process, and its lock, waiting). The
 * last line ("done" or "failed") says how many were dropped. Every line
 * fits one atomic pipe write, so a line is never cut in two. */

/* Gives stdout and stderr file descriptions of their own in non-blocking
 * mode (the caller's terminal or pipe is left as it was), or makes them
 * non-blocking until pp_events_restore */
void  pp_events_init      (void);
void  pp_events_restore   (void);
/* Where events go: stdout unless tests say otherwise (blocking is fine there) */
void  pp_event_set_fd     (int                fd);
void  pp_event_step       (guint              n,
                           guint              total,
                           const char        *format,
                           ...) G_GNUC_PRINTF (3, 4);
void  pp_event_log        (const char        *tool,
                           const char        *line);
/* DONE and FAILED are the last line: they wait a moment for room, and say
 * how many lines were dropped before them */
void  pp_event_emit       (PpHelperEventKind  kind,
                           const char        *format,
                           ...) G_GNUC_PRINTF (2, 3);
/* "passthrough-prep-helper: MESSAGE" on stderr, waiting a moment for room */
void  pp_event_print_error (const char       *message);
/* Lines dropped so far, and lines emitted (dropped or not) */
guint pp_event_get_dropped (void);
guint pp_event_get_emitted (void);

G_END_DECLS
