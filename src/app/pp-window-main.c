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

  /* passthrough-prep set the locale before it loaded this module; GTK setting
   * it again in gtk_init() would race the thread that reads the host meanwhile
   * (pp_snapshot_read_ahead), whose messages are translated */
  gtk_disable_setlocale ();
  g_set_application_name (_("PassthroughPrep"));
  app = pp_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
