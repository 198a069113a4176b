/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Errors of the helper carry the exit status they end in as their code. */
#define PP_HELPER_ERROR (pp_helper_error_quark ())

/* Exit statuses of passthrough-prep-helper. 126 and 127 are pkexec's own
 * (authorization dismissed or failed), so none of ours may use them. The
 * last event on stdout is always "done ..." or "failed ...". */
typedef enum
{
  PP_HELPER_EXIT_OK               = 0,  /* done */
  PP_HELPER_EXIT_FAILED           = 1,  /* a step failed; every file was restored */
  PP_HELPER_EXIT_USAGE            = 2,  /* argv is not exactly one of the accepted forms */
  PP_HELPER_EXIT_NOT_PERMITTED    = 3,  /* not root, uid != euid, or a test hook under pkexec */
  PP_HELPER_EXIT_REFUSED          = 4,  /* the plan refuses this address (not a GPU, not viable, ...) */
  PP_HELPER_EXIT_UNSAFE_TARGET    = 5,  /* a target is a symlink, not a regular file, or not owned by root */
  PP_HELPER_EXIT_CHANGED_SINCE    = 6,  /* revert: a file changed since the helper wrote it */
  PP_HELPER_EXIT_NOTHING_TO_DO    = 7,  /* revert: no applied backup */
  PP_HELPER_EXIT_HOST_UNREADABLE  = 8,  /* the host or its config files could not be read or planned */
  PP_HELPER_EXIT_ROLLBACK_FAILED  = 9,  /* a step failed and restoring a file failed too: see the events */
  PP_HELPER_EXIT_BUSY             = 10, /* another helper is reserving or reverting right now */
} PpHelperExit;

GQuark pp_helper_error_quark (void);

G_END_DECLS
