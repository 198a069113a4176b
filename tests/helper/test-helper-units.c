/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pp-backup.h"
#include "pp-edit-modprobe.h"
#include "pp-helper-apply.h"
#include "pp-helper-args.h"
#include "pp-pci.h"
#include "pp-helper-events.h"
#include "pp-helper-protocol.h"
#include "pp-helper-faults.h"
#include "pp-helper-guard.h"
#include "pp-runner.h"
#include "pp-safe-file.h"

/* A scratch root owned by the running user, removed after each test */
typedef struct
{
  char       *root;
  PpSafeRoot *safe;
  PpFaults   *faults;
} Fixture;

static void
write_file (Fixture    *f,
            const char *host_path,
            const char *contents,
            guint       mode)
{
  g_autofree char *path = g_build_filename (f->root, host_path, NULL);
  g_autofree char *dir = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static char *
read_file (Fixture    *f,
           const char *host_path)
{
  g_autofree char *path = g_build_filename (f->root, host_path, NULL);
  char *contents = NULL;

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return NULL;
  return contents;
}

static gboolean
root_has (Fixture    *f,
          const char *host_path)
{
  g_autofree char *path = g_build_filename (f->root, host_path, NULL);

  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *log_dir = NULL;
  const char *fail_at = data;

  f->root = g_dir_make_tmp ("pp-helper-XXXXXX", &error);
  g_assert_no_error (error);
  g_chmod (f->root, 0755);
  if (fail_at != NULL)
    {
      f->faults = pp_faults_parse (fail_at, &error);
      g_assert_no_error (error);
    }
  f->safe = pp_safe_root_open (f->root, getuid (), getgid (), f->faults, &error);
  g_assert_no_error (error);

  write_file (f, "/etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n", 0644);
  write_file (f, "/etc/mkinitcpio.conf", "MODULES=()\n", 0600);
  /* a tool that logs its argv and fails when ROOT/pp-fail-fake-tool exists,
   * or once when ROOT/pp-fail-once-fake-tool does */
  write_file (f, "/usr/bin/fake-tool",
              "#!/bin/sh\n"
              "echo \"fake-tool $*\" >> \"$PP_TEST_ROOT/var/log/pp-test-commands.log\"\n"
              "echo \"building $*\"\n"
              "echo 'a warning' >&2\n"
              "if [ -e \"$PP_TEST_ROOT/pp-fail-once-fake-tool\" ]; then\n"
              "  rm \"$PP_TEST_ROOT/pp-fail-once-fake-tool\"; exit 1\n"
              "fi\n"
              "[ ! -e \"$PP_TEST_ROOT/pp-fail-fake-tool\" ]\n",
              0755);
  log_dir = g_build_filename (f->root, "var/log", NULL);
  g_mkdir_with_parents (log_dir, 0755);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->safe, pp_safe_root_free);
  g_clear_pointer (&f->faults, pp_faults_free);
  remove_tree (f->root);
  g_free (f->root);
}

/* args */

#define DIGEST "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static void
test_args_accepted (void)
{
  struct { const char *argv[7]; int argc; PpHelperIntent intent; const char *address; const char *root;
           gboolean acs_override; PpBootMode mode; } cases[] = {
    { { "reserve", "0000:01:00.0", DIGEST }, 3, PP_HELPER_INTENT_RESERVE, "0000:01:00.0", NULL, FALSE,
      PP_BOOT_MODE_DEFAULT },
    { { "reserve", "abcd:ef:1f.7", DIGEST }, 3, PP_HELPER_INTENT_RESERVE, "abcd:ef:1f.7", NULL, FALSE,
      PP_BOOT_MODE_DEFAULT },
    { { "reserve", "0000:07:00.0", "acs-override", DIGEST }, 4, PP_HELPER_INTENT_RESERVE, "0000:07:00.0", NULL, TRUE,
      PP_BOOT_MODE_DEFAULT },
    { { "reserve", "0000:07:00.0", "every-boot", DIGEST }, 4, PP_HELPER_INTENT_RESERVE, "0000:07:00.0", NULL, FALSE,
      PP_BOOT_MODE_EVERY_BOOT },
    { { "reserve", "0000:07:00.0", "boot-entry", "acs-override", DIGEST }, 5, PP_HELPER_INTENT_RESERVE,
      "0000:07:00.0", NULL, TRUE, PP_BOOT_MODE_BOOT_ENTRY },
    { { "revert" }, 1, PP_HELPER_INTENT_REVERT, NULL, NULL, FALSE },
    { { "status" }, 1, PP_HELPER_INTENT_STATUS, NULL, NULL, FALSE },
    { { "--root", "/tmp/x", "status" }, 3, PP_HELPER_INTENT_STATUS, NULL, "/tmp/x", FALSE },
    { { "--root", "/tmp/x", "reserve", "0000:03:00.1", DIGEST }, 5, PP_HELPER_INTENT_RESERVE, "0000:03:00.1", "/tmp/x", FALSE,
      PP_BOOT_MODE_DEFAULT },
    { { "--root", "/tmp/x", "reserve", "0000:03:00.1", "every-boot", "acs-override", DIGEST }, 7,
      PP_HELPER_INTENT_RESERVE, "0000:03:00.1", "/tmp/x", TRUE, PP_BOOT_MODE_EVERY_BOOT },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      PpHelperArgs args;

      g_assert_true (pp_helper_args_parse (cases[i].argc, cases[i].argv, FALSE, &args, &error));
      g_assert_no_error (error);
      g_assert_cmpint (args.intent, ==, cases[i].intent);
      g_assert_cmpstr (args.address, ==, cases[i].address);
      g_assert_cmpstr (args.digest, ==, cases[i].address != NULL ? DIGEST : NULL);
      g_assert_cmpstr (args.test_root, ==, cases[i].root);
      g_assert_cmpint (args.acs_override, ==, cases[i].acs_override);
      /* DEFAULT where a reserve gives none */
      g_assert_cmpint (args.mode, ==, cases[i].mode);
      pp_helper_args_clear (&args);
    }
}

