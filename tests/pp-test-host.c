/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "pp-test-host.h"
#include "pp-test-tree.h"

void
pp_test_host_init (PpTestHost *test_host)
{
  test_host->root = pp_test_tree_new ();
  test_host->host = NULL;
  test_host->advice = NULL;
}

void
pp_test_host_read (PpTestHost *test_host)
{
  g_autoptr(GError) error = NULL;

  test_host->host = pp_host_read (test_host->root, &error);
  g_assert_no_error (error);
  test_host->advice = pp_advice_new (test_host->host);
}

void
pp_test_host_clear (PpTestHost *test_host)
{
  g_clear_pointer (&test_host->advice, pp_advice_free);
  g_clear_pointer (&test_host->host, pp_host_free);
  g_clear_pointer (&test_host->root, pp_test_tree_free);
}
