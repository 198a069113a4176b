/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sys/types.h>

#include <glib.h>

#include "pp-helper-faults.h"

G_BEGIN_DECLS

/* Reading and writing the host's files under a root, the way a root
 * process must: every component below the root is opened with O_NOFOLLOW
 * and checked (a directory owned by the expected owner, not world-writable,
 * group-writable only for the expected group), targets are regular files
 * checked the same way, and a write is a temp file in the same directory +
 * fsync + rename + fsync of the directory; a directory created on the way
 * is fsynced in its parent.
 * Paths are host paths ("/etc/default/grub"). Errors are in PP_HELPER_ERROR:
 * PP_HELPER_EXIT_UNSAFE_TARGET for what must not be touched, else FAILED. */
typedef struct _PpSafeRoot PpSafeRoot;

typedef struct
{
  gboolean  exists;
  char     *contents;   /* NUL-terminated copy, or NULL */
  gsize     length;
  guint     mode;       /* permission bits */
  uid_t     uid;
  gid_t     gid;
} PpFileState;

/* @owner: the uid every directory and target must belong to (0, or the
 * running user in test mode); @group: the only group that may have write
 * access to one (0, or the running user's group in test mode). @faults may
 * be NULL. */
PpSafeRoot  *pp_safe_root_open        (const char   *root,
                                       uid_t         owner,
                                       gid_t         group,
                                       PpFaults     *faults,
                                       GError      **error);
void         pp_safe_root_free        (PpSafeRoot   *self);
const char  *pp_safe_root_get_path    (PpSafeRoot   *self);
uid_t        pp_safe_root_get_owner   (PpSafeRoot   *self);
gid_t        pp_safe_root_get_group   (PpSafeRoot   *self);
PpFaults    *pp_safe_root_get_faults  (PpSafeRoot   *self);
/* Rollback runs with no faults: it must not fail by injection. */
void         pp_safe_root_set_faults  (PpSafeRoot   *self,
                                       PpFaults     *faults);
/* ROOT + @host_path for messages and for running commands */
char        *pp_safe_root_disk_path   (PpSafeRoot   *self,
                                       const char   *host_path);

/* A missing file (or directory on the way) is ->exists = FALSE, not an error. */
gboolean     pp_safe_read             (PpSafeRoot   *self,
                                       const char   *host_path,
                                       PpFileState  *state,
                                       GError      **error);
/* Replaces or creates @host_path. Missing directories on the way are created
 * (0755) and their host paths appended to @created_dirs, outermost first. */
gboolean     pp_safe_write            (PpSafeRoot   *self,
                                       const char   *host_path,
                                       const char   *contents,
                                       gsize         length,
                                       guint         mode,
                                       uid_t         uid,
                                       gid_t         gid,
                                       GPtrArray    *created_dirs,
                                       GError      **error);
gboolean     pp_safe_remove           (PpSafeRoot   *self,
                                       const char   *host_path,
                                       GError      **error);
/* Removes an empty directory; a directory that is not empty is kept. */
gboolean     pp_safe_remove_empty_dir (PpSafeRoot   *self,
                                       const char   *host_path,
                                       GError      **error);

/* Takes an exclusive lock on @host_path (created 0600 if missing); the
 * returned fd holds it until closed. PP_HELPER_EXIT_BUSY when held. */
int          pp_safe_lock             (PpSafeRoot   *self,
                                       const char   *host_path,
                                       GError      **error);

void         pp_file_state_clear      (PpFileState  *state);
char        *pp_sha256_hex            (const char   *data,
                                       gsize         length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpSafeRoot, pp_safe_root_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpFileState, pp_file_state_clear)

G_END_DECLS
