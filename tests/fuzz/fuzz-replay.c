/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Runs a fuzz target over the files of a corpus directory, without
 * libFuzzer: the normal test suite replays the seeds and past findings. */
#include "config.h"

#include "fuzz-common.h"

int
main (int   argc,
      char *argv[])
{
  guint count = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, &error);
      const char *name;

      if (dir == NULL)
        g_error ("%s", error->message);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          g_autofree char *data = NULL;
          gsize size = 0;

          if (!g_file_get_contents (path, &data, &size, &error))
            g_error ("%s", error->message);
          LLVMFuzzerTestOneInput ((const uint8_t *) data, size);
          count++;
        }
    }
  g_print ("1..1\nok 1 - %u inputs\n", count);
  return count > 0 ? 0 : 1;
}