static void
test_args_refused (void)
{
  g_autofree char *overlong = g_strnfill (5000, 'a');
  struct { const char *argv[6]; int argc; gboolean pkexec; int code; const char *message; } cases[] = {
    { { NULL }, 0, FALSE, PP_HELPER_EXIT_USAGE, "no intent given" },
    { { "" }, 1, FALSE, PP_HELPER_EXIT_USAGE, "unknown intent an empty argument" },
    { { "apply" }, 1, FALSE, PP_HELPER_EXIT_USAGE, "unknown intent \"apply\"" },
    { { "RESERVE", "0000:01:00.0" }, 2, FALSE, PP_HELPER_EXIT_USAGE, "unknown intent \"RESERVE\"" },
    { { "reserve" }, 1, FALSE, PP_HELPER_EXIT_USAGE, "reserve needs the PCI address" },
    { { "reserve", "0000:01:00.0", DIGEST, "0000:02:00.0" }, 4, FALSE, PP_HELPER_EXIT_USAGE, "unexpected \"0000:02:00.0\" after reserve" },
    { { "reserve", "0000:01:00.0", "0000:02:00.0" }, 3, FALSE, PP_HELPER_EXIT_USAGE, "\"0000:02:00.0\" is not a plan digest" },
    { { "reserve", "0000:01:00.0" }, 2, FALSE, PP_HELPER_EXIT_USAGE, "reserve needs the digest of the plan" },
    { { "reserve", "0000:01:00.0", "acs-override" }, 3, FALSE, PP_HELPER_EXIT_USAGE, "reserve needs the digest of the plan" },
    { { "reserve", "0000:01:00.0", "ACS-override", DIGEST }, 4, FALSE, PP_HELPER_EXIT_USAGE,
      "\"ACS-override\" is not a plan digest" },
    { { "reserve", "0000:01:00.0", "acs-override", "acs-override", DIGEST }, 5, FALSE, PP_HELPER_EXIT_USAGE,
      "\"acs-override\" is not a plan digest" },
    { { "reserve", "0000:01:00.0", DIGEST, "acs-override" }, 4, FALSE, PP_HELPER_EXIT_USAGE,
      "unexpected \"acs-override\" after reserve" },
    { { "reserve", "acs-override", "0000:01:00.0", DIGEST }, 4, FALSE, PP_HELPER_EXIT_USAGE,
      "\"acs-override\" is not a PCI address" },
    { { "reserve", "0000:01:00.0", DIGEST "0" }, 3, FALSE, PP_HELPER_EXIT_USAGE, "an argument of 65 bytes is not a plan digest" },
    { { "reserve", "0000:01:00.0", "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef" }, 3, FALSE,
      PP_HELPER_EXIT_USAGE, "is not a plan digest" },
    { { "reserve", "0000:0A:00.0" }, 2, FALSE, PP_HELPER_EXIT_USAGE, "\"0000:0A:00.0\" is not a PCI address" },
    { { "reserve", "01:00.0" }, 2, FALSE, PP_HELPER_EXIT_USAGE, "\"01:00.0\" is not a PCI address" },
    { { "reserve", "0000:01:00.8" }, 2, FALSE, PP_HELPER_EXIT_USAGE, "is not a PCI address" },
    { { "reserve", "0000:01:00.0\n" }, 2, FALSE, PP_HELPER_EXIT_USAGE, "non-ASCII or control characters" },
    { { "reserve", "../../etc/passwd" }, 2, FALSE, PP_HELPER_EXIT_USAGE, "\"../../etc/passwd\" is not a PCI address" },
    { { "reserve", overlong }, 2, FALSE, PP_HELPER_EXIT_USAGE, "an argument of 5000 bytes is not a PCI address" },
    { { "reserve", "0000:01:00.０" }, 2, FALSE, PP_HELPER_EXIT_USAGE, "non-ASCII" },
    { { "revert", "now" }, 2, FALSE, PP_HELPER_EXIT_USAGE, "unexpected \"now\" after revert" },
    { { "status", "--root", "/" }, 3, FALSE, PP_HELPER_EXIT_USAGE, "unexpected \"--root\" after status" },
    { { "--root" }, 1, FALSE, PP_HELPER_EXIT_USAGE, "--root needs a directory" },
    { { "--root", "/tmp", "status" }, 3, TRUE, PP_HELPER_EXIT_NOT_PERMITTED, "refused when run through pkexec" },
    { { "--root", "/tmp" }, 2, FALSE, PP_HELPER_EXIT_USAGE, "no intent given" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      PpHelperArgs args;

      g_test_message ("case %u", i);
      g_assert_false (pp_helper_args_parse (cases[i].argc, cases[i].argv, cases[i].pkexec, &args, &error));
      g_assert_error (error, PP_HELPER_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      g_assert_null (args.address);
      g_assert_null (args.digest);
      g_assert_null (args.test_root);
      g_assert_false (args.acs_override);
    }
}

static void
test_address_shape (void)
{
  g_assert_true (pp_pci_address_is_valid ("0000:00:02.0"));
  g_assert_false (pp_pci_address_is_valid ("0000:00:02"));
  g_assert_false (pp_pci_address_is_valid ("0000:00:02.0 "));
  g_assert_false (pp_pci_address_is_valid ("0000-00-02.0"));
  g_assert_false (pp_pci_address_is_valid ("g000:00:02.0"));
  g_assert_false (pp_pci_address_is_valid (""));
  g_assert_false (pp_pci_address_is_valid (NULL));
}

/* events */

static void
test_events_sanitize (void)
{
  g_autofree char *a = pp_helper_event_clean_text ("one\ntwo\rthree\tfour", -1);
  g_autofree char *b = pp_helper_event_clean_text ("bad \xff byte", -1);
  g_autofree char *c = pp_helper_event_clean_text ("\x1b[1m==> Building\x1b[0m", -1);

  g_assert_cmpstr (a, ==, "one\xef\xbf\xbdtwo\xef\xbf\xbdthree four");
  g_assert_true (g_utf8_validate (b, -1, NULL));
  g_assert_null (strchr (c, '\x1b'));
  g_assert_nonnull (strstr (c, "==> Building"));
}

/* A reader that does not read: lines are dropped, never cut, never waited
 * for; the last line says how many */
static void
test_events_never_stall (void)
{
  int fds[2];
  gint64 start;
  g_autoptr(GString) got = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  g_autofree char *long_line = g_strnfill (9000, 'x');
  g_autofree char *expected_last = NULL;
  char buffer[65536];
  guint dropped;
  guint n_lines;
  gssize n;

  g_assert_cmpint (pipe (fds), ==, 0);
  g_assert_cmpint (fcntl (fds[1], F_SETFL, O_NONBLOCK), ==, 0);
  pp_event_set_fd (fds[1]);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < 10000; i++)
    pp_event_log ("chatty", i == 5 ? long_line : "a line of a tool that prints a lot");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 5 * G_USEC_PER_SEC);
  dropped = pp_event_get_dropped ();
  g_assert_cmpuint (dropped, >, 0);
  g_assert_cmpuint (dropped, <, 10000);

  /* the last line waits a moment: a reader that drains now gets it */
  while ((n = read (fds[0], buffer, sizeof buffer)) > 0)
    {
      g_string_append_len (got, buffer, n);
      if (n < (gssize) sizeof buffer)
        break;
    }
  pp_event_emit (PP_HELPER_EVENT_DONE, "Reserved");
  close (fds[1]);
  while ((n = read (fds[0], buffer, sizeof buffer)) > 0)
    g_string_append_len (got, buffer, n);
  close (fds[0]);
  pp_event_set_fd (STDERR_FILENO);

  lines = g_strsplit (got->str, "\n", -1);
  n_lines = g_strv_length (lines);
  g_assert_cmpuint (n_lines, ==, 10000 - dropped + 2);   /* the last line, and "" after it */
  for (guint i = 0; i + 2 < n_lines; i++)
    {
      g_assert_true (g_str_has_prefix (lines[i], "log chatty: "));
      g_assert_cmpuint (strlen (lines[i]) + 1, <=, PIPE_BUF);
    }
  g_assert_true (g_str_has_suffix (lines[5], "xxx…"));
  expected_last = g_strdup_printf ("done Reserved (%u of %u progress lines were dropped: their reader did not keep up)",
                                   dropped, pp_event_get_emitted ());
  g_assert_cmpstr (lines[n_lines - 2], ==, expected_last);
  g_assert_cmpstr (lines[n_lines - 1], ==, "");
}

