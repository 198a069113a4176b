/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>

#include <glib.h>

#include "pp-helper-protocol.h"

G_BEGIN_DECLS

/* Prints the progress events of pp-helper-protocol.h, one a line on stdout */

/* Where events go: stdout unless tests say otherwise */
void  pp_event_set_stream (FILE              *stream);
void  pp_event_step       (guint              n,
                           guint              total,
                           const char        *format,
                           ...) G_GNUC_PRINTF (3, 4);
void  pp_event_log        (const char        *tool,
                           const char        *line);
void  pp_event_emit       (PpHelperEventKind  kind,
                           const char        *format,
                           ...) G_GNUC_PRINTF (2, 3);

G_END_DECLS
