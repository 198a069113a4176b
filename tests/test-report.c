/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib.h>

#include "pp-advice.h"
#include "pp-host.h"
#include "pp-boot.h"
#include "pp-format.h"
#include "pp-readiness.h"

/* Builds tests/hosts/NAME.host into a temp root with mkhost.py */
static char *
build_fixture (const char *name)
{
  g_autofree char *mkhost = g_test_build_filename (G_TEST_DIST, "mkhost.py", NULL);
  g_autofree char *desc_name = g_strconcat (name, ".host", NULL);
  g_autofree char *desc = g_test_build_filename (G_TEST_DIST, "hosts", desc_name, NULL);
  g_autofree char *tmp = g_dir_make_tmp ("pp-report-XXXXXX", NULL);
  char *root = g_build_filename (tmp, "root", NULL);
  const char *argv[] = { "/usr/bin/python3", mkhost, desc, root, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_assert_nonnull (tmp);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  return root;
}

static void
remove_tree (const char *root)
{
  g_autofree char *parent = g_path_get_dirname (root);
  const char *argv[] = { "rm", "-rf", parent, NULL };

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, NULL, NULL);
}

static char *
report_for (const char *root,
            PpHost    **host_out,
            PpAdvice  **advice_out)
{
  g_autoptr(GError) error = NULL;
  PpHost *host = pp_host_read (root, &error);
  PpAdvice *advice;
  g_autoptr(GPtrArray) checks = NULL;
  g_autoptr(PpBootSetup) setup = NULL;

  g_assert_no_error (error);
  advice = pp_advice_new (host);
  setup = pp_boot_setup_detect (host);
  checks = pp_readiness_checks (host, setup, advice);
  *host_out = host;
  *advice_out = advice;
  return pp_format_report_markdown (host, advice, checks);
}

static void
assert_contains (const char *report,
                 const char *needle)
{
  if (strstr (report, needle) == NULL)
    g_error ("the report lacks “%s”:\n%s", needle, report);
}

static void
test_report_groups_and_gpus (void)
{
  g_autofree char *root = build_fixture ("desktop-intel-nvidia");
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpAdvice) advice = NULL;
  g_autofree char *report = report_for (root, &host, &advice);

  g_assert_true (g_str_has_prefix (report, "## PassthroughPrep report\n"));
  assert_contains (report, "### Readiness\n");
  assert_contains (report, "- **IOMMU** (ok): ");
  assert_contains (report, "### GPUs\n");
  assert_contains (report, "### IOMMU groups\n");
  g_assert_cmpuint (host->groups->len, >, 0);
  for (guint i = 0; i < host->groups->len; i++)
    {
      PpIommuGroup *group = g_ptr_array_index (host->groups, i);
      g_autofree char *heading = g_strdup_printf ("**Group %d**\n", group->id);

      assert_contains (report, heading);
      for (guint j = 0; j < group->devices->len; j++)
        {
          PpPciDevice *device = g_ptr_array_index (group->devices, j);
          g_autofree char *ids = pp_pci_device_dup_ids (device);
          g_autofree char *line = g_strdup_printf ("- `%s` [", device->address);
          g_autofree char *quoted_ids = g_strdup_printf ("`%s`", ids);

          assert_contains (report, line);
          assert_contains (report, quoted_ids);
          assert_contains (report, device->device_name);
        }
    }
  g_assert_cmpuint (advice->gpus->len, ==, 2);
  for (guint i = 0; i < advice->gpus->len; i++)
    {
      PpGpuAdvice *gpu = g_ptr_array_index (advice->gpus, i);

      assert_contains (report, gpu->verdict);
      assert_contains (report, gpu->macos_note);
    }
  assert_contains (report, ", drives the display");
  assert_contains (report, host->cmdline);
  remove_tree (root);
}

static void
test_report_iommu_off (void)
{
  g_autofree char *root = build_fixture ("iommu-off");
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpAdvice) advice = NULL;
  g_autofree char *report = report_for (root, &host, &advice);

  assert_contains (report, "None: the IOMMU is off.\n");
  assert_contains (report, "**Not in a group**\n");
  assert_contains (report, "- **IOMMU** (error): ");
  g_assert_null (strstr (report, "**Group "));
  for (guint j = 0; j < host->ungrouped->len; j++)
    {
      PpPciDevice *device = g_ptr_array_index (host->ungrouped, j);
      g_autofree char *line = g_strdup_printf ("- `%s` [", device->address);

      assert_contains (report, line);
    }
  remove_tree (root);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/app/report/groups-and-gpus", test_report_groups_and_gpus);
  g_test_add_func ("/app/report/iommu-off", test_report_iommu_off);

  return g_test_run ();
}
