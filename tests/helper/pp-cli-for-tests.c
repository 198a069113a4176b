/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The command line of passthrough-prep without the window, so the helper's
 * tests can ask core for the plan (--plan ADDR --json --root DIR) in builds
 * without the app. */
#include "config.h"

#include "pp-cli.h"

int
main (int    argc,
      char **argv)
{
  int status = PP_EXIT_USAGE;

  if (pp_cli_run (argc, argv, &status))
    return status;
  return PP_EXIT_USAGE;
}
