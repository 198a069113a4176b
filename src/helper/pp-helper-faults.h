/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Failure injection for tests, from PP_HELPER_FAIL_AT, which only the test
 * build (passthrough-prep-helper-test) reads, in test mode (--root):
 * "KIND:N[,KIND:N...]" fails the Nth step of that kind. Kinds: backup
 * (saving the backup set), write (writing a temp file), rename (replacing
 * the target), command (the Nth command, before it starts), command-after
 * (the Nth command runs to its end, having written its output, then counts
 * as failed), and sigint, sigterm, sighup: the helper gets that signal as
 * its Nth step starts (whatever the step). */
typedef enum
{
  PP_FAULT_BACKUP,
  PP_FAULT_WRITE,
  PP_FAULT_RENAME,
  PP_FAULT_COMMAND,
  PP_FAULT_COMMAND_AFTER,
  PP_FAULT_SIGINT,
  PP_FAULT_SIGTERM,
  PP_FAULT_SIGHUP,
  PP_N_FAULTS,
} PpFaultKind;

typedef struct _PpFaults PpFaults;

#ifdef PP_HELPER_TEST_BUILD
PpFaults *pp_faults_parse  (const char  *spec,
                            GError     **error);
void      pp_faults_free   (PpFaults    *faults);
/* Counts one step of @kind; FALSE with an error when it is the one to fail.
 * A NULL @faults never fails. */
gboolean  pp_faults_check  (PpFaults    *faults,
                            PpFaultKind  kind,
                            GError     **error);

/* A step starts: raises the signal a sigint/sigterm/sighup fault names for it */
void      pp_faults_step   (PpFaults    *faults);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpFaults, pp_faults_free)
#else
/* the installed helper has no way to inject a failure */
static inline gboolean
pp_faults_check (PpFaults    *faults,
                 PpFaultKind  kind,
                 GError     **error)
{
  return TRUE;
}

static inline void
pp_faults_step (PpFaults *faults)
{
}
#endif

G_END_DECLS
