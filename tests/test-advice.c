/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pp-advice.h"
#include "pp-boot.h"
#include "pp-readiness.h"
#include "pp-test-host.h"
#include "pp-test-tree.h"

/* Names decide the macOS hint and whether an AMD GPU is an APU, so each test
 * tree carries its own small pci.ids. */
static const char pci_ids[] =
  "1002  Advanced Micro Devices, Inc. [AMD/ATI]\n"
  "\t15dd  Raven Ridge [Radeon Vega Series / Radeon Vega Mobile Series]\n"
  "\t15de  Raven/Raven2/Fenghuang HDMI/DP Audio Controller\n"
  "\t67df  Ellesmere [Radeon RX 470/480/570/570X/580/580X/590]\n"
  "\taaf0  Ellesmere HDMI Audio [Radeon RX 470/480 / 570/580/590]\n"
  "\t73bf  Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]\n"
  "\t743f  Navi 24 [Radeon RX 6400/6500 XT/6500M]\n"
  "\t66af  Vega 20 [Radeon VII]\n"
  "10de  NVIDIA Corporation\n"
  "\t1187  GK104 [GeForce GTX 760]\n"
  "\t1401  GM206 [GeForce GTX 960]\n"
  "\t0fba  GM206 High Definition Audio Controller\n"
  "\t2184  TU116 [GeForce GTX 1660]\n"
  "\t1aeb  TU116 High Definition Audio Controller\n"
  "\t1aec  TU116 USB 3.1 Host Controller\n"
  "\t1aed  TU116 USB Type-C UCSI Controller\n"
  "\t1f11  TU106M [GeForce RTX 2060 Mobile]\n"
  "8086  Intel Corporation\n"
  "\t1901  6th-10th Gen Core Processor PCIe Controller (x16)\n"
  "\t1912  HD Graphics 530\n"
  "\t56a0  DG2 [Arc A770]\n"
  "10ec  Realtek Semiconductor Co., Ltd.\n"
  "\t8168  RTL8111/8168/8411 PCI Express Gigabit Ethernet Controller\n"
  "C 03  Display controller\n"
  "\t00  VGA compatible controller\n"
  "\t02  3D controller\n"
  "\t80  Display controller\n";

typedef PpTestHost Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  pp_test_host_init (fixture);
  pp_test_tree_write (fixture->root, "usr/share/misc/pci.ids", pci_ids);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  pp_test_host_clear (fixture);
}

static PpGpuAdvice *
gpu_at (Fixture    *fixture,
        const char *address)
{
  PpGpuAdvice *gpu = pp_advice_find_gpu (fixture->advice, address);

  g_assert_nonnull (gpu);
  return gpu;
}

static void
assert_addresses (GPtrArray  *devices,
                  const char *expected)
{
  g_autoptr(GString) got = g_string_new (NULL);

  for (guint i = 0; i < devices->len; i++)
    g_string_append_printf (got, "%s%s", i ? " " : "",
                            ((PpPciDevice *) g_ptr_array_index (devices, i))->address);
  g_assert_cmpstr (got->str, ==, expected);
}

static void
test_macos_hints (Fixture *fixture, gconstpointer data)
{
  pp_test_tree_add_device (fixture->root, "0000:01:00.0", "1002:67df", 0x030000, "amdgpu", 1);
  pp_test_tree_add_device (fixture->root, "0000:02:00.0", "1002:73bf", 0x030000, "amdgpu", 2);
  pp_test_tree_add_device (fixture->root, "0000:03:00.0", "1002:743f", 0x030000, "amdgpu", 3);
  pp_test_tree_add_device (fixture->root, "0000:04:00.0", "10de:1187", 0x030000, "nouveau", 4);
  pp_test_tree_add_device (fixture->root, "0000:05:00.0", "10de:2184", 0x030000, "nvidia", 5);
  pp_test_tree_add_device (fixture->root, "0000:06:00.0", "1002:66af", 0x030000, "amdgpu", 6);
  pp_test_tree_add_device (fixture->root, "0000:07:00.0", "1002:15dd", 0x030000, "amdgpu", 7);
  pp_test_tree_add_device (fixture->root, "0000:08:00.0", "1234:5678", 0x030000, NULL, 8);
  pp_test_host_read (fixture);

  g_assert_cmpint (gpu_at (fixture, "0000:01:00.0")->macos, ==, PP_MACOS_SUPPORTED);
  g_assert_nonnull (strstr (gpu_at (fixture, "0000:01:00.0")->macos_note, "Polaris"));
  g_assert_cmpint (gpu_at (fixture, "0000:02:00.0")->macos, ==, PP_MACOS_SUPPORTED);
  g_assert_cmpint (gpu_at (fixture, "0000:03:00.0")->macos, ==, PP_MACOS_UNSUPPORTED);
  g_assert_cmpint (gpu_at (fixture, "0000:04:00.0")->macos, ==, PP_MACOS_SUPPORTED);
  g_assert_nonnull (strstr (gpu_at (fixture, "0000:04:00.0")->macos_note, "macOS 11"));
  g_assert_cmpint (gpu_at (fixture, "0000:05:00.0")->macos, ==, PP_MACOS_UNSUPPORTED);
  g_assert_cmpint (gpu_at (fixture, "0000:06:00.0")->macos, ==, PP_MACOS_SUPPORTED);
  /* an APU's name mentions Vega, but it is no Vega card */
  g_assert_cmpint (gpu_at (fixture, "0000:07:00.0")->macos, ==, PP_MACOS_UNSUPPORTED);
  g_assert_true (gpu_at (fixture, "0000:07:00.0")->integrated);
  g_assert_cmpint (gpu_at (fixture, "0000:08:00.0")->macos, ==, PP_MACOS_UNKNOWN);
  g_assert_cmpint (fixture->advice->scenario, ==, PP_SCENARIO_MULTI_DGPU);
}