/* guard: what the caller passes through pkexec */

static void
test_guard_makes_limits_and_signals_safe (void)
{
  struct rlimit small = { 4096, RLIM_INFINITY };
  struct rlimit small_stack = { 256 * 1024, RLIM_INFINITY };
  struct rlimit tiny_files = { 3, 3 };
  struct rlimit limit;
  struct sigaction action;
  struct stat opened;
  struct stat null_device;
  sigset_t blocked;
  g_autoptr(GError) error = NULL;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  /* as a caller might leave them: small soft limits, SIGCHLD ignored (which
   * would lose every command's exit status), SIGTERM blocked */
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  g_assert_cmpint (setrlimit (RLIMIT_CPU, &small), ==, 0);
  g_assert_cmpint (setrlimit (RLIMIT_STACK, &small_stack), ==, 0);
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  tiny_files.rlim_max = limit.rlim_max;
  g_assert_cmpint (setrlimit (RLIMIT_NOFILE, &tiny_files), ==, 0);
  signal (SIGCHLD, SIG_IGN);
  signal (SIGUSR1, SIG_IGN);
  sigemptyset (&blocked);
  sigaddset (&blocked, SIGTERM);
  sigaddset (&blocked, SIGCHLD);
  sigprocmask (SIG_BLOCK, &blocked, NULL);
  close (STDIN_FILENO);

  g_assert_true (pp_guard_process (&error));
  g_assert_no_error (error);

  /* a closed standard fd is /dev/null, not the next file the helper opens */
  g_assert_cmpint (fstat (STDIN_FILENO, &opened), ==, 0);
  g_assert_cmpint (stat ("/dev/null", &null_device), ==, 0);
  g_assert_true (S_ISCHR (opened.st_mode) && opened.st_rdev == null_device.st_rdev);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &limit), ==, 0);
  g_assert_true (limit.rlim_cur == RLIM_INFINITY);
  g_assert_cmpint (getrlimit (RLIMIT_CPU, &limit), ==, 0);
  g_assert_true (limit.rlim_cur == RLIM_INFINITY);
  g_assert_cmpint (getrlimit (RLIMIT_NOFILE, &limit), ==, 0);
  g_assert_cmpuint (limit.rlim_cur, ==, 1024);
  g_assert_cmpint (getrlimit (RLIMIT_STACK, &limit), ==, 0);
  g_assert_cmpuint (limit.rlim_cur, ==, 8 * 1024 * 1024);
  g_assert_cmpint (getrlimit (RLIMIT_CORE, &limit), ==, 0);
  g_assert_cmpuint (limit.rlim_cur, ==, 0);

  sigaction (SIGINT, NULL, &action);
  g_assert_true (action.sa_handler == SIG_IGN);
  sigaction (SIGXFSZ, NULL, &action);
  g_assert_true (action.sa_handler == SIG_IGN);
  sigaction (SIGCHLD, NULL, &action);
  g_assert_true (action.sa_handler == SIG_DFL);
  sigaction (SIGUSR1, NULL, &action);
  g_assert_true (action.sa_handler == SIG_DFL);
  sigprocmask (SIG_SETMASK, NULL, &blocked);
  g_assert_false (sigismember (&blocked, SIGTERM));

  /* SIGTERM asks for a stop; ^C does nothing */
  g_assert_false (pp_guard_stop_requested ());
  raise (SIGINT);
  raise (SIGHUP);
  g_assert_false (pp_guard_stop_requested ());
  raise (SIGTERM);
  g_assert_true (pp_guard_stop_requested ());
}

/* A hard limit that cannot be raised is refused, naming it */
static void
test_guard_refuses_a_hard_limit (void)
{
  struct rlimit small = { 4096, 4096 };
  g_autoptr(GError) error = NULL;

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
      g_test_trap_assert_passed ();
      return;
    }

  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);
  /* root may raise it: be someone else */
  if (geteuid () == 0)
    {
      g_assert_cmpint (setgroups (0, NULL), ==, 0);
      g_assert_cmpint (setgid (65534), ==, 0);
      g_assert_cmpint (setuid (65534), ==, 0);
    }
  g_assert_false (pp_guard_process (&error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_NOT_PERMITTED);
  g_assert_true (g_str_has_prefix (error->message,
                                   "RLIMIT_FSIZE is 4096 (hard limit 4096) and cannot be set to unlimited"));
}

/* faults */

static void
test_faults_parse (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpFaults) faults = pp_faults_parse ("write:2,command:1", &error);

  g_assert_no_error (error);
  g_assert_true (pp_faults_check (faults, PP_FAULT_WRITE, NULL));
  g_assert_false (pp_faults_check (faults, PP_FAULT_WRITE, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED);
  g_assert_nonnull (strstr (error->message, "write 2"));
  g_clear_error (&error);
  g_assert_true (pp_faults_check (faults, PP_FAULT_WRITE, NULL));
  g_assert_true (pp_faults_check (faults, PP_FAULT_RENAME, NULL));
  g_assert_false (pp_faults_check (faults, PP_FAULT_COMMAND, NULL));
  g_assert_true (pp_faults_check (NULL, PP_FAULT_COMMAND, NULL));

  g_assert_null (pp_faults_parse ("write", &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_USAGE);
  g_clear_error (&error);
  g_assert_null (pp_faults_parse ("writes:1", &error));
  g_clear_error (&error);
  g_assert_null (pp_faults_parse ("write:0", &error));
}

/* safe files */

static void
test_safe_write_keeps_mode (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(PpFileState) state = { 0 };
  g_autofree char *contents = NULL;
  g_autofree char *path = g_build_filename (f->root, "etc/mkinitcpio.conf", NULL);
  GStatBuf st;

  g_assert_true (pp_safe_read (f->safe, "/etc/mkinitcpio.conf", &state, &error));
  g_assert_no_error (error);
  g_assert_true (state.exists);
  g_assert_cmpstr (state.contents, ==, "MODULES=()\n");
  g_assert_cmpuint (state.mode, ==, 0600);

  g_assert_true (pp_safe_write (f->safe, "/etc/mkinitcpio.conf", "MODULES=(vfio_pci)\n", 19,
                                state.mode, state.uid, state.gid, NULL, &error));
  g_assert_no_error (error);
  contents = read_file (f, "/etc/mkinitcpio.conf");
  g_assert_cmpstr (contents, ==, "MODULES=(vfio_pci)\n");
  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 07777, ==, 0600);
  g_assert_cmpuint (st.st_uid, ==, getuid ());
}

static void
test_safe_missing_is_not_error (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(PpFileState) state = { 0 };

  g_assert_true (pp_safe_read (f->safe, "/etc/modprobe.d/vfio.conf", &state, &error));
  g_assert_no_error (error);
  g_assert_false (state.exists);
}

