/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-helper"

#include "config.h"

#include <stdio.h>

#include "pp-helper-events.h"

static FILE *event_stream;

void
pp_event_set_stream (FILE *stream)
{
  event_stream = stream;
}

static void
emit_line (PpHelperEventKind  kind,
           const char        *text)
{
  g_autofree char *line = pp_helper_event_format (kind, text);
  FILE *stream = event_stream != NULL ? event_stream : stdout;

  fprintf (stream, "%s\n", line);
  fflush (stream);
}

void
pp_event_emit (PpHelperEventKind  kind,
               const char        *format,
               ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  emit_line (kind, text);
}

void
pp_event_step (guint       n,
               guint       total,
               const char *format,
               ...)
{
  g_autofree char *text = NULL;
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  line = g_strdup_printf ("%u/%u %s", n, total, text);
  emit_line (PP_HELPER_EVENT_STEP, line);
}

void
pp_event_log (const char *tool,
              const char *line)
{
  g_autofree char *text = g_strdup_printf ("%s: %s", tool, line);

  emit_line (PP_HELPER_EVENT_LOG, text);
}
