/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The reference for build-aux/bench's start-up figure: the least a
 * libadwaita program does to put a window on screen (an AdwApplication,
 * an AdwApplicationWindow of PassthroughPrep's default size with a header
 * bar and a label). With PP_EXIT_AFTER_FIRST_FRAME=1 it quits right after
 * its first frame is painted, the way passthrough-prep does. */
#include "config.h"

#include <adwaita.h>

static void
bare_window_quit_after_paint (GdkFrameClock *frame_clock,
                              GtkWidget     *window)
{
  g_signal_handlers_disconnect_by_func (frame_clock, bare_window_quit_after_paint, window);
  g_application_quit (g_application_get_default ());
}

static gboolean
bare_window_first_frame_tick (GtkWidget     *widget,
                              GdkFrameClock *frame_clock,
                              gpointer       user_data)
{
  g_signal_connect (frame_clock, "after-paint", G_CALLBACK (bare_window_quit_after_paint), widget);
  return G_SOURCE_REMOVE;
}

static void
bare_window_activate (GApplication *app)
{
  GtkWidget *window = adw_application_window_new (GTK_APPLICATION (app));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new ("A bare libadwaita window");

  gtk_window_set_title (GTK_WINDOW (window), "Bare window");
  /* the same size as passthrough-prep's window: painting costs by the pixel */
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 760);
  gtk_widget_set_vexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), label);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));

  if (g_strcmp0 (g_getenv ("PP_EXIT_AFTER_FIRST_FRAME"), "1") == 0)
    gtk_widget_add_tick_callback (window, bare_window_first_frame_tick, NULL, NULL);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(AdwApplication) app = adw_application_new ("org.ultmos.PassthroughPrep.BareWindow",
                                                       G_APPLICATION_DEFAULT_FLAGS);

  g_signal_connect (app, "activate", G_CALLBACK (bare_window_activate), NULL);
  return g_application_run (G_APPLICATION (app), argc, argv);
}
