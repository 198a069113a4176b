/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pp-advice.h"
#include "pp-boot.h"
#include "pp-edit-modprobe.h"
#include "pp-readiness.h"
#include "pp-test-tree.h"

/* The "reserved" check: after a reservation, is each reserved function bound
 * to vfio-pci, and if not, why. */

static const char pci_ids[] =
  "10de  NVIDIA Corporation\n"
  "\t1401  GM206 [GeForce GTX 960]\n"
  "\t0fba  GM206 High Definition Audio Controller\n"
  "8086  Intel Corporation\n"
  "\t1912  HD Graphics 530\n"
  "C 03  Display controller\n"
  "\t00  VGA compatible controller\n";

typedef struct
{
  char      *root;
  PpHost    *host;
  PpAdvice    *advice;
  PpBootSetup *setup;
  GPtrArray   *checks;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  fixture->root = pp_test_tree_new ();
  pp_test_tree_write (fixture->root, "usr/share/misc/pci.ids", pci_ids);
  pp_test_tree_write (fixture->root, "proc/cmdline", "root=/dev/sda1 intel_iommu=on iommu=pt\n");
  pp_test_tree_mkdir (fixture->root, "etc/modprobe.d");
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_pointer (&fixture->checks, g_ptr_array_unref);
  g_clear_pointer (&fixture->setup, pp_boot_setup_free);
  g_clear_pointer (&fixture->advice, pp_advice_free);
  g_clear_pointer (&fixture->host, pp_host_free);
  pp_test_tree_free (fixture->root);
}

static void
add_gpu (Fixture    *fixture,
         const char *gpu_driver,
         const char *audio_driver)
{
  pp_test_tree_add_device (fixture->root, "0000:00:02.0", "8086:1912", 0x030000, "i915", 0);
  pp_test_tree_add_device (fixture->root, "0000:01:00.0", "10de:1401", 0x030000, gpu_driver, 1);
  pp_test_tree_add_device (fixture->root, "0000:01:00.1", "10de:0fba", 0x040300, audio_driver, 1);
}

static void
load_vfio_pci (Fixture *fixture)
{
  pp_test_tree_write (fixture->root, "sys/module/vfio_pci/initstate", "live\n");
}

static void
set_cmdline_ids (Fixture    *fixture,
                 const char *ids)
{
  g_autofree char *cmdline = g_strdup_printf ("root=/dev/sda1 intel_iommu=on iommu=pt vfio-pci.ids=%s\n", ids);

  pp_test_tree_write (fixture->root, "proc/cmdline", cmdline);
}

static const PpCheck *
read_reserved_check (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->host = pp_host_read (fixture->root, &error);
  g_assert_no_error (error);
  fixture->advice = pp_advice_new (fixture->host);
  fixture->setup = pp_boot_setup_detect (fixture->host);
  fixture->checks = pp_readiness_checks (fixture->host, fixture->setup, fixture->advice);
  for (guint i = 0; i < fixture->checks->len; i++)
    {
      const PpCheck *check = g_ptr_array_index (fixture->checks, i);

      if (g_strcmp0 (check->id, "reserved") == 0)
        return check;
    }
  return NULL;
}

static void
assert_contains (const char *text,
                 const char *part)
{
  if (text == NULL || strstr (text, part) == NULL)
    g_error ("“%s” does not contain “%s”", text, part);
}

static void
test_nothing_reserved (Fixture *fixture, gconstpointer data)
{
  add_gpu (fixture, "nvidia", "snd_hda_intel");
  g_assert_null (read_reserved_check (fixture));
}

static void
test_bound (Fixture *fixture, gconstpointer data)
{
  const PpCheck *check;

  add_gpu (fixture, "vfio-pci", "vfio-pci");
  set_cmdline_ids (fixture, "10de:1401,10de:0fba");
  load_vfio_pci (fixture);
  check = read_reserved_check (fixture);
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, PP_CHECK_OK);
  assert_contains (check->summary, "0000:01:00.0 GM206 [GeForce GTX 960]: bound to vfio-pci");
  assert_contains (check->summary, "0000:01:00.1 GM206 High Definition Audio Controller: bound to vfio-pci");
  g_assert_null (strstr (check->summary, "0000:00:02.0"));
  g_assert_null (check->next_step);
}

