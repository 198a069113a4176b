/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pp-helper-args.h"
#include "pp-helper-protocol.h"
#include "pp-helper-rom.h"

/* save-rom's arguments and its check of an expansion ROM image, on images
 * built here byte by byte (layout: PCI Firmware spec, as SeaBIOS and
 * rom-parser read it). */

#define VENDOR 0x1002
#define DEVICE 0x67df

typedef struct
{
  guint8   code_type;   /* 0 legacy x86, 3 UEFI */
  guint    blocks;      /* 512-byte blocks */
  gboolean last;
  guint16  vendor;
  guint16  device;
  const guint16 *device_list; /* PCI 3.0 list, ending in 0, or NULL */
} Image;

static void
put16 (GByteArray *rom,
       gsize       at,
       guint16     value)
{
  rom->data[at] = value & 0xff;
  rom->data[at + 1] = value >> 8;
}

static void
append_image (GByteArray  *rom,
              const Image *image)
{
  gsize start = rom->len;
  gsize pcir = start + 0x40;
  gsize size = image->blocks * 512;

  g_byte_array_set_size (rom, start + size);
  memset (rom->data + start, 0, size);
  rom->data[start] = 0x55;
  rom->data[start + 1] = 0xaa;
  rom->data[start + 2] = image->blocks;
  put16 (rom, start + 0x18, 0x40);
  memcpy (rom->data + pcir, "PCIR", 4);
  put16 (rom, pcir + 4, image->vendor ? image->vendor : VENDOR);
  put16 (rom, pcir + 6, image->device ? image->device : DEVICE);
  put16 (rom, pcir + 0x0a, 0x18);
  put16 (rom, pcir + 0x10, image->blocks);
  rom->data[pcir + 0x14] = image->code_type;
  rom->data[pcir + 0x15] = image->last ? 0x80 : 0;
  if (image->device_list != NULL)
    {
      gsize list = 0x80;

      rom->data[pcir + 0x0c] = 3;
      put16 (rom, pcir + 8, list - 0x40);
      for (guint i = 0; ; i++)
        {
          put16 (rom, start + list + 2 * i, image->device_list[i]);
          if (image->device_list[i] == 0)
            break;
        }
    }
  if (image->code_type == 0)
    {
      guint8 sum = 0;

      for (gsize i = 0; i < size - 1; i++)
        sum += rom->data[start + i];
      rom->data[start + size - 1] = -sum;
    }
}

static GByteArray *
rom_of (const Image *images,
        guint        n)
{
  GByteArray *rom = g_byte_array_new ();

  for (guint i = 0; i < n; i++)
    append_image (rom, &images[i]);
  return rom;
}

static void
assert_check (GByteArray   *rom,
              PpHelperExit  expected,
              const char   *message)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = pp_rom_check (rom->data, rom->len, VENDOR, DEVICE, &error);

  if (expected == PP_HELPER_EXIT_OK)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
      return;
    }
  g_assert_false (ok);
  g_assert_error (error, PP_HELPER_ERROR, (int) expected);
  if (strstr (error->message, message) == NULL)
    g_error ("“%s” does not say “%s”", error->message, message);
}

static void
test_valid_images (void)
{
  const Image legacy_and_efi[] = { { 0, 4, FALSE }, { 3, 2, TRUE } };
  const Image efi_only[] = { { 3, 2, TRUE } };
  const guint16 list[] = { 0x67ef, DEVICE, 0 };
  const Image listed[] = { { 0, 2, TRUE, VENDOR, 0x67ff, list } };
  g_autoptr(GByteArray) rom = rom_of (legacy_and_efi, 2);
  g_autoptr(GByteArray) padded = rom_of (legacy_and_efi, 2);
  g_autoptr(GByteArray) efi = rom_of (efi_only, 1);
  g_autoptr(GByteArray) other_id = rom_of (listed, 1);

  assert_check (rom, PP_HELPER_EXIT_OK, NULL);
  /* a sysfs dump is as long as the ROM BAR: padding after the last image */
  g_byte_array_set_size (padded, 65536);
  memset (padded->data + 3072, 0xff, 65536 - 3072);
  assert_check (padded, PP_HELPER_EXIT_OK, NULL);
  /* a UEFI image carries no checksum to check */
  efi->data[0x100] ^= 0x5a;
  assert_check (efi, PP_HELPER_EXIT_OK, NULL);
  /* PCI 3.0: the card's ID in the image's device list */
  assert_check (other_id, PP_HELPER_EXIT_OK, NULL);
}

