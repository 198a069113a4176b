/* SPDX-License-Identifier: GPL-3.0-or-later */
/* passthrough-prep-helper: the only code of PassthroughPrep that runs as
 * root, through pkexec. Takes an intent and nothing else; see "The
 * privileged helper" in README.md. Built a second time, uninstalled, as
 * passthrough-prep-helper-test with PP_HELPER_TEST_BUILD: only that one
 * takes --root and PP_HELPER_FAIL_AT. */
#define G_LOG_DOMAIN "pp-helper"

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pp-advice.h"
#include "pp-boot.h"
#include "pp-helper-args.h"
#include "pp-helper-events.h"
#include "pp-helper-faults.h"
#include "pp-helper-guard.h"
#include "pp-helper-protocol.h"
#include "pp-helper-intents.h"
#include "pp-helper-rom.h"
#include "pp-host.h"
#include "pp-plan.h"
#include "pp-runner.h"

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
reserve (PpSafeRoot          *root,
         gboolean             test_mode,
         const PpHelperArgs  *args,
         GError             **error)
{
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpBootSetup) setup = NULL;
  g_autoptr(PpAdvice) advice = NULL;
  g_autoptr(PpPlan) plan = NULL;
  PpPlanRequest request = { args->address, args->mode, args->acs_override };

  /* the caller's view of the host is not trusted: read it again */
  host = pp_host_read (pp_safe_root_get_path (root), error);
  if (host != NULL)
    {
      setup = pp_boot_setup_detect (host);
      advice = pp_advice_new (host);
      plan = pp_plan_reserve (host, setup, advice, &request, error);
    }
  if (plan == NULL)
    {
      g_prefix_error (error, "cannot plan reserving %s: ", args->address);
      if (error != NULL && *error != NULL)
        {
          (*error)->domain = PP_HELPER_ERROR;
          (*error)->code = PP_HELPER_EXIT_HOST_UNREADABLE;
        }
      return FALSE;
    }

  /* a refusal says why by itself; any other difference means that what was
   * reviewed is not what would be written */
  if (plan->refused == NULL && g_strcmp0 (plan->digest, args->digest) != 0)
    {
      g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_PLAN_CHANGED,
                   "the system changed since the plan for %s was reviewed (its digest is now %.12s…, "
                   "not %.12s…); nothing was written: review the changes again",
                   args->address, plan->digest, args->digest);
      return FALSE;
    }

  return pp_helper_reserve_plan (root, test_mode, plan, error);
}

/* The next boot, and only it, starts the newest Passthrough entry: the boot
 * backend says how (grub-reboot), from the host as it is */
static gboolean
next_boot (PpSafeRoot  *root,
           gboolean     test_mode,
           GError     **error)
{
  g_autoptr(PpHost) host = pp_host_read (pp_safe_root_get_path (root), error);
  g_autoptr(PpBootSetup) setup = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean started = FALSE;

  if (host == NULL)
    {
      (*error)->domain = PP_HELPER_ERROR;
      (*error)->code = PP_HELPER_EXIT_HOST_UNREADABLE;
      return FALSE;
    }
  setup = pp_boot_setup_detect (host);
  if (setup->error != NULL)
    {
      g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_HOST_UNREADABLE, "%s", setup->error->message);
      return FALSE;
    }
  if (setup->boot->next_boot_command == NULL
      || (argv = setup->boot->next_boot_command (host, setup, &local_error)) == NULL)
    {
      g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_NO_BOOT_ENTRY, "%s",
                   local_error != NULL ? local_error->message
                                       : "this boot loader cannot be told to start one entry once: choose the "
                                         "Passthrough entry in the boot menu");
      return FALSE;
    }
  pp_event_step (1, 1, "Running %s %s", argv[0], argv[1]);
  if (!pp_runner_run (root, test_mode, (const char * const *) argv, &started, error))
    return FALSE;
  pp_event_emit (PP_HELPER_EVENT_DONE, "The next start boots %s once", argv[1]);
  return TRUE;
}

static gboolean
run (int      argc,
     char   **argv,
     GError **error)
{
  PpFaults *faults = NULL;
  g_autoptr(PpSafeRoot) root = NULL;
  PpHelperArgs args;
  gboolean test_mode;
  gboolean ok = FALSE;
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

#ifdef PP_HELPER_TEST_BUILD
  if (test_mode && g_getenv ("PP_HELPER_FAIL_AT") != NULL
      && (faults = pp_faults_parse (g_getenv ("PP_HELPER_FAIL_AT"), error)) == NULL)
    goto out;
#endif

  /* in test mode the running user and their group play root's */
  root = pp_safe_root_open (test_mode ? args.test_root : "/",
                            test_mode ? getuid () : 0, test_mode ? getgid () : 0, faults, error);
  if (root == NULL)
    goto out;

  /* one change at a time: reserve, revert and save-rom hold the lock to the end */
  if (args.intent != PP_HELPER_INTENT_STATUS
      && (lock_fd = pp_safe_lock (root, PP_HELPER_LOCK_FILE, error)) < 0)
    goto out;

  switch (args.intent)
    {
    case PP_HELPER_INTENT_RESERVE:
      ok = reserve (root, test_mode, &args, error);
      break;
    case PP_HELPER_INTENT_REVERT:
      ok = pp_helper_revert (root, test_mode, error);
      break;
    case PP_HELPER_INTENT_STATUS:
      ok = pp_helper_status (root, error);
      break;
    case PP_HELPER_INTENT_NEXT_BOOT:
      ok = next_boot (root, test_mode, error);
      break;
    case PP_HELPER_INTENT_SAVE_ROM:
      ok = pp_helper_save_rom (root, test_mode, args.address, error);
      break;
    default:
      g_assert_not_reached ();
    }

out:
  if (lock_fd >= 0)
    close (lock_fd);
#ifdef PP_HELPER_TEST_BUILD
  g_clear_pointer (&faults, pp_faults_free);
#endif
  pp_helper_args_clear (&args);
  return ok;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  /* before anything else: the caller's signals, mask and limits must not
   * cut a change short, and a reader that stops reading must not stall it */
  ok = pp_guard_process (&error);
  pp_events_init ();
  setlocale (LC_ALL, "C.UTF-8");
  umask (022);

  if (ok && run (argc, argv, &error))
    {
      pp_events_restore ();
      return PP_HELPER_EXIT_OK;
    }

  if (error == NULL)
    g_set_error (&error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED, "failed for an unknown reason");
  else if (error->domain != PP_HELPER_ERROR)
    {
      error->domain = PP_HELPER_ERROR;
      error->code = PP_HELPER_EXIT_FAILED;
    }

  pp_event_emit (PP_HELPER_EVENT_FAILED, "%s", error->message);
  pp_event_print_error (error->message);
  pp_events_restore ();
  return error->code;
}
