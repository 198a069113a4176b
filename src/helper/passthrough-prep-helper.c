/* SPDX-License-Identifier: GPL-3.0-or-later */
/* passthrough-prep-helper: the only code of PassthroughPrep that runs as
 * root, through pkexec. Takes an intent and nothing else; see "The privileged helper" in README.md. */
#define G_LOG_DOMAIN "pp-helper"

#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pp-advice.h"
#include "pp-helper-args.h"
#include "pp-helper-events.h"
#include "pp-helper-exit.h"
#include "pp-helper-faults.h"
#include "pp-helper-intents.h"
#include "pp-host.h"
#include "pp-plan.h"

#define PP_HELPER_LOCK_FILE "/var/lib/passthrough-prep/lock"

static gboolean
check_caller (gboolean   test_mode,
              GError   **error)
{
  /* test mode runs as whoever runs the tests, but never set-uid */
  if (test_mode && getuid () == geteuid ())
    return TRUE;
  if (!test_mode && getuid () == 0 && geteuid () == 0)
    return TRUE;

  g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_NOT_PERMITTED,
               "passthrough-prep-helper only runs as root, through pkexec (uid %u, euid %u)",
               (guint) getuid (), (guint) geteuid ());
  return FALSE;
}

static gboolean
reserve (PpSafeRoot  *root,
         gboolean     test_mode,
         const char  *address,
         GError     **error)
{
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpAdvice) advice = NULL;
  g_autoptr(PpPlan) plan = NULL;

  /* the caller's view of the host is not trusted: read it again */
  host = pp_host_read (pp_safe_root_get_path (root), error);
  if (host != NULL)
    {
      advice = pp_advice_new (host);
      plan = pp_plan_reserve (host, advice, address, error);
    }
  if (plan == NULL)
    {
      g_prefix_error (error, "cannot plan reserving %s: ", address);
      if (error != NULL && *error != NULL)
        {
          (*error)->domain = PP_HELPER_ERROR;
          (*error)->code = PP_HELPER_EXIT_HOST_UNREADABLE;
        }
      return FALSE;
    }

  return pp_helper_reserve_plan (root, test_mode, plan, error);
}

static gboolean
run (int      argc,
     char   **argv,
     GError **error)
{
  g_autoptr(PpFaults) faults = NULL;
  g_autoptr(PpSafeRoot) root = NULL;
  PpHelperArgs args;
  gboolean test_mode;
  gboolean ok = FALSE;
  const char *fail_at;
  int lock_fd = -1;

  if (!pp_helper_args_parse (argc - 1, (const char * const *) argv + 1,
                             g_getenv ("PKEXEC_UID") != NULL, &args, error))
    return FALSE;

  test_mode = args.test_root != NULL;
  if (!check_caller (test_mode, error))
    goto out;

  if (test_mode && !g_file_test (args.test_root, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_USAGE,
                   "--root: no such directory");
      goto out;
    }

  fail_at = g_getenv ("PP_HELPER_FAIL_AT");
  if (test_mode && fail_at != NULL && (faults = pp_faults_parse (fail_at, error)) == NULL)
    goto out;

  root = pp_safe_root_open (test_mode ? args.test_root : "/",
                            test_mode ? getuid () : 0, faults, error);
  if (root == NULL)
    goto out;

  /* one change at a time: reserve and revert hold the lock to the end */
  if (args.intent != PP_INTENT_STATUS
      && (lock_fd = pp_safe_lock (root, PP_HELPER_LOCK_FILE, error)) < 0)
    goto out;

  switch (args.intent)
    {
    case PP_INTENT_RESERVE:
      ok = reserve (root, test_mode, args.address, error);
      break;
    case PP_INTENT_REVERT:
      ok = pp_helper_revert (root, test_mode, error);
      break;
    case PP_INTENT_STATUS:
      ok = pp_helper_status (root, error);
      break;
    default:
      g_assert_not_reached ();
    }

out:
  if (lock_fd >= 0)
    close (lock_fd);
  pp_helper_args_clear (&args);
  return ok;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;

  setlocale (LC_ALL, "C.UTF-8");
  umask (022);
  /* the caller going away (closed pipe, hung-up terminal) must not stop a
   * change half-way: the run finishes or rolls back, events are dropped */
  signal (SIGPIPE, SIG_IGN);
  signal (SIGHUP, SIG_IGN);

  if (run (argc, argv, &error))
    return PP_HELPER_EXIT_OK;

  if (error == NULL)
    g_set_error (&error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED, "failed for an unknown reason");
  else if (error->domain != PP_HELPER_ERROR)
    {
      error->domain = PP_HELPER_ERROR;
      error->code = PP_HELPER_EXIT_FAILED;
    }

  pp_event_emit ("failed", "%s", error->message);
  g_printerr ("passthrough-prep-helper: %s\n", error->message);
  return error->code;
}