static void
test_bad_images (void)
{
  const Image good[] = { { 0, 2, FALSE }, { 3, 2, TRUE } };
  const Image vendor[] = { { 0, 2, TRUE, 0x10de } };
  const guint16 list[] = { 0x67ef, 0 };
  const Image device[] = { { 0, 2, TRUE, VENDOR, 0x67ff, list } };
  const Image no_length[] = { { 3, 2, FALSE }, { 3, 2, TRUE } };
  g_autoptr(GByteArray) rom = NULL;

  rom = rom_of (good, 2);
  rom->data[0] = 0;
  assert_check (rom, PP_HELPER_EXIT_ROM_BAD_SIGNATURE, "does not start with the 0x55AA signature");
  g_byte_array_unref (rom);

  rom = rom_of (good, 2);
  rom->data[1024 + 1] = 0;
  assert_check (rom, PP_HELPER_EXIT_ROM_BAD_SIGNATURE, "image 2 (at 0x400) has no 0x55AA signature");
  g_byte_array_unref (rom);

  rom = rom_of (good, 2);
  memcpy (rom->data + 0x40, "PCIX", 4);
  assert_check (rom, PP_HELPER_EXIT_ROM_BAD_SIGNATURE, "no PCI data structure");
  g_byte_array_unref (rom);

  /* the PCIR pointer runs off the end */
  rom = rom_of (good, 2);
  put16 (rom, 0x18, 0xfff0);
  assert_check (rom, PP_HELPER_EXIT_ROM_BAD_SIGNATURE, "no PCI data structure");
  g_byte_array_unref (rom);

  /* cut short: the legacy image is longer than what was read */
  rom = rom_of (good, 2);
  g_byte_array_set_size (rom, 700);
  assert_check (rom, PP_HELPER_EXIT_ROM_BAD_SIGNATURE, "cut short");
  g_byte_array_unref (rom);

  /* not last, and no length to find the next image */
  rom = rom_of (no_length, 2);
  put16 (rom, 0x40 + 0x10, 0);
  assert_check (rom, PP_HELPER_EXIT_ROM_BAD_SIGNATURE, "gives no length");
  g_byte_array_unref (rom);

  /* the chain runs past what was read */
  rom = rom_of (good, 2);
  rom->data[1024 + 0x40 + 0x15] = 0;
  assert_check (rom, PP_HELPER_EXIT_ROM_BAD_SIGNATURE, "image 3");
  g_byte_array_unref (rom);

  rom = rom_of (vendor, 1);
  assert_check (rom, PP_HELPER_EXIT_ROM_WRONG_DEVICE, "the ROM of a 10de:67df, not of this 1002:67df card");
  g_byte_array_unref (rom);

  rom = rom_of (device, 1);
  assert_check (rom, PP_HELPER_EXIT_ROM_WRONG_DEVICE, "the ROM of a 1002:67ff");
  g_byte_array_unref (rom);

  rom = rom_of (good, 2);
  rom->data[0x100] ^= 0x01;
  assert_check (rom, PP_HELPER_EXIT_ROM_BAD_CHECKSUM, "sum to 0x01");
  g_byte_array_unref (rom);

  rom = g_byte_array_new ();
  assert_check (rom, PP_HELPER_EXIT_ROM_BAD_SIGNATURE, "0x55AA");
  g_byte_array_unref (rom);
  rom = NULL;
}

static void
test_endless_chain (void)
{
  Image images[20];
  g_autoptr(GByteArray) rom = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (images); i++)
    images[i] = (Image) { 3, 1, i == G_N_ELEMENTS (images) - 1 };
  rom = rom_of (images, G_N_ELEMENTS (images));
  assert_check (rom, PP_HELPER_EXIT_ROM_BAD_SIGNATURE, "more than 16 images");
}

static void
test_args (void)
{
  const char *accepted[] = { "save-rom", "0001:00:03.0", NULL };
  const char *missing[] = { "save-rom", NULL };
  const char *extra[] = { "save-rom", "0001:00:03.0", "0001:00:03.1", NULL };
  g_auto(GStrv) built = pp_helper_args_save_rom ("0001:00:03.0");
  PpHelperArgs args;
  g_autoptr(GError) error = NULL;

  g_assert_cmpstrv (built, accepted);
  g_assert_true (pp_helper_args_parse (2, accepted, FALSE, &args, &error));
  g_assert_no_error (error);
  g_assert_cmpint (args.intent, ==, PP_HELPER_INTENT_SAVE_ROM);
  g_assert_cmpstr (args.address, ==, "0001:00:03.0");
  g_assert_null (args.digest);
  pp_helper_args_clear (&args);

  g_assert_false (pp_helper_args_parse (1, missing, FALSE, &args, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_USAGE);
  g_clear_error (&error);
  g_assert_false (pp_helper_args_parse (3, extra, FALSE, &args, &error));
  g_assert_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_USAGE);
  g_clear_error (&error);

  /* none of save-rom's statuses is pkexec's */
  for (int code = PP_HELPER_EXIT_ROM_IN_USE; code <= PP_HELPER_EXIT_ROM_BAD_CHECKSUM; code++)
    g_assert_true (code != 126 && code != 127);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/helper/rom/valid-images", test_valid_images);
  g_test_add_func ("/helper/rom/bad-images", test_bad_images);
  g_test_add_func ("/helper/rom/endless-chain", test_endless_chain);
  g_test_add_func ("/helper/rom/args", test_args);
  return g_test_run ();
}
