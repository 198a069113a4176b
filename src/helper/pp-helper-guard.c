/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-helper"

#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include "pp-helper-guard.h"
#include "pp-helper-protocol.h"

/* What a terminal (^C, ^\, ^Z, a hang-up, background reads and writes), a
 * pipe nobody reads and a limit send; none may stop a change half-way */
static const int ignored_signals[] = {
  SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGHUP, SIGPIPE, SIGXFSZ, SIGXCPU,
};

typedef struct
{
  int         resource;
  const char *name;
  rlim_t      soft;      /* what the run gets; the hard limit is raised to it where lower */
} SafeLimit;

static const SafeLimit safe_limits[] = {
  /* any file size (an initramfs image), CPU time and memory: a rebuild must
   * never be cut short by the caller's limits */
  { RLIMIT_FSIZE, "RLIMIT_FSIZE", RLIM_INFINITY },
  { RLIMIT_CPU, "RLIMIT_CPU", RLIM_INFINITY },
  { RLIMIT_AS, "RLIMIT_AS", RLIM_INFINITY },
  { RLIMIT_DATA, "RLIMIT_DATA", RLIM_INFINITY },
  /* the usual defaults, whatever the caller set: tools that select() want
   * no more than 1024 descriptors, and an unlimited stack changes the
   * address space layout of every command */
  { RLIMIT_NOFILE, "RLIMIT_NOFILE", 1024 },
  { RLIMIT_STACK, "RLIMIT_STACK", 8 * 1024 * 1024 },
  /* no core dump of a process that read root's files */
  { RLIMIT_CORE, "RLIMIT_CORE", 0 },
};

static volatile sig_atomic_t stop_requested;

static void
on_sigterm (int signum)
{
  stop_requested = 1;
}

gboolean
pp_guard_stop_requested (void)
{
  return stop_requested != 0;
}

static gboolean
is_ignored_signal (int signum)
{
  for (guint i = 0; i < G_N_ELEMENTS (ignored_signals); i++)
    if (ignored_signals[i] == signum)
      return TRUE;
  return FALSE;
}

static void
open_standard_fds (void)
{
  for (int fd = 0; fd <= 2; fd++)
    if (fcntl (fd, F_GETFD) < 0 && errno == EBADF)
      {
        /* the lowest free descriptor: this one */
        int null_fd = open ("/dev/null", O_RDWR | O_NOCTTY);

        if (null_fd >= 0 && null_fd != fd)
          close (null_fd);
      }
}

static void
set_signal_handling (void)
{
  struct sigaction action = { 0 };
  sigset_t none;

  sigemptyset (&action.sa_mask);
  for (int signum = 1; signum < NSIG; signum++)
    {
      struct sigaction old;

      if (signum == SIGKILL || signum == SIGSTOP || sigaction (signum, NULL, &old) < 0)
        continue;
      if (is_ignored_signal (signum))
        action.sa_handler = SIG_IGN;
      else if (old.sa_handler == SIG_IGN)
        /* ignored by the caller: SIGCHLD ignored would lose every command's exit status */
        action.sa_handler = SIG_DFL;
      else
        continue;
      action.sa_flags = 0;
      sigaction (signum, &action, NULL);
    }

  /* a stop request is read between steps; system calls under way go on */
  action.sa_handler = on_sigterm;
  action.sa_flags = SA_RESTART;
  sigaction (SIGTERM, &action, NULL);

  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

static char *
describe_limit (rlim_t value)
{
  if (value == RLIM_INFINITY)
    return g_strdup ("unlimited");
  return g_strdup_printf ("%" G_GUINT64_FORMAT, (guint64) value);
}

static gboolean
set_safe_limit (const SafeLimit  *limit,
                GError          **error)
{
  struct rlimit now;
  struct rlimit safe;
  int saved_errno;
  g_autofree char *soft = NULL;
  g_autofree char *hard = NULL;
  g_autofree char *wanted = NULL;

  if (getrlimit (limit->resource, &now) < 0)
    {
      g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_NOT_PERMITTED,
                   "cannot read %s: %s", limit->name, g_strerror (errno));
      return FALSE;
    }

  /* RLIM_INFINITY is the largest value */
  safe.rlim_cur = limit->soft;
  safe.rlim_max = now.rlim_max >= limit->soft ? now.rlim_max : limit->soft;
  if (setrlimit (limit->resource, &safe) == 0)
    return TRUE;

  saved_errno = errno;
  soft = describe_limit (now.rlim_cur);
  hard = describe_limit (now.rlim_max);
  wanted = describe_limit (limit->soft);
  g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_NOT_PERMITTED,
               "%s is %s (hard limit %s) and cannot be set to %s (%s): a write or a rebuild could be cut "
               "short half-way, so nothing was changed; run it without that limit",
               limit->name, soft, hard, wanted, g_strerror (saved_errno));
  return FALSE;
}

gboolean
pp_guard_process (GError **error)
{
  open_standard_fds ();
  set_signal_handling ();

  for (guint i = 0; i < G_N_ELEMENTS (safe_limits); i++)
    if (!set_safe_limit (&safe_limits[i], error))
      return FALSE;
  return TRUE;
}

/* The signals a command must not get from the helper's process group while
 * it starts */
static void
fill_group_signals (sigset_t *set)
{
  sigemptyset (set);
  for (guint i = 0; i < G_N_ELEMENTS (ignored_signals); i++)
    sigaddset (set, ignored_signals[i]);
  sigaddset (set, SIGTERM);
}

/* Runs between fork and exec: async-signal-safe calls only. The child
 * starts with the group's signals blocked (GLib sets SIGINT, SIGTERM,
 * SIGHUP and SIGPIPE back to their defaults right after fork, so one sent
 * to the helper's group then would kill it): it leaves the group, drops
 * what came meanwhile (ignoring a signal discards it), then takes the
 * defaults and an empty mask. */
static void
child_setup (gpointer user_data)
{
  struct sigaction ignore = { 0 };
  struct sigaction fallback = { 0 };
  sigset_t none;

  setsid ();
  ignore.sa_handler = SIG_IGN;
  fallback.sa_handler = SIG_DFL;
  sigemptyset (&ignore.sa_mask);
  sigemptyset (&fallback.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (ignored_signals); i++)
    {
      sigaction (ignored_signals[i], &ignore, NULL);
      sigaction (ignored_signals[i], &fallback, NULL);
    }
  sigaction (SIGTERM, &ignore, NULL);
  sigaction (SIGTERM, &fallback, NULL);
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);
}

GSubprocess *
pp_guard_spawn (GSubprocessLauncher  *launcher,
                const char * const   *argv,
                GError              **error)
{
  GSubprocess *process;
  sigset_t group_signals;
  sigset_t saved;

  /* the child inherits this thread's mask; SIGTERM still reaches the helper
   * through GLib's other threads, which do not block it */
  fill_group_signals (&group_signals);
  pthread_sigmask (SIG_BLOCK, &group_signals, &saved);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, error);
  pthread_sigmask (SIG_SETMASK, &saved, NULL);
  return process;
}
