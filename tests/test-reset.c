/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pp-advice.h"
#include "pp-format.h"
#include "pp-readiness.h"
#include "pp-reset.h"
#include "pp-test-tree.h"

/* The reset advice: the kernel's reset_method read for each GPU, and the AMD
 * families of reset-gpus.rules told apart by device ID, with vendor-reset
 * loaded or not. */

typedef struct
{
  const char *name;
  const char *ids;
  const char *family;           /* expected, or NULL */
} Card;

static const Card polaris = { "polaris", "1002:67df", "Polaris 10" };
static const Card navi10 = { "navi10", "1002:731f", "Navi 10" };
static const Card navi21 = { "navi21", "1002:73bf", NULL };

typedef struct
{
  const Card *card;
  gboolean    vendor_reset;     /* /sys/module/vendor_reset is there, loaded */
  const char *reset_method;     /* the file's text, or NULL for no file */
} Case;

static PpHost *
read_host (const char *root)
{
  g_autoptr(GError) error = NULL;
  PpHost *host = pp_host_read (root, &error);

  g_assert_no_error (error);
  return host;
}

static PpResetAdvice *
reset_of (const Case *c,
          PpHost    **host_out)
{
  g_autoptr(PpTestTree) root = pp_test_tree_new ();
  g_autoptr(PpAdvice) advice = NULL;
  PpGpuAdvice *gpu;
  PpResetAdvice *reset;
  PpHost *host;

  pp_test_tree_add_device (root, "0000:03:00.0", c->card->ids, 0x030000, "vfio-pci", 14);
  if (c->reset_method != NULL)
    pp_test_tree_write (root, "sys/devices/pci0000:00/0000:03:00.0/reset_method", c->reset_method);
  if (c->vendor_reset)
    pp_test_tree_write (root, "sys/module/vendor_reset/initstate", "live\n");
  host = read_host (root);
  advice = pp_advice_new (host);
  gpu = pp_advice_find_gpu (advice, "0000:03:00.0");
  g_assert_nonnull (gpu);
  /* the advice goes with its host; keep a copy of the reset part */
  reset = pp_reset_advice_new (host, gpu->gpu);
  g_assert_cmpstrv (reset->methods, gpu->reset->methods);
  g_assert_cmpstr (reset->advice, ==, gpu->reset->advice);
  *host_out = host;
  return reset;
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_error ("“%s” does not say “%s”", text ? text : "(null)", part);
}

static void
test_families (void)
{
  const Card *cards[] = { &polaris, &navi10, &navi21 };

  for (guint i = 0; i < G_N_ELEMENTS (cards); i++)
    for (int loaded = 0; loaded <= 1; loaded++)
      {
        Case c = { cards[i], loaded, "bus\n" };
        PpHost *host = NULL;
        g_autoptr(PpResetAdvice) reset = reset_of (&c, &host);

        g_test_message ("%s, vendor-reset %s", cards[i]->name, loaded ? "loaded" : "not loaded");
        g_assert_true (reset->listed);
        g_assert_cmpstr (reset->methods[0], ==, "bus");
        g_assert_null (reset->methods[1]);
        assert_contains (reset->summary, "(bus)");
        g_assert_cmpstr (reset->family, ==, cards[i]->family);
        if (cards[i]->family == NULL)
          /* Navi 21 resets by the kernel's own means: nothing to warn of */
          g_assert_null (reset->advice);
        else
          {
            assert_contains (reset->advice, cards[i]->family);
            assert_contains (reset->advice, "come back broken");
            if (!loaded)
              assert_contains (reset->advice, "vendor-reset is not loaded now");
            else
              /* loaded, but the kernel still resets it by bus: say how to switch */
              assert_contains (reset->advice, "write device_specific to /sys/bus/pci/devices/0000:03:00.0/reset_method");
          }
        pp_host_free (host);
      }
}

static void
test_vendor_reset_in_use (void)
{
  Case c = { &navi10, TRUE, "device_specific\n" };
  PpHost *host = NULL;
  g_autoptr(PpResetAdvice) reset = reset_of (&c, &host);

  assert_contains (reset->summary, "(device_specific)");
  assert_contains (reset->advice, "vendor-reset is loaded and resets this card");
  pp_host_free (host);
}

static void
test_kernel_lists_nothing (void)
{
  /* before Linux 5.15 there is no reset_method: vendor-reset takes over by itself */
  Case old_kernel = { &polaris, TRUE, NULL };
  Case turned_off = { &navi21, FALSE, "\n" };
  PpHost *host = NULL;
  g_autoptr(PpResetAdvice) reset = reset_of (&old_kernel, &host);
  g_autoptr(PpResetAdvice) off = NULL;

  g_assert_false (reset->listed);
  g_assert_null (reset->methods[0]);
  assert_contains (reset->summary, "does not list");
  assert_contains (reset->advice, "vendor-reset is loaded and resets this card");
  pp_host_free (host);

  off = reset_of (&turned_off, &host);
  g_assert_true (off->listed);
  g_assert_null (off->methods[0]);
  assert_contains (off->summary, "turned off");
  assert_contains (off->advice, "Write “default” to /sys/bus/pci/devices/0000:03:00.0/reset_method");
  pp_host_free (host);
}

static void
test_check_json (void)
{
  g_autoptr(PpTestTree) root = pp_test_tree_new ();
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpAdvice) advice = NULL;
  g_autoptr(PpBootSetup) setup = NULL;
  g_autoptr(GPtrArray) checks = NULL;
  g_autofree char *json = NULL;

  pp_test_tree_add_device (root, "0000:03:00.0", "1002:67df", 0x030000, "amdgpu", 1);
  pp_test_tree_write (root, "sys/devices/pci0000:00/0000:03:00.0/reset_method", "flr bus\n");
  pp_test_tree_add_device (root, "0000:04:00.0", "1002:73bf", 0x030000, "amdgpu", 2);
  host = read_host (root);
  advice = pp_advice_new (host);
  setup = pp_boot_setup_detect (host);
  checks = pp_readiness_checks (host, setup, advice);
  json = pp_format_check_json (host, setup, advice, checks);
  assert_contains (json, "\"reset_methods\": [\n        \"flr\",\n        \"bus\"\n      ],");
  assert_contains (json, "\"reset_advice\": \"Polaris 10 cards");
  assert_contains (json, "\"reset_methods\": []");
  assert_contains (json, "\"reset_advice\": null");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/reset/families", test_families);
  g_test_add_func ("/core/reset/vendor-reset-in-use", test_vendor_reset_in_use);
  g_test_add_func ("/core/reset/kernel-lists-nothing", test_kernel_lists_nothing);
  g_test_add_func ("/core/reset/check-json", test_check_json);
  return g_test_run ();
}
