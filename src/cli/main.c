/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-main"

#include "config.h"

#include <locale.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <gmodule.h>

#include "pp-cli.h"

typedef int (*PpWindowMain) (int argc, char **argv);

/* The window lives in a module so that --list, --check and --plan never pay
 * for loading GTK: that load alone costs more than reading the whole host.
 * Next to this program in the build tree, in PKGLIBDIR once installed. */
static GModule *
pp_open_window_module (GError **error)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *beside = NULL;
  g_autofree char *installed = g_build_filename (PKGLIBDIR, PP_WINDOW_MODULE_NAME, NULL);
  GModule *module;

  if (self != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self);
      beside = g_build_filename (dir, "..", "app", PP_WINDOW_MODULE_NAME, NULL);
      if (g_file_test (beside, G_FILE_TEST_IS_REGULAR)
          && (module = g_module_open (beside, G_MODULE_BIND_LOCAL)) != NULL)
        return module;
    }
  module = g_module_open (installed, G_MODULE_BIND_LOCAL);
  if (module == NULL)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s", g_module_error ());
  return module;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  PpWindowMain window_main;
  GModule *module;
  int status = 0;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (pp_cli_run (argc, argv, &status))
    return status;

  module = pp_open_window_module (&error);
  if (module == NULL || !g_module_symbol (module, "pp_window_main", (gpointer *) &window_main))
    {
      g_printerr (_("passthrough-prep: the window is not available: %s\n"),
                  error != NULL ? error->message : g_module_error ());
      return 1;
    }
  return window_main (argc, argv);
}