static void
test_igpu_dgpu_shared_root_port (Fixture *fixture, gconstpointer data)
{
  PpGpuAdvice *dgpu, *igpu;

  pp_test_tree_add_device (fixture->root, "0000:00:01.0", "8086:1901", 0x060400, "pcieport", 2);
  pp_test_tree_add_device (fixture->root, "0000:00:02.0", "8086:1912", 0x038000, "i915", 0);
  pp_test_tree_add_device (fixture->root, "0000:01:00.0", "10de:2184", 0x030000, "nvidia", 2);
  pp_test_tree_add_device (fixture->root, "0000:01:00.1", "10de:1aeb", 0x040300, "snd_hda_intel", 2);
  pp_test_tree_add_device (fixture->root, "0000:01:00.2", "10de:1aec", 0x0c0330, "xhci_hcd", 2);
  pp_test_tree_add_device (fixture->root, "0000:01:00.3", "10de:1aed", 0x0c8000, "nvidia-gpu", 2);
  pp_test_host_read (fixture);

  g_assert_cmpint (fixture->advice->scenario, ==, PP_SCENARIO_IGPU_DGPU);
  igpu = gpu_at (fixture, "0000:00:02.0");
  g_assert_true (igpu->integrated);
  dgpu = gpu_at (fixture, "0000:01:00.0");
  g_assert_false (dgpu->integrated);
  g_assert_true (dgpu->viable);
  assert_addresses (dgpu->reserve, "0000:01:00.0 0000:01:00.1 0000:01:00.2 0000:01:00.3");
  assert_addresses (dgpu->blockers, "");
  g_assert_cmpuint (dgpu->groups->len, ==, 1);
}

static void
test_functions_in_separate_groups (Fixture *fixture, gconstpointer data)
{
  PpGpuAdvice *gpu;

  pp_test_tree_add_device (fixture->root, "0000:00:02.0", "8086:1912", 0x030000, "i915", 0);
  pp_test_tree_add_device (fixture->root, "0000:01:00.0", "10de:1401", 0x030000, "nvidia", 15);
  pp_test_tree_add_device (fixture->root, "0000:01:00.1", "10de:0fba", 0x040300, "snd_hda_intel", 16);
  pp_test_host_read (fixture);

  gpu = gpu_at (fixture, "0000:01:00.0");
  g_assert_true (gpu->viable);
  assert_addresses (gpu->reserve, "0000:01:00.0 0000:01:00.1");
  g_assert_cmpuint (gpu->groups->len, ==, 2);
}

static void
test_bad_grouping (Fixture *fixture, gconstpointer data)
{
  PpGpuAdvice *gpu;

  pp_test_tree_add_device (fixture->root, "0000:03:00.2", "8086:1901", 0x060400, "pcieport", 11);
  pp_test_tree_add_device (fixture->root, "0000:22:00.0", "10ec:8168", 0x020000, "r8169", 11);
  pp_test_tree_add_device (fixture->root, "0000:25:00.0", "1002:67df", 0x030000, "amdgpu", 11);
  pp_test_tree_add_device (fixture->root, "0000:25:00.1", "1002:aaf0", 0x040300, "snd_hda_intel", 11);
  pp_test_tree_add_device (fixture->root, "0000:26:00.0", "10de:1401", 0x030000, "nvidia", 12);
  pp_test_tree_add_device (fixture->root, "0000:26:00.1", "10de:0fba", 0x040300, "snd_hda_intel", 12);
  pp_test_host_read (fixture);

  gpu = gpu_at (fixture, "0000:25:00.0");
  g_assert_false (gpu->viable);
  assert_addresses (gpu->blockers, "0000:22:00.0");
  g_assert_nonnull (strstr (gpu->verdict, "0000:22:00.0"));
  g_assert_nonnull (strstr (gpu->verdict, "RTL8111"));
  g_assert_true (gpu_at (fixture, "0000:26:00.0")->viable);
  g_assert_cmpint (fixture->advice->scenario, ==, PP_SCENARIO_MULTI_DGPU);
}

