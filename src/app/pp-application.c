/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-application"

#include "config.h"

#include <glib/gi18n.h>

#include "pp-application.h"
#include "pp-snapshot.h"
#include "pp-window.h"

struct _PpApplication
{
  AdwApplication parent_instance;

  char *root;
};

G_DEFINE_FINAL_TYPE (PpApplication, pp_application, ADW_TYPE_APPLICATION)

static const GOptionEntry pp_application_options[] = {
  { "root", 0, 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Show the host under DIR (DIR/sys, DIR/proc, DIR/etc, DIR/boot)"), N_("DIR") },
  { NULL }
};

PpApplication *
pp_application_new (void)
{
  return g_object_new (PP_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/org/ultmos/PassthroughPrep",
                       NULL);
}

const char *
pp_application_get_root (PpApplication *self)
{
  g_return_val_if_fail (PP_IS_APPLICATION (self), "/");

  return self->root != NULL ? self->root : "/";
}

static int
pp_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  PpApplication *self = PP_APPLICATION (app);
  g_autofree char *root = NULL;

  if (g_variant_dict_lookup (options, "root", "^ay", &root))
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (root);

      g_free (self->root);
      self->root = g_file_get_path (file);
      /* a captured host is its own window, not one more look at the running one */
      g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);
    }
  return -1;
}

static void
pp_application_activate (GApplication *app)
{
  PpApplication *self = PP_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    window = GTK_WINDOW (pp_window_new (self, pp_application_get_root (self)));
  gtk_window_present (window);
}

static void
pp_application_about (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  static const char *developers[] = { "The PassthroughPrep authors", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("PassthroughPrep"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The PassthroughPrep authors"),
                         "developers", developers,
                         "comments", _("Prepare this computer to pass a GPU through to a virtual machine"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
pp_application_quit (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry pp_application_actions[] = {
  { "about", pp_application_about },
  { "quit", pp_application_quit },
};

static void
pp_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *refresh_accels[] = { "F5", "<Control>r", NULL };
  static const char *search_accels[] = { "<Control>f", NULL };
  static const char *copy_accels[] = { "<Control><Shift>c", NULL };
  static const char *shortcuts_accels[] = { "<Control>question", NULL };
  static const char *view_accels[3][2] = {
    { "<Alt>1", NULL }, { "<Alt>2", NULL }, { "<Alt>3", NULL },
  };

  /* the host is read while GTK and libadwaita start */
  pp_snapshot_read_ahead (pp_application_get_root (PP_APPLICATION (app)));
  G_APPLICATION_CLASS (pp_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), pp_application_actions,
                                   G_N_ELEMENTS (pp_application_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.refresh", refresh_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.search", search_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.copy-report", copy_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.show-help-overlay", shortcuts_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.view::readiness", view_accels[0]);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.view::gpus", view_accels[1]);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "win.view::groups", view_accels[2]);
}

static void
pp_application_finalize (GObject *object)
{
  PpApplication *self = PP_APPLICATION (object);

  g_clear_pointer (&self->root, g_free);

  G_OBJECT_CLASS (pp_application_parent_class)->finalize (object);
}

static void
pp_application_class_init (PpApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = pp_application_finalize;
  app_class->handle_local_options = pp_application_handle_local_options;
  app_class->startup = pp_application_startup;
  app_class->activate = pp_application_activate;
}

static void
pp_application_init (PpApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), pp_application_options);
}