/* Applied, not restarted yet: only our modprobe.d file says what is reserved */
static void
test_not_restarted (Fixture *fixture, gconstpointer data)
{
  const PpCheck *check;

  add_gpu (fixture, "nvidia", "snd_hda_intel");
  pp_test_tree_write (fixture->root, "etc/modprobe.d/passthrough-prep-vfio.conf",
                      "# written by PassthroughPrep\noptions vfio-pci ids=10de:1401,10de:0fba\n"
                      "softdep nvidia pre: vfio-pci\n");
  check = read_reserved_check (fixture);
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, PP_CHECK_WARNING);
  assert_contains (check->summary, "0000:01:00.0 GM206 [GeForce GTX 960]: bound to nvidia, not vfio-pci");
  assert_contains (check->summary, "0000:01:00.1 GM206 High Definition Audio Controller: bound to snd_hda_intel");
  assert_contains (check->next_step, "restart");
  assert_contains (check->next_step, "boot configuration was not rebuilt");
}

static void
test_initramfs_not_rebuilt (Fixture *fixture, gconstpointer data)
{
  const PpCheck *check;

  add_gpu (fixture, "nvidia", "snd_hda_intel");
  set_cmdline_ids (fixture, "10de:1401,10de:0fba");
  check = read_reserved_check (fixture);
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, PP_CHECK_ERROR);
  assert_contains (check->next_step, "vfio_pci module is not loaded");
  assert_contains (check->next_step, "initramfs was not rebuilt");
}

static void
test_driver_first (Fixture *fixture, gconstpointer data)
{
  const PpCheck *check;

  add_gpu (fixture, "nvidia", "vfio-pci");
  /* upper case and the long vendor:device:subvendor:subdevice form name the same IDs */
  set_cmdline_ids (fixture, "10DE:1401:ffffffff:ffffffff,10de:0fba");
  load_vfio_pci (fixture);
  check = read_reserved_check (fixture);
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, PP_CHECK_ERROR);
  assert_contains (check->summary, "0000:01:00.0 GM206 [GeForce GTX 960]: bound to nvidia, not vfio-pci");
  assert_contains (check->summary, "0000:01:00.1 GM206 High Definition Audio Controller: bound to vfio-pci");
  assert_contains (check->next_step, "nvidia loaded before vfio-pci");
  assert_contains (check->next_step, "softdep nvidia pre: vfio-pci");
}

static void
test_unbound (Fixture *fixture, gconstpointer data)
{
  const PpCheck *check;

  add_gpu (fixture, NULL, "vfio-pci");
  set_cmdline_ids (fixture, "10de:1401,10de:0fba");
  load_vfio_pci (fixture);
  check = read_reserved_check (fixture);
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, PP_CHECK_ERROR);
  assert_contains (check->summary, "0000:01:00.0 GM206 [GeForce GTX 960]: no driver bound");
  assert_contains (check->next_step, "journalctl -k");
}

static void
test_ids_not_present (Fixture *fixture, gconstpointer data)
{
  const PpCheck *check;

  add_gpu (fixture, "nvidia", "snd_hda_intel");
  set_cmdline_ids (fixture, "1002:67df");
  load_vfio_pci (fixture);
  check = read_reserved_check (fixture);
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, PP_CHECK_WARNING);
  assert_contains (check->summary, "does not have");
  /* set up some other way than by PassthroughPrep: nothing of ours to revert */
  assert_contains (check->next_step, "Reserving a GPU replaces those IDs");

  pp_test_tree_write (fixture->root, "etc/modprobe.d/passthrough-prep-vfio.conf", "options vfio-pci ids=1002:67df\n");
  g_clear_pointer (&fixture->checks, g_ptr_array_unref);
  g_clear_pointer (&fixture->setup, pp_boot_setup_free);
  g_clear_pointer (&fixture->advice, pp_advice_free);
  g_clear_pointer (&fixture->host, pp_host_free);
  check = read_reserved_check (fixture);
  assert_contains (check->next_step, "Revert the reservation");
}

