/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-helper"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "pp-helper-events.h"
#include "pp-helper-protocol.h"
#include "pp-helper-rom.h"
#include "pp-host.h"
#include "pp-vm.h"

/* A PCI expansion ROM BAR is at most 16 MiB */
#define MAX_ROM_SIZE (16 * 1024 * 1024)
#define MAX_ROM_IMAGES 16
#define ROM_SIGNATURE 0xaa55
#define ROM_PCIR_POINTER 0x18
#define ROM_LEGACY_BLOCKS 0x02
#define PCIR_VENDOR 0x04
#define PCIR_DEVICE 0x06
#define PCIR_DEVICE_LIST 0x08
#define PCIR_REVISION 0x0c
#define PCIR_IMAGE_BLOCKS 0x10
#define PCIR_CODE_TYPE 0x14
#define PCIR_INDICATOR 0x15
#define PCIR_SIZE 0x18
#define PCIR_LAST_IMAGE 0x80
#define CODE_TYPE_X86 0
#define SYSFS_MAGIC_NUMBER 0x62656572
/* The test build's stand-in for writing the fixture's rom file, which is a
 * plain file there: each "1\n" and "0\n" is appended here instead */
#define TEST_ROM_WRITES "pp-test-rom-writes"

static guint16
le16 (const guint8 *p)
{
  return p[0] | (p[1] << 8);
}

/* PCI 3.0: a list of more device IDs the image serves, ending in 0 */
static gboolean
pcir_lists_device (const guint8 *data,
                   gsize         length,
                   gsize         pcir,
                   guint16       device)
{
  gsize list;

  if (data[pcir + PCIR_REVISION] < 3 || le16 (data + pcir + PCIR_DEVICE_LIST) == 0)
    return FALSE;
  for (list = pcir + le16 (data + pcir + PCIR_DEVICE_LIST); list + 2 <= length; list += 2)
    {
      guint16 id = le16 (data + list);

      if (id == 0)
        break;
      if (id == device)
        return TRUE;
    }
  return FALSE;
}

gboolean
pp_rom_check (const guint8  *data,
              gsize          length,
              guint16        vendor,
              guint16        device,
              GError       **error)
{
  gsize offset = 0;

  for (guint image = 0; image < MAX_ROM_IMAGES; image++)
    {
      gsize pcir;
      gsize image_length;

      if (length < offset + ROM_PCIR_POINTER + 2 || le16 (data + offset) != ROM_SIGNATURE)
        {
          if (image == 0)
            return pp_helper_fail (error, PP_HELPER_EXIT_ROM_BAD_SIGNATURE,
                                   "it does not start with the 0x55AA signature of an expansion ROM");
          return pp_helper_fail (error, PP_HELPER_EXIT_ROM_BAD_SIGNATURE,
                                 "its image %u (at 0x%" G_GSIZE_MODIFIER "x) has no 0x55AA signature",
                                 image + 1, offset);
        }
      pcir = offset + le16 (data + offset + ROM_PCIR_POINTER);
      if (pcir + PCIR_SIZE > length || memcmp (data + pcir, "PCIR", 4) != 0)
        return pp_helper_fail (error, PP_HELPER_EXIT_ROM_BAD_SIGNATURE,
                               "its image %u has no PCI data structure (\"PCIR\") where its header points (0x%"
                               G_GSIZE_MODIFIER "x)", image + 1, pcir);

      if (image == 0)
        {
          guint16 rom_vendor = le16 (data + pcir + PCIR_VENDOR);
          guint16 rom_device = le16 (data + pcir + PCIR_DEVICE);

          if (rom_vendor != vendor
              || (rom_device != device && !pcir_lists_device (data, length, pcir, device)))
            return pp_helper_fail (error, PP_HELPER_EXIT_ROM_WRONG_DEVICE,
                                   "it is the ROM of a %04x:%04x, not of this %04x:%04x card",
                                   rom_vendor, rom_device, vendor, device);
        }

      if (data[pcir + PCIR_CODE_TYPE] == CODE_TYPE_X86)
        {
          gsize legacy_length = data[offset + ROM_LEGACY_BLOCKS] * 512;
          guint8 sum = 0;

          if (legacy_length == 0 || offset + legacy_length > length)
            return pp_helper_fail (error, PP_HELPER_EXIT_ROM_BAD_SIGNATURE,
                                   "its image %u is cut short: its header gives %" G_GSIZE_FORMAT " bytes", image + 1,
                                   legacy_length);
          for (gsize i = 0; i < legacy_length; i++)
            sum += data[offset + i];
          if (sum != 0)
            return pp_helper_fail (error, PP_HELPER_EXIT_ROM_BAD_CHECKSUM,
                                   "the checksum of its legacy image is wrong (its bytes sum to 0x%02x, not 0)", sum);
        }

      if (data[pcir + PCIR_INDICATOR] & PCIR_LAST_IMAGE)
        return TRUE;
      image_length = le16 (data + pcir + PCIR_IMAGE_BLOCKS) * 512;
      if (image_length == 0)
        return pp_helper_fail (error, PP_HELPER_EXIT_ROM_BAD_SIGNATURE,
                               "its image %u gives no length and is not the last", image + 1);
      offset += image_length;
    }
  return pp_helper_fail (error, PP_HELPER_EXIT_ROM_BAD_SIGNATURE, "it chains more than %d images", MAX_ROM_IMAGES);
}

