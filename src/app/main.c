/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pp-cli.h"

int
main (int    argc,
      char **argv)
{
  int status = 0;

  if (pp_cli_run (argc, argv, &status))
    return status;
  return 0;
}