static const PpCheck *
find_check (Fixture    *fixture,
            const char *id)
{
  for (guint i = 0; i < fixture->checks->len; i++)
    {
      const PpCheck *check = g_ptr_array_index (fixture->checks, i);

      if (g_strcmp0 (check->id, id) == 0)
        return check;
    }
  return NULL;
}

/* Bound by address: the functions of our addresses file, judged by the
 * driver they have and by their driver_override (set once the script ran) */
static void
reserve_by_address (Fixture    *fixture,
                    const char *addresses)
{
  pp_test_tree_write (fixture->root, "etc/modprobe.d/passthrough-prep-vfio.conf",
                      "# written by PassthroughPrep\n"
                      "install vfio-pci /etc/passthrough-prep/vfio-bind; /sbin/modprobe --ignore-install vfio-pci "
                      "$CMDLINE_OPTS\nsoftdep nvidia pre: vfio-pci\n");
  pp_test_tree_write (fixture->root, "etc/passthrough-prep/vfio-addresses", addresses);
}

static void
set_override (Fixture    *fixture,
              const char *address)
{
  g_autofree char *path = g_strdup_printf ("sys/devices/pci0000:00/%s/driver_override", address);

  pp_test_tree_write (fixture->root, path, "vfio-pci\n");
}

static void
test_by_address_bound (Fixture *fixture, gconstpointer data)
{
  const PpCheck *check;

  add_gpu (fixture, "vfio-pci", "vfio-pci");
  reserve_by_address (fixture, "# comment\n0000:01:00.0@10de:1401\n0000:01:00.1@10de:0fba\n");
  set_override (fixture, "0000:01:00.0");
  set_override (fixture, "0000:01:00.1");
  load_vfio_pci (fixture);
  check = read_reserved_check (fixture);
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, PP_CHECK_OK);
  assert_contains (check->summary, "0000:01:00.0 GM206 [GeForce GTX 960]: bound to vfio-pci");
  assert_contains (check->summary, "0000:01:00.1 GM206 High Definition Audio Controller: bound to vfio-pci");
  /* and no vfio-pci.ids is wanted on the command line */
  check = find_check (fixture, "cmdline");
  g_assert_cmpint (check->status, ==, PP_CHECK_OK);
  assert_contains (check->summary, "bound by address");
}

static void
test_by_address_not_restarted (Fixture *fixture, gconstpointer data)
{
  const PpCheck *check;

  add_gpu (fixture, "nvidia", "snd_hda_intel");
  reserve_by_address (fixture, "0000:01:00.0@10de:1401\n0000:01:00.1@10de:0fba\n");
  check = read_reserved_check (fixture);
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, PP_CHECK_WARNING);
  assert_contains (check->summary, "0000:01:00.0 GM206 [GeForce GTX 960]: bound to nvidia, not vfio-pci");
  assert_contains (check->next_step, "restart the computer");
  assert_contains (check->next_step, "bind hook");
}

static void
test_by_address_driver_first (Fixture *fixture, gconstpointer data)
{
  const PpCheck *check;

  add_gpu (fixture, "nvidia", "vfio-pci");
  reserve_by_address (fixture, "0000:01:00.0@10de:1401\n0000:01:00.1@10de:0fba\n");
  set_override (fixture, "0000:01:00.0");
  set_override (fixture, "0000:01:00.1");
  check = read_reserved_check (fixture);
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, PP_CHECK_ERROR);
  assert_contains (check->next_step, "nvidia took it before the bind script set driver_override");
}

/* The kernel parameter names the functions where it is given; a card no
 * longer where the list says is left alone, and said so */