/* The kernel turns the ROM on for reading on "1\n", off again on exactly
 * "0\n" (older kernels take anything else, "0" alone too, for "on"). */
static gboolean
rom_switch (const char  *device_dir,
            gboolean     test_mode,
            gboolean     on,
            const char  *address,
            GError     **error)
{
  g_autofree char *path = g_build_filename (device_dir, test_mode ? TEST_ROM_WRITES : "rom", NULL);
  const char *text = on ? "1\n" : "0\n";
  int flags = test_mode ? O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC : O_WRONLY | O_CLOEXEC;
  int fd = open (path, flags, 0644);
  gssize written = -1;
  int saved_errno;

  if (fd >= 0)
    {
      do
        written = write (fd, text, 2);
      while (written < 0 && errno == EINTR);
    }
  saved_errno = errno;
  if (fd >= 0 && close (fd) < 0 && written == 2)
    {
      saved_errno = errno;
      written = -1;
    }
  if (written == 2)
    return TRUE;
  return pp_helper_fail (error, PP_HELPER_EXIT_FAILED, "cannot turn the ROM of %s %s: %s", address, on ? "on" : "off",
                         g_strerror (saved_errno));
}

static gboolean
rom_read_all (int          fd,
              const char  *address,
              GByteArray  *buffer,
              GError     **error)
{
  guint8 chunk[65536];

  for (;;)
    {
      gssize got = read (fd, chunk, sizeof chunk);

      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        return pp_helper_fail (error, PP_HELPER_EXIT_ROM_MISSING,
                               "reading the ROM of %s failed (%s): the card shows no ROM the kernel can read. Some "
                               "cards show it only before a driver used them; a ROM from the card maker, or one "
                               "saved with the card's own tools, does the same job", address, g_strerror (errno));
      if (got == 0)
        return TRUE;
      if (buffer->len + got > MAX_ROM_SIZE)
        return pp_helper_fail (error, PP_HELPER_EXIT_ROM_BAD_SIGNATURE,
                               "the ROM of %s is larger than %d bytes: no expansion ROM is", address, MAX_ROM_SIZE);
      g_byte_array_append (buffer, chunk, got);
    }
}

static gboolean
rom_read (const char  *device_dir,
          gboolean     test_mode,
          const char  *address,
          GByteArray  *buffer,
          GError     **error)
{
  g_autofree char *path = g_build_filename (device_dir, "rom", NULL);
  struct statfs fs;
  struct stat st;
  gboolean ok;
  int fd = open (path, O_RDONLY | O_NOCTTY | O_CLOEXEC);

  if (fd < 0)
    return pp_helper_fail (error, PP_HELPER_EXIT_FAILED, "cannot open the ROM of %s: %s", address, g_strerror (errno));
  /* the installed helper reads nothing but the kernel's own file */
  if (fstat (fd, &st) < 0 || !S_ISREG (st.st_mode)
      || (!test_mode && (fstatfs (fd, &fs) < 0 || fs.f_type != SYSFS_MAGIC_NUMBER)))
    {
      close (fd);
      return pp_helper_fail (error, PP_HELPER_EXIT_UNSAFE_TARGET, "%s is not the kernel's sysfs rom file", path);
    }
  ok = rom_read_all (fd, address, buffer, error);
  close (fd);
  if (ok && buffer->len == 0)
    return pp_helper_fail (error, PP_HELPER_EXIT_ROM_MISSING, "the ROM of %s is empty: the card shows no ROM", address);
  return ok;
}