static void
test_single_and_no_gpu (Fixture *fixture, gconstpointer data)
{
  g_autoptr(PpBootSetup) setup = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  PpCheck *first;

  pp_test_tree_add_device (fixture->root, "0000:22:00.0", "10ec:8168", 0x020000, "r8169", 3);
  pp_test_host_read (fixture);
  g_assert_cmpint (fixture->advice->scenario, ==, PP_SCENARIO_NO_GPU);
  g_clear_pointer (&fixture->advice, pp_advice_free);
  g_clear_pointer (&fixture->host, pp_host_free);

  pp_test_tree_add_device (fixture->root, "0000:01:00.0", "1002:73bf", 0x030000, "amdgpu", 1);
  pp_test_tree_write (fixture->root, "sys/devices/pci0000:00/0000:01:00.0/boot_vga", "1\n");
  pp_test_host_read (fixture);
  g_assert_cmpint (fixture->advice->scenario, ==, PP_SCENARIO_SINGLE_GPU);
  g_assert_true (gpu_at (fixture, "0000:01:00.0")->gpu->boot_vga);
  setup = pp_boot_setup_detect (fixture->host);
  checks = pp_readiness_checks (fixture->host, setup, fixture->advice);
  first = g_ptr_array_index (checks, 0);
  g_assert_cmpstr (first->id, ==, "scenario");
  g_assert_cmpint (first->status, ==, PP_CHECK_ERROR);
  g_assert_nonnull (strstr (first->summary, "without a screen"));
  g_assert_cmpint (pp_readiness_overall (checks), ==, PP_CHECK_ERROR);
}

static void
test_intel_arc_is_discrete (Fixture *fixture, gconstpointer data)
{
  pp_test_tree_add_device (fixture->root, "0000:00:02.0", "8086:1912", 0x030000, "i915", 0);
  pp_test_tree_add_device (fixture->root, "0000:03:00.0", "8086:56a0", 0x030000, "i915", 1);
  pp_test_host_read (fixture);
  g_assert_true (gpu_at (fixture, "0000:00:02.0")->integrated);
  g_assert_false (gpu_at (fixture, "0000:03:00.0")->integrated);
  g_assert_cmpint (fixture->advice->scenario, ==, PP_SCENARIO_IGPU_DGPU);
}

static void
test_acs_override_kernels (void)
{
  const struct { const char *release; gboolean carries; } kernels[] = {
    { "6.6.8-zen1-1-zen", TRUE },
    { "6.6.8-lqx1-1-lqx", TRUE },
    { "6.6.8-1-liquorix-amd64", TRUE },
    { "6.8.12-4-pve", TRUE },
    { "6.10.5-2-cachyos", TRUE },
    { "6.6.44-production+truenas", TRUE },
    { "6.6.8-arch1-1", FALSE },
    { "6.1.0-13-amd64", FALSE },
    { "6.5.6-300.fc39.x86_64", FALSE },
    { "5.15.0-91-generic", FALSE },
    { "6.9.1-xanmod1", FALSE },
    { "6.6.8-zenith", FALSE },
    { NULL, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kernels); i++)
    {
      g_test_message ("%s", kernels[i].release);
      g_assert_cmpint (pp_kernel_has_acs_override (kernels[i].release), ==, kernels[i].carries);
    }
}

/* A card whose own other functions (another slot of it) share its group:
 * neither another slot nor the firmware will help; the ACS override would,
 * on a kernel that carries it and only while it is not in effect yet */
