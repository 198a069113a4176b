/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "pp-host-files.h"

#define PP_HOST_FILE_MAX (16 * 1024 * 1024)

static gboolean
errno_means_absent (int saved_errno)
{
  return saved_errno == ENOENT || saved_errno == ENOTDIR;
}

static void
set_unreadable (GError     **error,
                const char  *host_path,
                int          saved_errno)
{
  const char *why;

  switch (saved_errno)
    {
    case EACCES:
    case EPERM:
      why = _("permission denied");
      break;
    case EISDIR:
      why = _("is a directory");
      break;
    case ELOOP:
      why = _("too many symbolic links");
      break;
    default:
      why = g_strerror (saved_errno);
      break;
    }
  g_set_error (error, PP_HOST_ERROR, PP_HOST_ERROR_UNREADABLE, "%s: %s", host_path, why);
}

gboolean
pp_host_probe (const PpHost  *host,
               const char    *host_path,
               gboolean      *exists,
               GError       **error)
{
  g_autofree char *path = pp_host_path (host, host_path);
  struct stat st;

  *exists = FALSE;
  if (stat (path, &st) == 0)
    {
      *exists = TRUE;
      return TRUE;
    }
  if (errno_means_absent (errno))
    return TRUE;
  set_unreadable (error, host_path, errno);
  return FALSE;
}

/* Reads a regular file whole into @contents; *@contents stays NULL when it
 * is absent. Longer than @max_size: FALSE with *@too_large and no error. */
static gboolean
read_regular_file (const PpHost  *host,
                   const char    *host_path,
                   gsize          max_size,
                   GString      **contents,
                   gboolean      *too_large,
                   GError       **error)
{
  g_autofree char *path = pp_host_path (host, host_path);
  g_autoptr(GString) read_so_far = NULL;
  struct stat st;
  char buffer[8192];
  ssize_t n;
  int fd;

  *contents = NULL;
  *too_large = FALSE;
  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      if (errno_means_absent (errno))
        return TRUE;
      set_unreadable (error, host_path, errno);
      return FALSE;
    }
  if (fstat (fd, &st) != 0)
    {
      int saved_errno = errno;

      close (fd);
      set_unreadable (error, host_path, saved_errno);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      if (S_ISDIR (st.st_mode))
        set_unreadable (error, host_path, EISDIR);
      else
        g_set_error (error, PP_HOST_ERROR, PP_HOST_ERROR_UNREADABLE,
                     _("%s: not a regular file"), host_path);
      return FALSE;
    }

  read_so_far = g_string_sized_new (MIN ((gsize) st.st_size, max_size) + 1);
  /* short reads and EINTR happen (efivarfs limits the rate of reads) */
  while ((n = read (fd, buffer, sizeof buffer)) != 0)
    {
      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          close (fd);
          set_unreadable (error, host_path, saved_errno);
          return FALSE;
        }
      if (read_so_far->len + n > max_size)
        {
          close (fd);
          *too_large = TRUE;
          return FALSE;
        }
      g_string_append_len (read_so_far, buffer, n);
    }
  close (fd);
  *contents = g_steal_pointer (&read_so_far);
  return TRUE;
}

gboolean
pp_host_read_file (const PpHost  *host,
                   const char    *host_path,
                   char         **text,
                   GError       **error)
{
  g_autoptr(GString) contents = NULL;
  gboolean too_large = FALSE;

  *text = NULL;
  if (!read_regular_file (host, host_path, PP_HOST_FILE_MAX, &contents, &too_large, error))
    {
      if (too_large)
        g_set_error (error, PP_HOST_ERROR, PP_HOST_ERROR_UNREADABLE,
                     _("%s: larger than %d MiB, not a configuration file"), host_path,
                     PP_HOST_FILE_MAX / (1024 * 1024));
      return FALSE;
    }
  if (contents == NULL)
    return TRUE;
  if (memchr (contents->str, '\0', contents->len) != NULL)
    {
      g_set_error (error, PP_HOST_ERROR, PP_HOST_ERROR_UNREADABLE,
                   _("%s: holds a NUL byte, so it is not a text file"), host_path);
      return FALSE;
    }
  *text = g_string_free (g_steal_pointer (&contents), FALSE);
  return TRUE;
}

