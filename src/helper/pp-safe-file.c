/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-helper"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "pp-helper-protocol.h"
#include "pp-safe-file.h"

#define MAX_FILE_SIZE (16 * 1024 * 1024)

struct _PpSafeRoot
{
  char     *path;     /* resolved, absolute */
  int       fd;
  uid_t     owner;
  gid_t     group;    /* the group that may have write access */
  PpFaults *faults;   /* borrowed */
};

static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *host_path,
                 const char  *what)
{
  g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED,
               "%s: %s: %s", host_path, what, g_strerror (saved_errno));
  return FALSE;
}

PpSafeRoot *
pp_safe_root_open (const char  *root,
                   uid_t        owner,
                   gid_t        group,
                   PpFaults    *faults,
                   GError     **error)
{
  g_autoptr(PpSafeRoot) self = g_new0 (PpSafeRoot, 1);
  char *resolved = realpath (root, NULL);

  self->fd = -1;
  if (resolved == NULL)
    {
      set_errno_error (error, errno, root, "cannot resolve the root directory");
      return NULL;
    }
  self->path = g_strdup (resolved);
  free (resolved);

  self->fd = open (self->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (self->fd < 0)
    {
      set_errno_error (error, errno, self->path, "cannot open the root directory");
      return NULL;
    }
  self->owner = owner;
  self->group = group;
  self->faults = faults;

  return g_steal_pointer (&self);
}

void
pp_safe_root_free (PpSafeRoot *self)
{
  if (self->fd >= 0)
    close (self->fd);
  g_free (self->path);
  g_free (self);
}

const char *
pp_safe_root_get_path (PpSafeRoot *self)
{
  return self->path;
}

uid_t
pp_safe_root_get_owner (PpSafeRoot *self)
{
  return self->owner;
}

gid_t
pp_safe_root_get_group (PpSafeRoot *self)
{
  return self->group;
}

PpFaults *
pp_safe_root_get_faults (PpSafeRoot *self)
{
  return self->faults;
}

void
pp_safe_root_set_faults (PpSafeRoot *self,
                         PpFaults   *faults)
{
  self->faults = faults;
}

char *
pp_safe_root_disk_path (PpSafeRoot *self,
                        const char *host_path)
{
  if (g_str_equal (self->path, "/"))
    return g_strdup (host_path);
  return g_build_filename (self->path, host_path, NULL);
}

void
pp_file_state_clear (PpFileState *state)
{
  g_clear_pointer (&state->contents, g_free);
  memset (state, 0, sizeof *state);
}

char *
pp_sha256_hex (const char *data,
               gsize       length)
{
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) data, length);
}

/* A host path must be absolute and canonical: no "", "." or ".." component,
 * so what the checks see is what gets written. */
static GStrv
split_host_path (const char  *host_path,
                 GError     **error)
{
  g_auto(GStrv) parts = NULL;

  if (host_path == NULL || host_path[0] != '/' || host_path[1] == '\0'
      || strlen (host_path) >= PATH_MAX)
    goto bad;

  parts = g_strsplit (host_path + 1, "/", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] == '\0' || g_str_equal (parts[i], ".") || g_str_equal (parts[i], "..")
        || strlen (parts[i]) > NAME_MAX)
      goto bad;

  return g_steal_pointer (&parts);

bad:
  g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET,
               "\"%s\" is not an absolute canonical path", host_path ? host_path : "(null)");
  return NULL;
}

static gboolean
check_owner_and_mode (PpSafeRoot   *self,
                      const char   *host_path,
                      struct stat  *st,
                      GError      **error)
{
  if (st->st_uid != self->owner)
    {
      g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET,
                   "%s is owned by uid %u, not %u; refusing to touch it",
                   host_path, (guint) st->st_uid, (guint) self->owner);
      return FALSE;
    }
  if ((st->st_mode & S_IWOTH) != 0)
    {
      g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET,
                   "%s is writable by every user; refusing to touch it", host_path);
      return FALSE;
    }
  if ((st->st_mode & S_IWGRP) != 0 && st->st_gid != self->group)
    {
      g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET,
                   "%s is writable by its group, gid %u, which is not root's (%u); refusing to touch it",
                   host_path, (guint) st->st_gid, (guint) self->group);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_target (PpSafeRoot   *self,
              const char   *host_path,
              struct stat  *st,
              GError      **error)
{
  if (S_ISLNK (st->st_mode))
    {
      g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET,
                   "%s is a symbolic link; refusing to write through it", host_path);
      return FALSE;
    }
  if (!S_ISREG (st->st_mode))
    {
      g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET,
                   "%s is not a regular file; refusing to touch it", host_path);
      return FALSE;
    }
  return check_owner_and_mode (self, host_path, st, error);
}