static void
test_by_address_moved_card (Fixture *fixture, gconstpointer data)
{
  const PpCheck *check;

  add_gpu (fixture, "nvidia", "snd_hda_intel");
  reserve_by_address (fixture, "0000:01:00.0@10de:1401\n");
  pp_test_tree_write (fixture->root, "proc/cmdline",
                      "root=/dev/sda1 passthrough_prep.vfio_addresses=0000:01:00.0@1002:73bf,0000:05:00.0@10de:1401\n");
  check = read_reserved_check (fixture);
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, PP_CHECK_WARNING);
  assert_contains (check->summary, "0000:01:00.0 holds 10de:1401, not 1002:73bf: it is left alone (was a card moved?)");
  assert_contains (check->summary, "0000:05:00.0: no such device");
  assert_contains (check->next_step, "reserve the GPU again where it is now");
}

/* The check @id as Readiness reads the fixture now */
static const PpCheck *
reread_check (Fixture    *fixture,
              const char *id)
{
  g_clear_pointer (&fixture->checks, g_ptr_array_unref);
  g_clear_pointer (&fixture->setup, pp_boot_setup_free);
  g_clear_pointer (&fixture->advice, pp_advice_free);
  g_clear_pointer (&fixture->host, pp_host_free);
  read_reserved_check (fixture);
  return find_check (fixture, id);
}

/* VFIO set up before: where, with what it binds */
static void
test_earlier_setup (Fixture *fixture, gconstpointer data)
{
  const PpCheck *check;

  add_gpu (fixture, "nvidia", "snd_hda_intel");
  g_assert_null (reread_check (fixture, "earlier-vfio"));
  pp_test_tree_write (fixture->root, "etc/modprobe.d/vfio.conf",
                      "options vfio-pci ids=10de:1b80,10de:10f0\nsoftdep nouveau pre: vfio-pci\n");
  check = reread_check (fixture, "earlier-vfio");
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, PP_CHECK_INFO);
  g_assert_cmpstr (check->summary, ==,
                   "Set up by hand before:\n/etc/modprobe.d/vfio.conf:1 binds 10de:1b80,10de:10f0\n"
                   "/etc/modprobe.d/vfio.conf:2 loads vfio-pci before a driver: “softdep nouveau pre: vfio-pci”");
  assert_contains (check->next_step, "Revert puts them back");

  pp_test_tree_write (fixture->root, "etc/modprobe.d/zz.conf", "install vfio-pci /usr/local/bin/bind\n");
  check = reread_check (fixture, "earlier-vfio");
  g_assert_cmpint (check->status, ==, PP_CHECK_WARNING);
  assert_contains (check->summary, "/etc/modprobe.d/zz.conf:1 runs “install vfio-pci /usr/local/bin/bind” instead");

  /* reserved since: only what disagrees with our file */
  pp_test_tree_write (fixture->root, "etc/modprobe.d/zz.conf", "# gone\n");
  pp_test_tree_write (fixture->root, "etc/modprobe.d/passthrough-prep-vfio.conf", "options vfio-pci ids=10de:1401,10de:0fba\n");
  check = reread_check (fixture, "earlier-vfio");
  g_assert_cmpstr (check->summary, ==,
                   "Besides PassthroughPrep’s own file, VFIO is set up in:\n"
                   "/etc/modprobe.d/vfio.conf:1 binds 10de:1b80,10de:10f0");
}

static void
write_boot_entry_modprobe (Fixture *fixture)
{
  pp_test_tree_write (fixture->root, "etc/modprobe.d/passthrough-prep-vfio.conf",
                      "# written by PassthroughPrep\n" PP_MODPROBE_BOOT_ENTRY_NOTE "\nsoftdep nvidia pre: vfio-pci\n");
}

/* Boot-entry mode, a normal entry running: the GPU stays with the host, and
 * that is no fault */
static void
test_boot_entry_normal (Fixture *fixture, gconstpointer data)
{
  const PpCheck *check;

  add_gpu (fixture, "nvidia", "snd_hda_intel");
  write_boot_entry_modprobe (fixture);
  g_assert_null (read_reserved_check (fixture));
  check = find_check (fixture, "boot-entry");
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, PP_CHECK_INFO);
  assert_contains (check->summary, "A normal entry is running");
  assert_contains (check->next_step, "(Passthrough)");
}