/* Turns the ROM on, reads it and turns it off again, whatever happened */
static GBytes *
rom_read_switched (const char  *device_dir,
                   gboolean     test_mode,
                   const char  *address,
                   GError     **error)
{
  g_autoptr(GByteArray) buffer = g_byte_array_new ();
  g_autoptr(GError) off_error = NULL;
  gboolean ok;

  ok = rom_switch (device_dir, test_mode, TRUE, address, error)
       && rom_read (device_dir, test_mode, address, buffer, error);
  if (!rom_switch (device_dir, test_mode, FALSE, address, &off_error) && ok)
    {
      g_propagate_error (error, g_steal_pointer (&off_error));
      return NULL;
    }
  return ok ? g_byte_array_free_to_bytes (g_steal_pointer (&buffer)) : NULL;
}

static gboolean
check_card (const PpHost       *host,
            const char         *address,
            const PpPciDevice **card,
            GError            **error)
{
  const PpPciDevice *device = pp_host_find_device (host, address);

  if (device == NULL)
    return pp_helper_fail (error, PP_HELPER_EXIT_REFUSED, "there is no PCI device %s", address);
  if (!pp_pci_device_is_gpu (device))
    return pp_helper_fail (error, PP_HELPER_EXIT_REFUSED, "%s is not a GPU: only a GPU's ROM is saved", address);
  if (device->boot_vga)
    return pp_helper_fail (error, PP_HELPER_EXIT_ROM_IN_USE,
                           "%s drives this computer's display; its ROM is read only from a card the host does not use",
                           address);
  if (g_strcmp0 (device->driver, "vfio-pci") != 0)
    return pp_helper_fail (error, PP_HELPER_EXIT_ROM_IN_USE,
                           "%s is used by %s, not reserved on vfio-pci: reserve it and restart the computer first",
                           address, device->driver != NULL ? device->driver : "no driver");
  *card = device;
  return TRUE;
}

gboolean
pp_helper_save_rom (PpSafeRoot  *root,
                    gboolean     test_mode,
                    const char  *address,
                    GError     **error)
{
  g_autoptr(PpHost) host = NULL;
  g_autoptr(GBytes) rom = NULL;
  g_autoptr(GError) check_error = NULL;
  g_autoptr(GError) host_error = NULL;
  g_autofree char *device_dir = NULL;
  g_autofree char *rom_file = NULL;
  g_autofree char *target = NULL;
  const PpPciDevice *card = NULL;
  const guint8 *data;
  gsize length;

  host = pp_host_read (pp_safe_root_get_path (root), &host_error);
  if (host == NULL)
    return pp_helper_fail (error, PP_HELPER_EXIT_HOST_UNREADABLE, "cannot read the host: %s", host_error->message);
  if (!check_card (host, address, &card, error))
    return FALSE;

  device_dir = g_build_filename (pp_safe_root_get_path (root), "sys/bus/pci/devices", address, NULL);
  rom_file = g_build_filename (device_dir, "rom", NULL);
  if (!g_file_test (rom_file, G_FILE_TEST_EXISTS))
    return pp_helper_fail (error, PP_HELPER_EXIT_ROM_MISSING,
                           "%s has no ROM the kernel can read (no rom file in sysfs)", address);

  pp_event_step (1, 3, "Reading the ROM of %s", address);
  rom = rom_read_switched (device_dir, test_mode, address, error);
  if (rom == NULL)
    return FALSE;

  data = g_bytes_get_data (rom, &length);
  pp_event_step (2, 3, "Checking the image (%" G_GSIZE_FORMAT " bytes)", length);
  if (!pp_rom_check (data, length, card->vendor_id, card->device_id, &check_error))
    return pp_helper_fail (error, check_error->code, "the ROM of %s is not valid: %s", address, check_error->message);

  target = pp_vm_rom_path (card);
  pp_event_step (3, 3, "Writing %s", target);
  if (!pp_safe_write (root, target, (const char *) data, length, 0644, pp_safe_root_get_owner (root),
                      test_mode ? getgid () : 0, NULL, error))
    return FALSE;

  pp_event_emit (PP_HELPER_EVENT_DONE, "Saved the ROM of %s (%" G_GSIZE_FORMAT " bytes) to %s", address, length,
                 target);
  return TRUE;
}