static void
test_safe_refuses_symlink_target (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(PpFileState) state = { 0 };
  g_autofree char *link = g_build_filename (f->root, "etc/default/grub", NULL);
  g_autofree char *victim = NULL;

  write_file (f, "/victim", "untouched\n", 0644);
  g_unlink (link);
  g_assert_cmpint (symlink ("../../victim", link), ==, 0);

  g_assert_false (pp_safe_read (f->safe, "/etc/default/grub", &state, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET);
  g_assert_nonnull (strstr (error->message, "/etc/default/grub is a symbolic link"));
  g_clear_error (&error);

  g_assert_false (pp_safe_write (f->safe, "/etc/default/grub", "x", 1, 0644, getuid (), getgid (), NULL, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET);
  victim = read_file (f, "/victim");
  g_assert_cmpstr (victim, ==, "untouched\n");
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
}

static void
test_safe_refuses_symlink_parent (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(PpFileState) state = { 0 };
  g_autofree char *link = g_build_filename (f->root, "etc/modprobe.d", NULL);
  g_autofree char *elsewhere = g_build_filename (f->root, "elsewhere", NULL);
  g_autofree char *planted = g_build_filename (f->root, "elsewhere/vfio.conf", NULL);

  g_mkdir (elsewhere, 0755);
  g_assert_cmpint (symlink ("../elsewhere", link), ==, 0);

  g_assert_false (pp_safe_write (f->safe, "/etc/modprobe.d/vfio.conf", "x", 1, 0644, getuid (), getgid (), NULL, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET);
  g_assert_nonnull (strstr (error->message, "/etc/modprobe.d is a symbolic link"));
  g_clear_error (&error);
  g_assert_false (g_file_test (planted, G_FILE_TEST_EXISTS));

  g_assert_false (pp_safe_read (f->safe, "/etc/modprobe.d/vfio.conf", &state, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET);
}

static void
test_safe_refuses_unsafe_files (Fixture       *f,
                                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(PpFileState) state = { 0 };
  g_autofree char *fifo = g_build_filename (f->root, "etc/fifo", NULL);

  write_file (f, "/etc/open", "x\n", 0666);
  g_assert_false (pp_safe_read (f->safe, "/etc/open", &state, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET);
  g_assert_nonnull (strstr (error->message, "writable by every user"));
  g_clear_error (&error);

  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_assert_false (pp_safe_write (f->safe, "/etc/fifo", "x", 1, 0644, getuid (), getgid (), NULL, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET);
  g_assert_nonnull (strstr (error->message, "not a regular file"));
  g_clear_error (&error);

  g_assert_false (pp_safe_read (f->safe, "/etc/../etc/default/grub", &state, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET);
  g_clear_error (&error);
  g_assert_false (pp_safe_read (f->safe, "etc/default/grub", &state, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET);
}

static void
test_safe_refuses_other_owner (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSafeRoot) as_other = NULL;
  g_auto(PpFileState) state = { 0 };

  /* the same tree, expecting another owner: every target is someone else's */
  as_other = pp_safe_root_open (f->root, getuid () + 1, getgid (), NULL, &error);
  g_assert_no_error (error);
  g_assert_false (pp_safe_read (as_other, "/etc/default/grub", &state, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET);
  g_assert_nonnull (strstr (error->message, "is owned by uid"));
}

/* Group-writable is fine for root's group only (in test mode the running
 * user's plays it): a directory on the way, and the target */
static void
test_safe_refuses_other_group_writable (Fixture       *f,
                                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpSafeRoot) other_group = NULL;
  g_auto(PpFileState) state = { 0 };
  g_autofree char *dir = g_build_filename (f->root, "etc/default", NULL);
  g_autofree char *grub = g_build_filename (f->root, "etc/default/grub", NULL);
  g_autofree char *expected = NULL;

  g_assert_cmpint (g_chmod (dir, 0775), ==, 0);
  g_assert_cmpint (g_chmod (grub, 0664), ==, 0);
  g_assert_true (pp_safe_read (f->safe, "/etc/default/grub", &state, &error));
  g_assert_no_error (error);
  pp_file_state_clear (&state);

  other_group = pp_safe_root_open (f->root, getuid (), getgid () + 1, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (pp_safe_read (other_group, "/etc/default/grub", &state, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET);
  expected = g_strdup_printf ("/etc/default is writable by its group, gid %u, which is not root's (%u); "
                              "refusing to touch it", (guint) getgid (), (guint) getgid () + 1);
  g_assert_cmpstr (error->message, ==, expected);
  g_clear_error (&error);

  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_assert_false (pp_safe_write (other_group, "/etc/default/grub", "x", 1, 0644, getuid (), getgid (), NULL, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET);
  g_assert_nonnull (strstr (error->message, "/etc/default/grub is writable by its group"));
  g_clear_pointer (&grub, g_free);
  grub = read_file (f, "/etc/default/grub");
  g_assert_cmpstr (grub, ==, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
}

static void
test_safe_creates_dirs (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) created = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *contents = NULL;

  g_assert_true (pp_safe_write (f->safe, "/etc/a/b/new.conf", "new\n", 4, 0644, getuid (), getgid (), created, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (created->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (created, 0), ==, "/etc/a");
  g_assert_cmpstr (g_ptr_array_index (created, 1), ==, "/etc/a/b");
  contents = read_file (f, "/etc/a/b/new.conf");
  g_assert_cmpstr (contents, ==, "new\n");

  g_assert_true (pp_safe_remove (f->safe, "/etc/a/b/new.conf", &error));
  g_assert_true (pp_safe_remove_empty_dir (f->safe, "/etc/a/b", &error));
  g_assert_true (pp_safe_remove_empty_dir (f->safe, "/etc/a", &error));
  g_assert_no_error (error);
  g_assert_false (root_has (f, "/etc/a"));
}

static guint
count_temp_files (Fixture    *f,
                  const char *host_dir)
{
  g_autofree char *dir_path = g_build_filename (f->root, host_dir, NULL);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (strstr (name, ".pp-") != NULL)
      n++;
  return n;
}

static void
test_safe_injected_failures (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;

  /* write:1 and rename:2 */
  g_assert_false (pp_safe_write (f->safe, "/etc/default/grub", "changed\n", 8, 0644, getuid (), getgid (), NULL, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED);
  g_assert_nonnull (strstr (error->message, "injected failure at write 1"));
  g_clear_error (&error);
  g_assert_cmpuint (count_temp_files (f, "/etc/default"), ==, 0);

  g_assert_true (pp_safe_write (f->safe, "/etc/default/grub", "first\n", 6, 0644, getuid (), getgid (), NULL, &error));
  g_assert_no_error (error);

  g_assert_false (pp_safe_write (f->safe, "/etc/default/grub", "second\n", 7, 0644, getuid (), getgid (), NULL, &error));
  g_assert_nonnull (strstr (error->message, "injected failure at rename 2"));
  g_assert_cmpuint (count_temp_files (f, "/etc/default"), ==, 0);
  contents = read_file (f, "/etc/default/grub");
  g_assert_cmpstr (contents, ==, "first\n");
}

/* backup */

static void
test_backup_round_trip (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBackup) backup = pp_backup_new ("reserve", "0000:01:00.0");
  g_autoptr(PpBackup) loaded = NULL;
  g_autoptr(GPtrArray) states = g_ptr_array_new ();
  g_auto(PpFileState) grub = { 0 };
  g_auto(PpFileState) absent = { 0 };
  g_auto(PpFileState) copy = { 0 };
  const char *argv[] = { "mkinitcpio", "-P", NULL };
  const char *kargs[] = { "grubby", "--update-kernel=ALL", "--args=iommu=pt", NULL };
  const char *kargs_undo[] = { "grubby", "--update-kernel=ALL", "--remove-args=iommu=pt", NULL };
  PpBackupEntry *entry;

  g_assert_null (pp_backup_load_latest (f->safe, FALSE, &error));
  g_assert_no_error (error);

  g_assert_true (pp_safe_read (f->safe, "/etc/default/grub", &grub, &error));
  pp_backup_add_file (backup, "/etc/default/grub", &grub, "new\n", 4, 0, 0, 0);
  pp_backup_add_file (backup, PP_MODPROBE_FILE, &absent, "options\n", 8, 0644, getuid (), getgid ());
  pp_backup_add_command (backup, argv, NULL);
  pp_backup_add_command (backup, kargs, kargs_undo);
  g_ptr_array_add (states, &grub);
  g_ptr_array_add (states, &absent);
  g_assert_true (pp_backup_save (backup, f->safe, states, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (backup->host_dir, PP_BACKUP_HOST_DIR "/"));

  loaded = pp_backup_load_latest (f->safe, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpstr (loaded->id, ==, backup->id);
  g_assert_cmpstr (loaded->state, ==, PP_BACKUP_INCOMPLETE);
  g_assert_cmpstr (loaded->address, ==, "0000:01:00.0");
  g_assert_cmpuint (loaded->entries->len, ==, 2);
  entry = g_ptr_array_index (loaded->entries, 0);
  g_assert_false (entry->created);
  g_assert_cmpuint (entry->mode, ==, 0644);
  g_assert_cmpuint (strlen (entry->sha256_before), ==, 64);
  entry = g_ptr_array_index (loaded->entries, 1);
  g_assert_true (entry->created);
  g_assert_null (entry->sha256_before);
  g_assert_cmpuint (loaded->commands->len, ==, 2);
  g_assert_cmpstrv (g_ptr_array_index (loaded->commands, 0), argv);
  g_assert_null (g_ptr_array_index (loaded->undo_commands, 0));
  g_assert_cmpstrv (g_ptr_array_index (loaded->commands, 1), kargs);
  g_assert_cmpstrv (g_ptr_array_index (loaded->undo_commands, 1), kargs_undo);

  g_assert_true (pp_backup_read_copy (loaded, f->safe, 0, &copy, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (copy.contents, ==, grub.contents);

  /* a reverted set is no longer revertible */
  g_free (backup->state);
  backup->state = g_strdup (PP_BACKUP_REVERTED);
  g_assert_true (pp_backup_write_manifest (backup, f->safe, &error));
  g_clear_pointer (&loaded, pp_backup_free);
  g_assert_null (pp_backup_load_latest (f->safe, TRUE, &error));
  g_assert_no_error (error);
  loaded = pp_backup_load_latest (f->safe, FALSE, &error);
  g_assert_cmpstr (loaded->state, ==, PP_BACKUP_REVERTED);
}

static void
test_backup_injected_failure_leaves_nothing (Fixture       *f,
                                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBackup) backup = pp_backup_new ("reserve", "0000:01:00.0");
  g_autoptr(GPtrArray) states = g_ptr_array_new ();
  g_auto(PpFileState) grub = { 0 };
  g_autofree char *set_dir = NULL;

  g_assert_true (pp_safe_read (f->safe, "/etc/default/grub", &grub, &error));
  pp_backup_add_file (backup, "/etc/default/grub", &grub, "new\n", 4, 0, 0, 0);
  g_ptr_array_add (states, &grub);
  g_assert_false (pp_backup_save (backup, f->safe, states, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED);
  g_assert_nonnull (strstr (error->message, "injected failure at backup 1"));
  set_dir = pp_safe_root_disk_path (f->safe, backup->host_dir);
  g_assert_false (g_file_test (set_dir, G_FILE_TEST_EXISTS));
}

/* A manifest is trusted only as far as the planner goes */

typedef struct
{
  const char *group;
  const char *key;
  const char *value;     /* raw, as in the file; NULL: the key is removed */
  const char *message;   /* the refusal says this */
} Tampering;

static const Tampering tamperings[] = {
  { "file 0", "path", "/etc/shadow", "[file 0] path “/etc/shadow” is not a file passthrough-prep writes" },
  { "file 1", "path", "/etc/passwd", "[file 1] path “/etc/passwd” is not a file passthrough-prep writes" },
  { "file 0", "path", "/etc/default/grub.d/../../shadow.cfg", "is not a file passthrough-prep writes" },
  { "file 0", "path", "/etc/default//grub", "is not a file passthrough-prep writes" },
  { "file 0", "path", "etc/default/grub", "is not a file passthrough-prep writes" },
  { "file 1", "path", "/etc/default/grub", "[file 1] path “/etc/default/grub” is also [file 0]" },
  { "file 0", "path", NULL, "[file 0] has no path" },
  { "file 0", "created", "maybe", "[file 0] created is missing or not true or false" },
  { "file 0", "sha256-after", "0123", "[file 0] has no valid sha256-after" },
  { "file 0", "sha256-before", NULL, "[file 0] has no valid sha256-after or sha256-before" },
  { "file 0", "uid", "4294967295", "[file 0] uid=4294967295 is out of range" },
  { "file 0", "uid", "18446744073709551616", "[file 0] uid is missing or not a number" },
  { "file 0", "uid", "-1", "[file 0] uid is missing or not a number" },
  { "file 1", "gid", "4294967295", "[file 1] gid=4294967295 is out of range" },
  { "file 0", "mode", "4755", "[file 0] mode=4755 is not one the helper records" },
  { "file 0", "mode", "1644", "[file 0] mode=1644 is not one the helper records" },
  { "file 0", "mode", "0666", "[file 0] mode=0666 is not one the helper records" },
  { "file 0", "mode", "rw-r--r--", "[file 0] mode is missing or not an octal mode" },
  { "command 0", "argv", "/bin/sh;-c;reboot;", "[command 0] argv runs “/bin/sh”, which is not a program" },
  { "command 0", "argv", "../../bin/sh;", "[command 0] argv runs “../../bin/sh”" },
  { "command 0", "argv", "rm;-rf;/;", "[command 0] argv runs “rm”" },
  { "command 0", "argv", ";", "[command 0] argv runs “”" },
  { "command 0", "argv", "mkinitcpio;-P\\n;", "[command 0] argv holds control characters" },
  { "command 0", "argv", NULL, "[command 0] has no argv" },
  { "command 1", "undo", "/usr/sbin/grubby;--update-kernel=ALL;", "[command 1] undo runs “/usr/sbin/grubby”" },
  { "backup", "created-directories", "/etc/sudoers.d;", "created-directories names “/etc/sudoers.d”" },
  { "backup", "created-directories", "/;", "created-directories names “/”" },
  { "backup", "created-directories", ";", "created-directories names “”" },
  { "backup", "created-directories", "/etc/modprobe.d/;", "created-directories names “/etc/modprobe.d/”" },
  { "backup", "version", "2", "[backup] version is not 1" },
  { "backup", "intent", "revert", "[backup] intent=revert is not reserve" },
  { "backup", "address", "../../etc", "[backup] address is not a PCI address" },
  { "backup", "state", "done", "[backup] state=done is not incomplete, applied" },
  { "backup", "created", "yesterday", "[backup] created=yesterday is not a time" },
  { "backup", "files", "1001", "[backup] files and commands must be numbers up to 1000" },
  { "backup", "commands", "-1", "[backup] files and commands must be numbers up to 1000" },
};

/* A set as reserve saves it: grub changed, our modprobe.d file created in a
 * new directory, a rebuild and a command with an undo */
static PpBackup *
save_valid_set (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  PpBackup *backup = pp_backup_new ("reserve", "0000:01:00.0");
  g_autoptr(GPtrArray) states = g_ptr_array_new ();
  g_auto(PpFileState) grub = { 0 };
  g_auto(PpFileState) absent = { 0 };
  const char *rebuild[] = { "mkinitcpio", "-P", NULL };
  const char *kargs[] = { "grubby", "--update-kernel=ALL", "--args=iommu=pt", NULL };
  const char *kargs_undo[] = { "grubby", "--update-kernel=ALL", "--remove-args=iommu=pt", NULL };

  g_assert_true (pp_safe_read (f->safe, "/etc/default/grub", &grub, &error));
  pp_backup_add_file (backup, "/etc/default/grub", &grub, "new\n", 4, 0, 0, 0);
  pp_backup_add_file (backup, PP_MODPROBE_FILE, &absent, "options\n", 8, 0644, getuid (), getgid ());
  pp_backup_add_command (backup, rebuild, NULL);
  pp_backup_add_command (backup, kargs, kargs_undo);
  g_ptr_array_add (states, &grub);
  g_ptr_array_add (states, &absent);
  g_assert_true (pp_backup_save (backup, f->safe, states, &error));
  g_assert_no_error (error);
  g_ptr_array_add (backup->created_dirs, g_strdup ("/etc/modprobe.d"));
  g_free (backup->state);
  backup->state = g_strdup (PP_BACKUP_APPLIED);
  g_assert_true (pp_backup_write_manifest (backup, f->safe, &error));
  g_assert_no_error (error);
  return backup;
}

static void
test_backup_refuses_tampered_manifest (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr(PpBackup) backup = save_valid_set (f);
  g_autofree char *host_path = g_strdup_printf ("%s/manifest", backup->host_dir);
  g_autofree char *path = pp_safe_root_disk_path (f->safe, host_path);
  g_autofree char *valid = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpBackup) loaded = NULL;

  g_assert_true (g_file_get_contents (path, &valid, NULL, NULL));
  loaded = pp_backup_load_latest (f->safe, TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);
  g_assert_cmpuint (loaded->created_dirs->len, ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (tamperings); i++)
    {
      const Tampering *t = &tamperings[i];
      g_autoptr(GKeyFile) keys = g_key_file_new ();
      g_autofree char *tampered = NULL;
      g_autoptr(PpBackup) refused = NULL;
      g_autofree char *prefix = g_strdup_printf ("%s/manifest: ", backup->host_dir);

      g_test_message ("tampering %u: [%s] %s=%s", i, t->group, t->key, t->value ? t->value : "(removed)");
      g_assert_true (g_key_file_load_from_data (keys, valid, -1, G_KEY_FILE_KEEP_COMMENTS, NULL));
      if (t->value != NULL)
        g_key_file_set_value (keys, t->group, t->key, t->value);
      else
        g_assert_true (g_key_file_remove_key (keys, t->group, t->key, NULL));
      tampered = g_key_file_to_data (keys, NULL, NULL);
      g_assert_true (g_file_set_contents (path, tampered, -1, NULL));

      refused = pp_backup_load_latest (f->safe, FALSE, &error);
      g_assert_null (refused);
      g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_BAD_BACKUP);
      g_assert_true (g_str_has_prefix (error->message, prefix));
      if (strstr (error->message, t->message) == NULL)
        g_error ("“%s” does not say “%s”", error->message, t->message);
      g_assert_true (g_str_has_suffix (error->message, "; nothing was changed"));
      g_clear_error (&error);
    }

  g_assert_true (g_file_set_contents (path, "\x01not a key file", -1, NULL));
  g_assert_null (pp_backup_load_latest (f->safe, TRUE, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_BAD_BACKUP);
  g_assert_nonnull (strstr (error->message, "manifest: not a key file: "));
}

/* the transaction */

static void
add_change (PpApply    *apply,
            Fixture    *f,
            const char *path,
            const char *new_text)
{
  g_autoptr(GError) error = NULL;
  PpChange *change = pp_change_new (path);

  g_assert_true (pp_safe_read (f->safe, path, &change->before, &error));
  g_assert_no_error (error);
  change->after.exists = TRUE;
  change->after.contents = g_strdup (new_text);
  change->after.length = strlen (new_text);
  change->after.mode = change->before.exists ? change->before.mode : 0644;
  change->after.uid = getuid ();
  change->after.gid = getgid ();
  g_ptr_array_add (apply->changes, change);
}

static void
run_apply (Fixture   *f,
           gboolean   expect_ok)
{
  g_autoptr(GError) error = NULL;
  g_auto(PpApply) apply = { 0 };
  const char *argv[] = { "fake-tool", "-P", NULL };
  g_autofree char *grub = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *created = NULL;

  pp_apply_init (&apply, f->safe, TRUE);
  add_change (&apply, f, "/etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"\n");
  add_change (&apply, f, "/etc/mkinitcpio.conf", "MODULES=(vfio_pci)\n");
  add_change (&apply, f, "/etc/modprobe.d/vfio.conf", "options vfio-pci ids=10de:1b80\n");
  pp_apply_add_command (&apply, g_strdupv ((GStrv) argv), NULL);
  pp_apply_add_command (&apply, g_strdupv ((GStrv) argv), NULL);
  apply.total = 5;
  g_assert_true (pp_apply_check_commands (&apply, &error));

  grub = read_file (f, "/etc/default/grub");
  if (expect_ok)
    {
      g_assert_true (pp_apply_run (&apply, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (apply.step, ==, 5);
      g_clear_pointer (&grub, g_free);
      grub = read_file (f, "/etc/default/grub");
      g_assert_cmpstr (grub, ==, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet iommu=pt\"\n");
      created = read_file (f, "/etc/modprobe.d/vfio.conf");
      g_assert_cmpstr (created, ==, "options vfio-pci ids=10de:1b80\n");
      return;
    }

  g_assert_false (pp_apply_run (&apply, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED);
  g_test_message ("%s", error->message);
  g_clear_pointer (&grub, g_free);
  grub = read_file (f, "/etc/default/grub");
  conf = read_file (f, "/etc/mkinitcpio.conf");
  g_assert_cmpstr (grub, ==, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
  g_assert_cmpstr (conf, ==, "MODULES=()\n");
  g_assert_false (root_has (f, "/etc/modprobe.d"));
  g_assert_cmpuint (count_temp_files (f, "/etc"), ==, 0);
  g_assert_cmpuint (count_temp_files (f, "/etc/default"), ==, 0);
}

static void
test_apply_ok (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *log = NULL;

  run_apply (f, TRUE);
  log = read_file (f, "/var/log/pp-test-commands.log");
  g_assert_cmpstr (log, ==, "fake-tool -P\nfake-tool -P\n");
}

static void
test_apply_rolls_back (Fixture       *f,
                       gconstpointer  data)
{
  run_apply (f, FALSE);
}

/* A command that fails may have written part of its output: it is run
 * again on the restored files, like every command that started */
static void
test_apply_rolls_back_real_failure (Fixture       *f,
                                    gconstpointer  data)
{
  g_autofree char *log = NULL;

  write_file (f, "/pp-fail-once-fake-tool", "", 0644);
  run_apply (f, FALSE);
  log = read_file (f, "/var/log/pp-test-commands.log");
  g_assert_cmpstr (log, ==, "fake-tool -P\nfake-tool -P\n");
}

/* The same command fails again on the restored files: that is said, with
 * what to run by hand, and the files are back all the same */
static void
test_apply_rollback_rerun_fails (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(PpApply) apply = { 0 };
  const char *argv[] = { "fake-tool", "-P", NULL };
  g_autofree char *grub = NULL;
  g_autofree char *log = NULL;

  write_file (f, "/pp-fail-fake-tool", "", 0644);
  pp_apply_init (&apply, f->safe, TRUE);
  add_change (&apply, f, "/etc/default/grub", "changed\n");
  pp_apply_add_command (&apply, g_strdupv ((GStrv) argv), NULL);
  apply.total = 2;
  g_assert_false (pp_apply_run (&apply, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_ROLLBACK_FAILED);
  g_assert_nonnull (strstr (error->message, "fake-tool -P exited with status 1"));
  g_assert_nonnull (strstr (error->message, "running fake-tool -P again failed"));
  grub = read_file (f, "/etc/default/grub");
  g_assert_cmpstr (grub, ==, "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet\"\n");
  log = read_file (f, "/var/log/pp-test-commands.log");
  g_assert_cmpstr (log, ==, "fake-tool -P\nfake-tool -P\n");
}

/* command-after:N: the command ran (its log line is there), then counts as
 * failed; it is run again with those before it */
static void
test_apply_rolls_back_command_after (Fixture       *f,
                                     gconstpointer  data)
{
  g_autofree char *log = NULL;

  run_apply (f, FALSE);
  log = read_file (f, "/var/log/pp-test-commands.log");
  if (g_str_equal (data, "command-after:1"))
    g_assert_cmpstr (log, ==, "fake-tool -P\nfake-tool -P\n");
  else
    g_assert_cmpstr (log, ==, "fake-tool -P\nfake-tool -P\nfake-tool -P\nfake-tool -P\n");
}

/* a command that changes state outside the files (kernel arguments a tool
 * keeps) is undone by its own undo, not by running it again */
static void
test_apply_rolls_back_with_undo (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(PpApply) apply = { 0 };
  const char *append[] = { "fake-tool", "--append=iommu=pt", NULL };
  const char *remove[] = { "fake-tool", "--delete=iommu=pt", NULL };
  const char *fail[] = { "failing-tool", NULL };
  g_autofree char *log = NULL;

  /* fails the first time: the rerun on the restored files works */
  write_file (f, "/usr/bin/failing-tool",
              "#!/bin/sh\n"
              "echo failing-tool >> \"$PP_TEST_ROOT/var/log/pp-test-commands.log\"\n"
              "[ -e \"$PP_TEST_ROOT/failed-once\" ] && exit 0\n"
              ": > \"$PP_TEST_ROOT/failed-once\"; exit 3\n", 0755);
  pp_apply_init (&apply, f->safe, TRUE);
  add_change (&apply, f, "/etc/default/grub", "changed\n");
  pp_apply_add_command (&apply, g_strdupv ((GStrv) append), g_strdupv ((GStrv) remove));
  pp_apply_add_command (&apply, g_strdupv ((GStrv) fail), NULL);
  apply.total = 3;
  g_assert_true (pp_apply_check_commands (&apply, &error));
  g_assert_false (pp_apply_run (&apply, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED);
  log = read_file (f, "/var/log/pp-test-commands.log");
  g_assert_cmpstr (log, ==, "fake-tool --append=iommu=pt\nfailing-tool\nfake-tool --delete=iommu=pt\nfailing-tool\n");
}

static void
test_apply_command_missing (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(PpApply) apply = { 0 };
  const char *argv[] = { "mkinitcpio", "-P", NULL };
  const char *sneaky[] = { "../bin/sh", NULL };

  pp_apply_init (&apply, f->safe, TRUE);
  pp_apply_add_command (&apply, g_strdupv ((GStrv) argv), NULL);
  g_assert_false (pp_apply_check_commands (&apply, &error));
  g_assert_nonnull (strstr (error->message, "mkinitcpio is not installed"));
  g_clear_error (&error);

  g_ptr_array_set_size (apply.commands, 0);
  g_ptr_array_set_size (apply.undo_commands, 0);
  pp_apply_add_command (&apply, g_strdupv ((GStrv) sneaky), NULL);
  g_assert_false (pp_apply_check_commands (&apply, &error));
  g_assert_nonnull (strstr (error->message, "neither a program name nor an absolute path"));
}


static void
test_runner_clean_environment (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *env = NULL;
  g_autofree char *expected_path = NULL;
  const char *argv[] = { "print-env", "one arg", NULL };
  gboolean started = FALSE;

  write_file (f, "/usr/bin/print-env",
              "#!/bin/sh\n"
              "env > \"$PP_TEST_ROOT/env.txt\"\n"
              "echo \"args: $#\" >> \"$PP_TEST_ROOT/env.txt\"\n",
              0755);
  g_setenv ("PP_SHOULD_NOT_LEAK", "1", TRUE);
  g_assert_true (pp_runner_run (f->safe, TRUE, argv, &started, &error));
  g_assert_true (started);
  g_assert_no_error (error);

  env = read_file (f, "/env.txt");
  expected_path = g_strdup_printf ("PATH=%s/usr/sbin:%s/usr/bin:%s/sbin:%s/bin:" PP_RUNNER_PATH "\n",
                                   pp_safe_root_get_path (f->safe), pp_safe_root_get_path (f->safe),
                                   pp_safe_root_get_path (f->safe), pp_safe_root_get_path (f->safe));
  g_assert_nonnull (strstr (env, expected_path));
  g_assert_nonnull (strstr (env, "LANG=C\n"));
  g_assert_nonnull (strstr (env, "args: 1\n"));   /* argv as given, no shell splitting */
  g_assert_null (strstr (env, "PP_SHOULD_NOT_LEAK"));
  g_assert_null (strstr (env, "G_DEBUG"));
  g_assert_null (strstr (env, "HOME="));
}

/* A command gets a session of its own (a terminal's ^C cannot reach it),
 * default signal handling and an empty signal mask, whatever the helper's */
static void
test_runner_child_setup (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *probe = NULL;
  const char *argv[] = { "probe", NULL };
  gboolean started = FALSE;
  sigset_t blocked;
  sigset_t before;
  const char *stat;
  int pid = 0;
  int session = 0;

  write_file (f, "/usr/bin/probe",
              "#!/bin/sh\n"
              /* builtins only: the shell's own mask, not the one it has while it waits */
              "{ while read -r line; do case $line in SigIgn*|SigBlk*) echo \"$line\";; esac; done < /proc/$$/status\n"
              "  read -r stat < /proc/$$/stat; echo \"stat: $stat\"; } > \"$PP_TEST_ROOT/probe.txt\"\n",
              0755);
  signal (SIGINT, SIG_IGN);
  signal (SIGHUP, SIG_IGN);
  signal (SIGPIPE, SIG_IGN);
  sigemptyset (&blocked);
  sigaddset (&blocked, SIGUSR2);
  sigprocmask (SIG_BLOCK, &blocked, &before);

  g_assert_true (pp_runner_run (f->safe, TRUE, argv, &started, &error));
  g_assert_no_error (error);

  sigprocmask (SIG_SETMASK, &before, NULL);
  signal (SIGINT, SIG_DFL);
  signal (SIGHUP, SIG_DFL);
  signal (SIGPIPE, SIG_DFL);

  probe = read_file (f, "/probe.txt");
  g_test_message ("%s", probe);
  g_assert_nonnull (strstr (probe, "SigIgn:\t0000000000000000\n"));
  g_assert_nonnull (strstr (probe, "SigBlk:\t0000000000000000\n"));
  /* "stat: PID (COMM) STATE PPID PGRP SESSION ..." */
  g_assert_nonnull ((stat = strstr (probe, "stat: ")));
  pid = atoi (stat + strlen ("stat: "));
  g_assert_nonnull ((stat = strchr (stat, ')')));
  g_assert_cmpint (sscanf (stat, ") %*c %*d %*d %d", &session), ==, 1);
  g_assert_cmpint (pid, >, 0);
  g_assert_cmpint (session, ==, pid);
  g_assert_cmpint (getsid (0), !=, pid);
}

static void
test_apply_reports_failed_rollback (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_auto(PpApply) apply = { 0 };
  const char *swap[] = { "swap-dir", NULL };
  const char *fail[] = { "fake-tool", NULL };

  /* a tool that swaps /etc/default for a symlink: putting grub back must refuse, and say so */
  write_file (f, "/usr/bin/swap-dir",
              "#!/bin/sh\n"
              "mv \"$PP_TEST_ROOT/etc/default\" \"$PP_TEST_ROOT/etc/default.moved\"\n"
              "ln -s default.moved \"$PP_TEST_ROOT/etc/default\"\n",
              0755);
  write_file (f, "/pp-fail-fake-tool", "", 0644);

  pp_apply_init (&apply, f->safe, TRUE);
  add_change (&apply, f, "/etc/default/grub", "changed\n");
  pp_apply_add_command (&apply, g_strdupv ((GStrv) swap), NULL);
  pp_apply_add_command (&apply, g_strdupv ((GStrv) fail), NULL);
  apply.total = 3;

  g_assert_false (pp_apply_run (&apply, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_ROLLBACK_FAILED);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "fake-tool exited with status 1"));
  g_assert_nonnull (strstr (error->message, "restoring /etc/default/grub failed"));
  g_assert_nonnull (strstr (error->message, "/etc/default is a symbolic link"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  pp_event_set_fd (STDERR_FILENO);   /* stdout is TAP */

  g_test_add_func ("/helper/args/accepted", test_args_accepted);
  g_test_add_func ("/helper/args/refused", test_args_refused);
  g_test_add_func ("/helper/args/address-shape", test_address_shape);
  g_test_add_func ("/helper/events/sanitize", test_events_sanitize);
  g_test_add_func ("/helper/events/never-stall", test_events_never_stall);
  g_test_add_func ("/helper/guard/limits-and-signals", test_guard_makes_limits_and_signals_safe);
  g_test_add_func ("/helper/guard/refuses-a-hard-limit", test_guard_refuses_a_hard_limit);
  g_test_add_func ("/helper/faults/parse", test_faults_parse);
#define ADD(path, func, fail_at) \
  g_test_add ("/helper/" path, Fixture, fail_at, fixture_set_up, func, fixture_tear_down)
  ADD ("safe-file/write-keeps-mode", test_safe_write_keeps_mode, NULL);
  ADD ("safe-file/missing-is-not-an-error", test_safe_missing_is_not_error, NULL);
  ADD ("safe-file/refuses-symlink-target", test_safe_refuses_symlink_target, NULL);
  ADD ("safe-file/refuses-symlink-parent", test_safe_refuses_symlink_parent, NULL);
  ADD ("safe-file/refuses-unsafe-files", test_safe_refuses_unsafe_files, NULL);
  ADD ("safe-file/refuses-other-owner", test_safe_refuses_other_owner, NULL);
  ADD ("safe-file/refuses-other-group-writable", test_safe_refuses_other_group_writable, NULL);
  ADD ("safe-file/creates-missing-dirs", test_safe_creates_dirs, NULL);
  ADD ("safe-file/injected-failures", test_safe_injected_failures, "write:1,rename:2");
  ADD ("backup/round-trip", test_backup_round_trip, NULL);
  ADD ("backup/refuses-tampered-manifest", test_backup_refuses_tampered_manifest, NULL);
  ADD ("backup/injected-failure-leaves-nothing", test_backup_injected_failure_leaves_nothing, "backup:1");
  ADD ("apply/ok", test_apply_ok, NULL);
  ADD ("apply/rolls-back-write-1", test_apply_rolls_back, "write:1");
  ADD ("apply/rolls-back-write-3", test_apply_rolls_back, "write:3");
  ADD ("apply/rolls-back-rename-2", test_apply_rolls_back, "rename:2");
  ADD ("apply/rolls-back-command-1", test_apply_rolls_back, "command:1");
  ADD ("apply/rolls-back-command-2", test_apply_rolls_back, "command:2");
  ADD ("apply/rolls-back-failing-tool", test_apply_rolls_back_real_failure, NULL);
  ADD ("apply/rollback-rerun-fails", test_apply_rollback_rerun_fails, NULL);
  ADD ("apply/rolls-back-command-after-1", test_apply_rolls_back_command_after, "command-after:1");
  ADD ("apply/rolls-back-command-after-2", test_apply_rolls_back_command_after, "command-after:2");
  ADD ("apply/rolls-back-with-undo", test_apply_rolls_back_with_undo, NULL);
  ADD ("apply/command-missing", test_apply_command_missing, NULL);
  ADD ("apply/reports-failed-rollback", test_apply_reports_failed_rollback, NULL);
  ADD ("runner/clean-environment", test_runner_clean_environment, NULL);
  ADD ("runner/child-setup", test_runner_child_setup, NULL);
#undef ADD

  return g_test_run ();
}