gboolean
pp_host_read_bytes (const PpHost  *host,
                    const char    *host_path,
                    gsize          max_size,
                    GBytes       **bytes,
                    GError       **error)
{
  g_autoptr(GString) contents = NULL;
  gboolean too_large = FALSE;

  *bytes = NULL;
  if (!read_regular_file (host, host_path, max_size, &contents, &too_large, error))
    {
      if (too_large)
        g_set_error (error, PP_HOST_ERROR, PP_HOST_ERROR_MALFORMED,
                     _("%s: larger than %u bytes"), host_path, (guint) max_size);
      return FALSE;
    }
  if (contents != NULL)
    *bytes = g_string_free_to_bytes (g_steal_pointer (&contents));
  return TRUE;
}

int
pp_host_compare_paths (gconstpointer a,
                       gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Host paths of the entries of @dir ending in @suffix whose type (links
 * followed) is @type (S_IFREG, S_IFDIR), unsorted */
static GPtrArray *
list_entries (const PpHost  *host,
              const char    *dir,
              const char    *suffix,
              mode_t         type,
              GError       **error)
{
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *disk_dir = pp_host_path (host, dir);
  DIR *handle;
  struct dirent *entry;

  handle = opendir (disk_dir);
  if (handle == NULL)
    {
      if (errno_means_absent (errno))
        return g_steal_pointer (&paths);
      set_unreadable (error, dir, errno);
      return NULL;
    }

  while ((entry = readdir (handle)) != NULL)
    {
      const char *name = entry->d_name;
      g_autofree char *host_path = NULL;
      g_autofree char *disk_path = NULL;
      struct stat st;

      if (name[0] == '.' || !g_str_has_suffix (name, suffix))
        continue;
      host_path = g_build_filename (dir, name, NULL);
      disk_path = pp_host_path (host, host_path);
      if (stat (disk_path, &st) != 0)
        {
          if (errno_means_absent (errno))
            continue;
          set_unreadable (error, host_path, errno);
          closedir (handle);
          return NULL;
        }
      if ((st.st_mode & S_IFMT) == type)
        g_ptr_array_add (paths, g_steal_pointer (&host_path));
    }
  closedir (handle);
  return g_steal_pointer (&paths);
}

GPtrArray *
pp_host_list_dir (const PpHost  *host,
                  const char    *dir,
                  const char    *suffix,
                  GCompareFunc   compare,
                  GError       **error)
{
  GPtrArray *paths = list_entries (host, dir, suffix, S_IFREG, error);

  if (paths != NULL)
    g_ptr_array_sort (paths, compare != NULL ? compare : pp_host_compare_paths);
  return paths;
}

GPtrArray *
pp_host_list_subdirs (const PpHost  *host,
                      const char    *dir,
                      GError       **error)
{
  g_autoptr(GPtrArray) paths = list_entries (host, dir, "", S_IFDIR, error);
  GPtrArray *names;

  if (paths == NULL)
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (names, g_path_get_basename (g_ptr_array_index (paths, i)));
  g_ptr_array_sort (names, pp_host_compare_paths);
  return names;
}

const char *
pp_host_find_tool (const PpHost       *host,
                   const char * const *names)
{
  static const char * const dirs[] = { "/usr/bin/", "/usr/sbin/", "/bin/", "/sbin/" };

  for (guint n = 0; names[n] != NULL; n++)
    for (guint d = 0; d < G_N_ELEMENTS (dirs); d++)
      {
        g_autofree char *host_path = g_strconcat (dirs[d], names[n], NULL);
        g_autofree char *path = pp_host_path (host, host_path);

        if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && g_file_test (path, G_FILE_TEST_IS_EXECUTABLE))
          return names[n];
      }
  return NULL;
}
