/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-main"

#include "config.h"

#include <glib/gi18n.h>
#include <gmodule.h>

#include "pp-application.h"

G_MODULE_EXPORT int pp_window_main (int argc, char **argv);

/* Called by passthrough-prep once it knows the window is wanted */
G_MODULE_EXPORT int
pp_window_main (int    argc,
                char **argv)
{
  g_autoptr(PpApplication) app = NULL;

  g_set_application_name (_("PassthroughPrep"));
  app = pp_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
