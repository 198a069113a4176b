/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "pp-diff.h"
#include "pp-test-shell.h"
#include "pp-test-tree.h"

typedef struct
{
  const char *name;
  const char *old_text;   /* NULL: a new file */
  const char *new_text;
  gboolean    like_diff;  /* the hunks are byte for byte what diff -u writes */
} DiffCase;

#define TWENTY "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n"

static const DiffCase cases[] = {
  { "one-line-changed", "a\nb\nc\nd\ne\nf\ng\nh\n", "a\nb\nc\nd\nE\nf\ng\nh\n", TRUE },
  { "line-added-at-end", "GRUB_TIMEOUT=5\n", "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX_DEFAULT=\"x\"\n", TRUE },
  { "line-added-at-start", "b\nc\n", "a\nb\nc\n", TRUE },
  { "new-file", NULL, "options vfio-pci ids=1:2\nsoftdep nvidia pre: vfio-pci\n", FALSE },
  { "no-newline-old", "a\nb", "a\nb\n", TRUE },
  { "no-newline-new", "a\nb\n", "a\nb", TRUE },
  { "no-newline-both-changed", "a\nb", "a\nc", TRUE },
  { "two-hunks", TWENTY, "1\nTWO\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\nNINETEEN\n20\n", TRUE },
  { "close-changes-one-hunk", TWENTY, "1\n2\n3\nFOUR\n5\n6\n7\n8\n9\nTEN\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n", TRUE },
  { "lines-removed", "MODULES=(\n  vfio_virqfd  # old\n  nvidia\n)\n", "MODULES=(\n  nvidia\n)\n", TRUE },
  { "everything-removed", "a\nb\n", "", TRUE },
  { "mixed", "x\na\nb\nc\ny\n", "x\nA\nb\nC\nc2\ny\n", FALSE },
};

static char *
run (const char * const *argv,
     const char         *cwd,
     int                *status)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;

  g_spawn_sync (cwd, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, status, &error);
  g_assert_no_error (error);
  return out;
}

static void
test_diff_case (gconstpointer data)
{
  const DiffCase *c = data;
  g_autofree char *diff = pp_diff_unified ("/etc/default/grub", c->old_text, c->new_text, 3);
  g_autoptr(PpTestTree) tmp = pp_test_tree_new ();
  g_autofree char *old_path = pp_test_write_file (tmp, "etc/default/grub", c->old_text);
  g_autofree char *new_path = pp_test_write_file (tmp, "new", c->new_text);
  g_autofree char *patch_path = pp_test_write_file (tmp, "change.patch", diff);
  g_autofree char *patched = NULL;
  g_autofree char *out = NULL;
  const char *patch_argv[] = { "patch", "-p1", "-s", "-i", patch_path, NULL };
  int status = -1;

  g_assert_true (g_str_has_prefix (diff, c->old_text ? "--- a/etc/default/grub\n+++ b/etc/default/grub\n@@ "
                                                     : "--- /dev/null\n+++ b/etc/default/grub\n@@ -0,0 +1,"));

  /* patch applies it back */
  out = run (patch_argv, tmp, &status);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_file_get_contents (old_path, &patched, NULL, NULL);
  g_assert_cmpstr (patched, ==, c->new_text);

  if (c->like_diff)
    {
      g_autofree char *orig_path = pp_test_write_file (tmp, "orig", c->old_text);
      const char *diff_argv[] = { "diff", "-u", orig_path, new_path, NULL };
      g_autofree char *expected = run (diff_argv, tmp, &status);
      const char *hunks = strstr (expected, "\n@@");
      const char *ours = strstr (diff, "\n@@");

      g_assert_nonnull (hunks);
      g_assert_cmpstr (ours, ==, hunks);
    }

}

static void
test_diff_equal (void)
{
  g_autofree char *diff = pp_diff_unified ("/etc/x", "a\n", "a\n", 3);

  g_assert_cmpstr (diff, ==, "");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/core/diff/", cases[i].name, NULL);

      g_test_add_data_func (path, &cases[i], test_diff_case);
    }
  g_test_add_func ("/core/diff/equal", test_diff_equal);
  return g_test_run ();
}
