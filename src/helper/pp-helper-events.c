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

char *
pp_event_sanitize (const char *text,
                   gssize      length)
{
  g_autofree char *valid = g_utf8_make_valid (text, length);
  GString *clean = g_string_sized_new (strlen (valid));

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\t')
        g_string_append_c (clean, ' ');
      else if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        g_string_append_unichar (clean, 0xFFFD);
      else
        g_string_append_unichar (clean, c);
    }

  return g_string_free (clean, FALSE);
}

static void
emit_line (const char *keyword,
           const char *text)
{
  g_autofree char *clean = pp_event_sanitize (text, -1);

  FILE *stream = event_stream != NULL ? event_stream : stdout;

  fprintf (stream, "%s %s\n", keyword, clean);
  fflush (stream);
}

void
pp_event_emit (const char *keyword,
               const char *format,
               ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  emit_line (keyword, text);
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
  emit_line ("step", line);
}

void
pp_event_log (const char *tool,
              const char *line)
{
  g_autofree char *text = g_strdup_printf ("%s: %s", tool, line);

  emit_line ("log", text);
}
