/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pp-cli.h"

typedef struct
{
  const char *argv[6];
  gboolean    handled;   /* FALSE: the window is asked for */
  int         status;
} CliCase;

/* The window's own options (GApplication's, GTK's) are left to the window;
 * with a command, anything unknown is bad usage */
static void
test_cli_options (void)
{
  static const CliCase cases[] = {
    { { "passthrough-prep", NULL }, FALSE, 0 },
    { { "passthrough-prep", "--root", "/tmp", NULL }, FALSE, 0 },
    { { "passthrough-prep", "--root=/tmp", NULL }, FALSE, 0 },
    { { "passthrough-prep", "--gapplication-service", NULL }, FALSE, 0 },
    { { "passthrough-prep", "--root", "/tmp", "--gapplication-app-id=org.example.Other", NULL }, FALSE, 0 },
    { { "passthrough-prep", "--json", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--list", "--check", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--list", "--plan", "0000:01:00.0", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--list", "--gapplication-service", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--check", "stray", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--plan", "01:00.0", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--plan", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--list", "--root", "", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--list", "--root", "/nonexistent-pp-root", NULL }, TRUE, 1 },
    { { "passthrough-prep", "--vm-config", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--vm-config", "vmware", "0000:01:00.0", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--vm-config", "qemu", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--vm-config", "qemu", "01:00.0", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--vm-config", "qemu", "0000:01:00.0", "--json", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--vm-config", "qemu", "0000:01:00.0", "0000:01:00.1", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--vm-config", "libvirt", "--plan", "0000:01:00.0", NULL }, TRUE, 2 },
    { { "passthrough-prep", "--vm-config=ultmos", "0000:01:00.0", "--root", "/nonexistent-pp-root", NULL }, TRUE, 1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) argv = g_strdupv ((char **) cases[i].argv);
      int status = -1;
      gboolean handled;

      g_test_message ("case %u: %s", i, cases[i].argv[1] != NULL ? cases[i].argv[1] : "(none)");
      handled = pp_cli_run (g_strv_length (argv), argv, &status);
      g_assert_cmpint (handled, ==, cases[i].handled);
      if (handled)
        g_assert_cmpint (status, ==, cases[i].status);
      /* argv is the window's: parsing never takes from it */
      g_assert_cmpstrv (argv, cases[i].argv);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cli/options", test_cli_options);
  return g_test_run ();
}