static void
test_own_functions_and_acs (Fixture *fixture, gconstpointer data)
{
  PpGpuAdvice *gpu;

  pp_test_tree_add_device (fixture->root, "0000:00:02.0", "8086:1912", 0x030000, "i915", 0);
  pp_test_tree_add_device (fixture->root, "0000:01:00.0", "10de:2184", 0x030000, "nvidia", 5);
  pp_test_tree_add_device (fixture->root, "0000:01:01.0", "10de:1aeb", 0x040300, "snd_hda_intel", 5);
  pp_test_tree_write (fixture->root, "proc/sys/kernel/osrelease", "6.8.12-4-pve\n");
  pp_test_host_read (fixture);

  gpu = gpu_at (fixture, "0000:01:00.0");
  g_assert_false (gpu->viable);
  g_assert_nonnull (gpu->why_not_viable);
  g_assert_nonnull (strstr (gpu->why_not_viable, "IOMMU group 5"));
  g_assert_cmpuint (gpu->remedies->len, ==, 2);
  g_assert_cmpint (((PpRemedy *) g_ptr_array_index (gpu->remedies, 0))->kind, ==, PP_REMEDY_OWN_FUNCTIONS);
  g_assert_nonnull (strstr (((PpRemedy *) g_ptr_array_index (gpu->remedies, 0))->text, "0000:01:01.0"));
  g_assert_cmpint (((PpRemedy *) g_ptr_array_index (gpu->remedies, 1))->kind, ==, PP_REMEDY_ACS_OVERRIDE);
  g_assert_nonnull (strstr (((PpRemedy *) g_ptr_array_index (gpu->remedies, 1))->text, "6.8.12-4-pve"));
  g_assert_null (gpu_at (fixture, "0000:00:02.0")->why_not_viable);
  g_assert_cmpuint (gpu_at (fixture, "0000:00:02.0")->remedies->len, ==, 0);

  g_clear_pointer (&fixture->advice, pp_advice_free);
  g_clear_pointer (&fixture->host, pp_host_free);
  pp_test_tree_write (fixture->root, "proc/cmdline", "quiet pcie_acs_override=multifunction,downstream\n");
  pp_test_host_read (fixture);
  g_assert_true (fixture->advice->acs_override_active);
  g_assert_null (pp_gpu_advice_find_remedy (gpu_at (fixture, "0000:01:00.0"), PP_REMEDY_ACS_OVERRIDE));
}

/* Slots as firmware names them (ACPI: the port's own address) and as a
 * hot-plug port does (the bus behind it, read from an empty port's config) */
static void
test_slot_names (Fixture *fixture, gconstpointer data)
{
  guint8 config[64] = { 0 };
  g_autofree char *config_path = NULL;
  g_autoptr(GError) error = NULL;

  pp_test_tree_add_device (fixture->root, "0000:00:1c.0", "8086:1901", 0x060400, "pcieport", 1);
  pp_test_tree_add_device (fixture->root, "0000:00:01.0", "8086:1901", 0x060400, "pcieport", 2);
  pp_test_tree_write (fixture->root, "sys/bus/pci/slots/7/address", "0000:00:1c\n");
  pp_test_tree_write (fixture->root, "sys/bus/pci/slots/CPU1 SLOT2/address", "0000:05:00\n");
  pp_test_tree_write (fixture->root, "sys/bus/pci/slots/9/address", "0000:77:00\n");
  config[0x19] = 0x05;
  config_path = g_build_filename (fixture->root, "sys/devices/pci0000:00/0000:00:01.0/config", NULL);
  g_file_set_contents (config_path, (const char *) config, sizeof config, &error);
  g_assert_no_error (error);
  pp_test_host_read (fixture);

  g_assert_cmpstr (pp_host_find_device (fixture->host, "0000:00:1c.0")->slot_name, ==, "7");
  g_assert_cmpstr (pp_host_find_device (fixture->host, "0000:00:01.0")->slot_name, ==, "CPU1 SLOT2");
  g_assert_null (pp_host_find_device (fixture->host, "0000:00:01.0")->parent);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADVICE_TEST(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADVICE_TEST ("/core/advice/macos-hints", test_macos_hints);
  ADVICE_TEST ("/core/advice/igpu-dgpu-shared-root-port", test_igpu_dgpu_shared_root_port);
  ADVICE_TEST ("/core/advice/functions-in-separate-groups", test_functions_in_separate_groups);
  ADVICE_TEST ("/core/advice/bad-grouping", test_bad_grouping);
  ADVICE_TEST ("/core/advice/single-and-no-gpu", test_single_and_no_gpu);
  ADVICE_TEST ("/core/advice/intel-arc-is-discrete", test_intel_arc_is_discrete);
  ADVICE_TEST ("/core/advice/own-functions-and-acs-override", test_own_functions_and_acs);
  ADVICE_TEST ("/core/host/slot-names", test_slot_names);
  g_test_add_func ("/core/advice/acs-override-kernels", test_acs_override_kernels);
#undef ADVICE_TEST
  return g_test_run ();
}
