/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-main"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "pp-application.h"
#include "pp-cli.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(PpApplication) app = NULL;
  int status = 0;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  /* --list, --check and --plan answer on the terminal without touching GTK */
  if (pp_cli_run (argc, argv, &status))
    return status;

  g_set_application_name (_("PassthroughPrep"));
  app = pp_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
