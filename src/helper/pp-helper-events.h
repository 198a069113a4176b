/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

/* Progress events, one a line on stdout, for the app to show. Each line is
 * a keyword, one space, then the rest of the line; the text is UTF-8 with
 * control characters replaced, so one event is always exactly one line.
 *
 *   step N/M TEXT        step N of M starts ("step 2/5 Writing /etc/default/grub")
 *   log TOOL: TEXT       a line a command printed ("log mkinitcpio: ==> Building image")
 *   warning TEXT         something the user should know before rebooting
 *   manual TEXT          a step this host needs done by hand
 *   backup PATH          the backup set this run saved (host path)
 *   rollback TEXT        undoing a step after a failure ("rollback Restored /etc/default/grub")
 *   state STATE ID INTENT [ADDRESS]   status: the latest backup set; STATE is
 *                        applied|incomplete|rolled-back|reverted, or "state none"
 *   file STATE PATH      status: STATE is applied|original|changed|missing
 *   done TEXT            success, always the last line
 *   failed TEXT          failure, always the last line (exit status is not 0)
 */

/* Where events go: stdout unless tests say otherwise */
void  pp_event_set_stream (FILE *stream);
void  pp_event_step      (guint       n,
                          guint       total,
                          const char *format,
                          ...) G_GNUC_PRINTF (3, 4);
void  pp_event_log       (const char *tool,
                          const char *line);
void  pp_event_emit      (const char *keyword,
                          const char *format,
                          ...) G_GNUC_PRINTF (2, 3);
/* A copy of @text fit for one event line: valid UTF-8, no control characters. */
char *pp_event_sanitize  (const char *text,
                          gssize      length);

G_END_DECLS