static char *
host_prefix (const GStrv parts,
             guint       n)
{
  g_autoptr(GString) path = g_string_new ("");

  for (guint i = 0; i < n; i++)
    g_string_append_printf (path, "/%s", parts[i]);
  if (path->len == 0)
    g_string_append_c (path, '/');

  return g_string_free (g_steal_pointer (&path), FALSE);
}

/* Opens the directory made of the first @n components of @parts, checking
 * each one. Returns -1 with *missing set (and no error) when a component
 * does not exist and !@create. */
static int
open_dir_chain (PpSafeRoot  *self,
                GStrv        parts,
                guint        n,
                gboolean     create,
                GPtrArray   *created_dirs,
                gboolean    *missing,
                GError     **error)
{
  struct stat st;
  int fd = fcntl (self->fd, F_DUPFD_CLOEXEC, 3);

  if (missing != NULL)
    *missing = FALSE;
  if (fd < 0 || fstat (fd, &st) < 0)
    {
      set_errno_error (error, errno, "/", "cannot open");
      goto fail;
    }
  if (!check_owner_and_mode (self, "/", &st, error))
    goto fail;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *here = host_prefix (parts, i + 1);
      gboolean made = FALSE;
      int next = openat (fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

      if (next < 0 && errno == ENOENT && create)
        {
          if (mkdirat (fd, parts[i], 0700) < 0)
            {
              set_errno_error (error, errno, here, "cannot create the directory");
              goto fail;
            }
          made = TRUE;
          /* the new entry must survive a crash as surely as the file in it */
          if (fsync (fd) < 0)
            {
              set_errno_error (error, errno, here, "cannot sync the directory holding the new directory");
              goto fail;
            }
          next = openat (fd, parts[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }

      if (next < 0)
        {
          int saved_errno = errno;

          if (saved_errno == ENOENT && missing != NULL)
            {
              *missing = TRUE;
              close (fd);
              return -1;
            }
          if (fstatat (fd, parts[i], &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
            g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET,
                         "%s is a symbolic link; refusing to go through it", here);
          else if (saved_errno == ENOTDIR)
            g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET,
                         "%s is not a directory", here);
          else
            set_errno_error (error, saved_errno, here, "cannot open the directory");
          goto fail;
        }

      close (fd);
      fd = next;

      if (made)
        {
          if (fchown (fd, self->owner, (gid_t) -1) < 0 || fchmod (fd, 0755) < 0)
            {
              set_errno_error (error, errno, here, "cannot set the owner of the new directory");
              goto fail;
            }
          if (created_dirs != NULL)
            g_ptr_array_add (created_dirs, g_strdup (here));
        }

      if (fstat (fd, &st) < 0)
        {
          set_errno_error (error, errno, here, "cannot stat");
          goto fail;
        }
      if (!check_owner_and_mode (self, here, &st, error))
        goto fail;
    }

  return fd;

fail:
  if (fd >= 0)
    close (fd);
  return -1;
}

/* Opens, without following links, the directory that holds HOST_PATH; *leaf
 * is its last component, kept in *parts */
static int
open_parent_dir (PpSafeRoot   *self,
                 const char   *host_path,
                 gboolean      create,
                 GPtrArray    *created_dirs,
                 gboolean     *missing,
                 GStrv        *parts,
                 const char  **leaf,
                 GError      **error)
{
  guint n;

  if (missing != NULL)
    *missing = FALSE;
  *parts = split_host_path (host_path, error);
  if (*parts == NULL)
    return -1;
  n = g_strv_length (*parts);
  *leaf = (*parts)[n - 1];
  return open_dir_chain (self, *parts, n - 1, create, created_dirs, missing, error);
}

static gboolean
read_all (int           fd,
          const char   *host_path,
          gsize         size_hint,
          PpFileState  *state,
          GError      **error)
{
  g_autoptr(GByteArray) buffer = g_byte_array_sized_new (size_hint + 1);
  guint8 chunk[8192];

  for (;;)
    {
      gssize got = read (fd, chunk, sizeof chunk);

      if (got < 0 && errno == EINTR)
        continue;
      if (got < 0)
        return set_errno_error (error, errno, host_path, "cannot read");
      if (got == 0)
        break;
      if (buffer->len + got > MAX_FILE_SIZE)
        {
          g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET,
                       "%s is larger than %d bytes; not a config file", host_path, MAX_FILE_SIZE);
          return FALSE;
        }
      g_byte_array_append (buffer, chunk, got);
    }

  state->length = buffer->len;
  g_byte_array_append (buffer, (const guint8 *) "", 1);
  state->contents = (char *) g_byte_array_free (g_steal_pointer (&buffer), FALSE);
  return TRUE;
}

gboolean
pp_safe_read (PpSafeRoot   *self,
              const char   *host_path,
              PpFileState  *state,
              GError      **error)
{
  g_auto(GStrv) parts = NULL;
  const char *leaf = NULL;
  g_autofree char *base = NULL;
  struct stat st;
  gboolean missing = FALSE;
  int dirfd;
  int fd;
  gboolean ok;

  memset (state, 0, sizeof *state);
  dirfd = open_parent_dir (self, host_path, FALSE, NULL, &missing, &parts, &leaf, error);
  if (dirfd < 0)
    return missing;

  if (fstatat (dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
    {
      int saved_errno = errno;

      close (dirfd);
      if (saved_errno == ENOENT)
        return TRUE;
      return set_errno_error (error, saved_errno, host_path, "cannot stat");
    }
  if (!check_target (self, host_path, &st, error))
    {
      close (dirfd);
      return FALSE;
    }

  fd = openat (dirfd, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  close (dirfd);
  if (fd < 0)
    return set_errno_error (error, errno, host_path, "cannot open");

  /* check again on what was opened: it may have been swapped since the fstatat */
  if (fstat (fd, &st) < 0)
    {
      int saved_errno = errno;

      close (fd);
      return set_errno_error (error, saved_errno, host_path, "cannot stat");
    }
  if (!check_target (self, host_path, &st, error))
    {
      close (fd);
      return FALSE;
    }

  ok = read_all (fd, host_path, st.st_size, state, error);
  close (fd);
  if (!ok)
    {
      pp_file_state_clear (state);
      return FALSE;
    }

  state->exists = TRUE;
  state->mode = st.st_mode & 0777;
  state->uid = st.st_uid;
  state->gid = st.st_gid;
  return TRUE;
}

static gboolean
write_all (int          fd,
           const char  *data,
           gsize        length)
{
  while (length > 0)
    {
      gssize done = write (fd, data, length);

      if (done < 0 && errno == EINTR)
        continue;
      if (done <= 0)
        return FALSE;
      data += done;
      length -= done;
    }
  return TRUE;
}

static gboolean
fill_temp_file (PpSafeRoot   *self,
                int           fd,
                const char   *host_path,
                const char   *contents,
                gsize         length,
                guint         mode,
                uid_t         uid,
                gid_t         gid,
                GError      **error)
{
  gsize half = length / 2;

  /* an injected failure leaves a half-written temp file, as a full disk would */
  if (!write_all (fd, contents, half))
    return set_errno_error (error, errno, host_path, "cannot write the temp file");
  if (!pp_faults_check (self->faults, PP_FAULT_WRITE, error))
    return FALSE;
  if (!write_all (fd, contents + half, length - half))
    return set_errno_error (error, errno, host_path, "cannot write the temp file");
  if (fchown (fd, uid, gid) < 0)
    return set_errno_error (error, errno, host_path, "cannot set the owner of the temp file");
  if (fchmod (fd, mode & 0777) < 0)
    return set_errno_error (error, errno, host_path, "cannot set the mode of the temp file");
  if (fsync (fd) < 0)
    return set_errno_error (error, errno, host_path, "cannot sync the temp file");
  return TRUE;
}

gboolean
pp_safe_write (PpSafeRoot   *self,
               const char   *host_path,
               const char   *contents,
               gsize         length,
               guint         mode,
               uid_t         uid,
               gid_t         gid,
               GPtrArray    *created_dirs,
               GError      **error)
{
  g_auto(GStrv) parts = NULL;
  const char *leaf = NULL;
  g_autofree char *temp_name = NULL;
  struct stat st;
  int dirfd;
  int fd;

  dirfd = open_parent_dir (self, host_path, TRUE, created_dirs, NULL, &parts, &leaf, error);
  if (dirfd < 0)
    return FALSE;

  if (fstatat (dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0)
    {
      if (!check_target (self, host_path, &st, error))
        goto fail;
    }
  else if (errno != ENOENT)
    {
      set_errno_error (error, errno, host_path, "cannot stat");
      goto fail;
    }

  temp_name = g_strdup_printf (".%.200s.pp-%08x", leaf, g_random_int ());
  fd = openat (dirfd, temp_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      set_errno_error (error, errno, host_path, "cannot create a temp file beside it");
      goto fail;
    }
  if (!fill_temp_file (self, fd, host_path, contents, length, mode, uid, gid, error))
    {
      close (fd);
      goto fail_unlink;
    }
  if (close (fd) < 0)
    {
      set_errno_error (error, errno, host_path, "cannot close the temp file");
      goto fail_unlink;
    }

  if (!pp_faults_check (self->faults, PP_FAULT_RENAME, error))
    goto fail_unlink;
  if (renameat (dirfd, temp_name, dirfd, leaf) < 0)
    {
      set_errno_error (error, errno, host_path, "cannot replace");
      goto fail_unlink;
    }
  if (fsync (dirfd) < 0)
    {
      set_errno_error (error, errno, host_path, "cannot sync the directory");
      goto fail;
    }

  close (dirfd);
  return TRUE;

fail_unlink:
  unlinkat (dirfd, temp_name, 0);
fail:
  close (dirfd);
  return FALSE;
}

gboolean
pp_safe_remove (PpSafeRoot   *self,
                const char   *host_path,
                GError      **error)
{
  g_auto(GStrv) parts = NULL;
  const char *leaf = NULL;
  gboolean missing = FALSE;
  struct stat st;
  int dirfd;

  dirfd = open_parent_dir (self, host_path, FALSE, NULL, &missing, &parts, &leaf, error);
  if (dirfd < 0)
    return missing;

  if (fstatat (dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0)
    {
      int saved_errno = errno;

      close (dirfd);
      return saved_errno == ENOENT ? TRUE : set_errno_error (error, saved_errno, host_path, "cannot stat");
    }
  if (!check_target (self, host_path, &st, error))
    {
      close (dirfd);
      return FALSE;
    }
  if (unlinkat (dirfd, leaf, 0) < 0 || fsync (dirfd) < 0)
    {
      int saved_errno = errno;

      close (dirfd);
      return set_errno_error (error, saved_errno, host_path, "cannot remove");
    }

  close (dirfd);
  return TRUE;
}

gboolean
pp_safe_remove_empty_dir (PpSafeRoot   *self,
                          const char   *host_path,
                          GError      **error)
{
  g_auto(GStrv) parts = NULL;
  const char *leaf = NULL;
  gboolean missing = FALSE;
  struct stat st;
  int dirfd;

  dirfd = open_parent_dir (self, host_path, FALSE, NULL, &missing, &parts, &leaf, error);
  if (dirfd < 0)
    return missing;

  if (fstatat (dirfd, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR (st.st_mode)
      && unlinkat (dirfd, leaf, AT_REMOVEDIR) == 0)
    fsync (dirfd);

  close (dirfd);
  return TRUE;
}

int
pp_safe_lock (PpSafeRoot  *self,
              const char  *host_path,
              GError     **error)
{
  g_auto(GStrv) parts = NULL;
  const char *leaf = NULL;
  struct stat st;
  int dirfd;
  int fd;

  dirfd = open_parent_dir (self, host_path, TRUE, NULL, NULL, &parts, &leaf, error);
  if (dirfd < 0)
    return -1;
  fd = openat (dirfd, leaf, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0600);
  if (fd < 0)
    {
      int saved_errno = errno;

      close (dirfd);
      if (saved_errno == ELOOP)
        g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET,
                     "%s is a symbolic link; refusing to open it", host_path);
      else
        set_errno_error (error, saved_errno, host_path, "cannot open the lock file");
      return -1;
    }
  close (dirfd);

  if (fstat (fd, &st) < 0 || !check_target (self, host_path, &st, error))
    {
      if (error != NULL && *error == NULL)
        set_errno_error (error, errno, host_path, "cannot stat");
      close (fd);
      return -1;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) < 0)
    {
      int saved_errno = errno;

      close (fd);
      if (saved_errno == EWOULDBLOCK)
        g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_BUSY,
                     "another passthrough-prep-helper is changing this host right now (%s is locked); try again when it is done",
                     host_path);
      else
        set_errno_error (error, saved_errno, host_path, "cannot lock");
      return -1;
    }

  return fd;
}