/* Boot-entry mode, the Passthrough entry running: the functions are checked */
static void
test_boot_entry_passthrough (Fixture *fixture, gconstpointer data)
{
  const PpCheck *check;

  add_gpu (fixture, "vfio-pci", "vfio-pci");
  write_boot_entry_modprobe (fixture);
  pp_test_tree_write (fixture->root, "proc/cmdline",
                      "root=/dev/sda1 intel_iommu=on iommu=pt vfio-pci.ids=10de:1401,10de:0fba " PP_PASSTHROUGH_MARKER "\n");
  load_vfio_pci (fixture);
  check = read_reserved_check (fixture);
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, PP_CHECK_OK);
  check = find_check (fixture, "boot-entry");
  assert_contains (check->summary, "A Passthrough entry is running");
}

/* Boot-entry mode bound by address: the Passthrough entry's command line
 * names the functions; the addresses file names none */
static void
test_boot_entry_by_address (Fixture *fixture, gconstpointer data)
{
  const PpCheck *check;

  add_gpu (fixture, "vfio-pci", "vfio-pci");
  pp_test_tree_write (fixture->root, "etc/modprobe.d/passthrough-prep-vfio.conf",
                      "# written by PassthroughPrep\n" PP_MODPROBE_BOOT_ENTRY_NOTE "\n"
                      "install vfio-pci /etc/passthrough-prep/vfio-bind; /sbin/modprobe --ignore-install vfio-pci "
                      "$CMDLINE_OPTS\nsoftdep nvidia pre: vfio-pci\n");
  pp_test_tree_write (fixture->root, "etc/passthrough-prep/vfio-addresses", "# none here\n");
  pp_test_tree_write (fixture->root, "proc/cmdline",
                      "root=/dev/sda1 intel_iommu=on iommu=pt " PP_PASSTHROUGH_MARKER
                      " passthrough_prep.vfio_addresses=0000:01:00.0@10de:1401,0000:01:00.1@10de:0fba\n");
  set_override (fixture, "0000:01:00.0");
  set_override (fixture, "0000:01:00.1");
  load_vfio_pci (fixture);
  check = read_reserved_check (fixture);
  g_assert_nonnull (check);
  g_assert_cmpint (check->status, ==, PP_CHECK_OK);
  assert_contains (check->summary, "0000:01:00.1 GM206 High Definition Audio Controller: bound to vfio-pci");
  check = find_check (fixture, "boot-entry");
  assert_contains (check->summary, "A Passthrough entry is running");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/core/readiness/reserved/nothing-reserved", test_nothing_reserved);
  ADD ("/core/readiness/reserved/bound", test_bound);
  ADD ("/core/readiness/reserved/not-restarted", test_not_restarted);
  ADD ("/core/readiness/reserved/initramfs-not-rebuilt", test_initramfs_not_rebuilt);
  ADD ("/core/readiness/reserved/driver-loaded-first", test_driver_first);
  ADD ("/core/readiness/reserved/no-driver", test_unbound);
  ADD ("/core/readiness/reserved/ids-not-present", test_ids_not_present);
  ADD ("/core/readiness/reserved/by-address/bound", test_by_address_bound);
  ADD ("/core/readiness/reserved/by-address/not-restarted", test_by_address_not_restarted);
  ADD ("/core/readiness/reserved/by-address/driver-loaded-first", test_by_address_driver_first);
  ADD ("/core/readiness/reserved/by-address/moved-card", test_by_address_moved_card);
  ADD ("/core/readiness/earlier-vfio", test_earlier_setup);
  ADD ("/core/readiness/boot-entry/normal-running", test_boot_entry_normal);
  ADD ("/core/readiness/boot-entry/passthrough-running", test_boot_entry_passthrough);
  ADD ("/core/readiness/boot-entry/by-address", test_boot_entry_by_address);
#undef ADD

  return g_test_run ();
}
