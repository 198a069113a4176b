/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Exit statuses of passthrough-prep */
typedef enum
{
  PP_EXIT_OK = 0,
  PP_EXIT_FAILED = 1,   /* failed or refused; a message on stderr says what and where */
  PP_EXIT_USAGE = 2,
} PpExitStatus;

/* Runs --list, --check or --plan when argv asks for one of them and returns
 * TRUE with *exit_status set; returns FALSE when argv asks for the window,
 * which then parses argv itself (GTK's and GApplication's options included).
 * Output goes to stdout, errors to stderr. */
gboolean pp_cli_run (int    argc,
                     char **argv,
                     int   *exit_status);

G_END_DECLS
