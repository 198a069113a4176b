/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-helper"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pp-helper-events.h"

/* A reader that is there but slower than a burst of lines gets them: a line
 * waits this long for room. A line that waited in vain is dropped, and so
 * is every line after it that finds no room, without waiting, until one
 * gets through: a reader that is gone costs one wait. */
#define LINE_WAIT_MS 1000
/* ... and all the waiting of a run is bounded, however the reader behaves */
#define WAIT_BUDGET_MS 5000
/* The last line waits this long whatever came before: long enough for a
 * reader that is only slow, short enough that a gone one does not hold up
 * the exit */
#define LAST_LINE_WAIT_MS 1000
/* A line partly written (a terminal takes what fits) gets this long to end */
#define PARTIAL_LINE_WAIT_MS 200

typedef struct
{
  int fd;
  int restore_flags;   /* -1, or the flags to put back on a shared description */
} Output;

static Output outputs[2] = { { STDOUT_FILENO, -1 }, { STDERR_FILENO, -1 } };
static int event_fd = STDOUT_FILENO;
static guint n_emitted;
static guint n_dropped;
static gboolean stalled;
static gint64 wait_budget_us = (gint64) WAIT_BUDGET_MS * 1000;

/* A pipe or a terminal is opened again through /proc, which gives a file
 * description of our own: O_NONBLOCK on the caller's would reach the
 * caller's shell too. Where that is not possible (a socket) the shared one
 * is made non-blocking for the run. A regular file never stalls. */
static void
output_make_nonblocking (Output *output)
{
  struct stat st;
  int flags;

  if (fstat (output->fd, &st) < 0 || S_ISREG (st.st_mode))
    return;
  if (S_ISFIFO (st.st_mode) || S_ISCHR (st.st_mode))
    {
      g_autofree char *proc_path = g_strdup_printf ("/proc/self/fd/%d", output->fd);
      int own = open (proc_path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

      if (own >= 0)
        {
          int ok = dup2 (own, output->fd);

          close (own);
          if (ok >= 0)
            return;
        }
    }
  flags = fcntl (output->fd, F_GETFL);
  if (flags >= 0 && (flags & O_NONBLOCK) == 0 && fcntl (output->fd, F_SETFL, flags | O_NONBLOCK) == 0)
    output->restore_flags = flags;
}

void
pp_events_init (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    output_make_nonblocking (&outputs[i]);
}

void
pp_events_restore (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (outputs); i++)
    if (outputs[i].restore_flags >= 0)
      {
        fcntl (outputs[i].fd, F_SETFL, outputs[i].restore_flags);
        outputs[i].restore_flags = -1;
      }
}

void
pp_event_set_fd (int fd)
{
  event_fd = fd;
}

guint
pp_event_get_dropped (void)
{
  return n_dropped;
}

guint
pp_event_get_emitted (void)
{
  return n_emitted;
}

static int
ms_until (gint64 deadline)
{
  gint64 left = deadline - g_get_monotonic_time ();

  return left <= 0 ? 0 : (int) MIN (left / 1000 + 1, G_MAXINT);
}

/* Writes all of @data unless @fd has no room for it within @wait_ms (0: now
 * or never). FALSE when it was not written, or only in part. */
static gboolean
write_without_stalling (int         fd,
                        const char *data,
                        gsize       length,
                        int         wait_ms)
{
  gsize done = 0;
  gint64 deadline = 0;

  while (done < length)
    {
      gssize n = write (fd, data + done, length - done);
      struct pollfd pfd = { fd, POLLOUT, 0 };
      int left;

      if (n > 0)
        {
          done += n;
          continue;
        }
      if (n < 0 && errno == EINTR)
        continue;
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
        return FALSE;   /* the reader is gone (EPIPE), or worse */

      if (deadline == 0)
        deadline = g_get_monotonic_time () + (gint64) MAX (wait_ms, done > 0 ? PARTIAL_LINE_WAIT_MS : 0) * 1000;
      left = ms_until (deadline);
      if (left == 0)
        return FALSE;
      poll (&pfd, 1, left);
    }
  return TRUE;
}

/* @line cut, at a character boundary, so that it and its newline fit one
 * atomic pipe write */
static void
fit_pipe_buf (GString *line)
{
  static const char ellipsis[] = "…";
  gsize keep = PIPE_BUF - 1 - strlen (ellipsis);

  if (line->len + 1 <= PIPE_BUF)
    return;
  while (keep > 0 && (line->str[keep] & 0xc0) == 0x80)
    keep--;
  g_string_truncate (line, keep);
  g_string_append (line, ellipsis);
}

static void
emit_line (PpHelperEventKind  kind,
           const char        *text)
{
  gboolean last = kind == PP_HELPER_EVENT_DONE || kind == PP_HELPER_EVENT_FAILED;
  g_autofree char *with_count = NULL;
  g_autofree char *formatted = NULL;
  g_autoptr(GString) line = NULL;
  gint64 start;
  int wait_ms;

  if (last && n_dropped > 0)
    text = with_count = g_strdup_printf ("%s (%u of %u progress lines were dropped: their reader did not keep up)",
                                         text, n_dropped, n_emitted);
  formatted = pp_helper_event_format (kind, text);
  line = g_string_new (formatted);
  fit_pipe_buf (line);
  g_string_append_c (line, '\n');

  if (last)
    {
      write_without_stalling (event_fd, line->str, line->len, LAST_LINE_WAIT_MS);
      return;
    }

  n_emitted++;
  wait_ms = stalled ? 0 : (int) MIN (LINE_WAIT_MS, wait_budget_us / 1000);
  start = g_get_monotonic_time ();
  stalled = !write_without_stalling (event_fd, line->str, line->len, wait_ms);
  wait_budget_us = MAX (0, wait_budget_us - (g_get_monotonic_time () - start));
  if (stalled)
    n_dropped++;
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

void
pp_event_print_error (const char *message)
{
  g_autofree char *line = g_strdup_printf ("passthrough-prep-helper: %s\n", message);

  write_without_stalling (STDERR_FILENO, line, strlen (line), LAST_LINE_WAIT_MS);
}
