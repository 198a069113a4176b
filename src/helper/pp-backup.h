/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-helper-protocol.h"
#include "pp-safe-file.h"

G_BEGIN_DECLS

/* A backup set is PP_HELPER_BACKUP_DIR/ID, ID the UTC time it was made
 * ("20261124T163000.123456Z"), so names sort by age. */
#define PP_BACKUP_HOST_DIR PP_HELPER_BACKUP_DIR

/* Manifest states */
#define PP_BACKUP_INCOMPLETE  "incomplete"   /* saved, files being written */
#define PP_BACKUP_APPLIED     "applied"      /* every file written, every command ran */
#define PP_BACKUP_ROLLED_BACK "rolled-back"  /* a step failed, every file was restored */
#define PP_BACKUP_REVERTED    "reverted"     /* undone by revert */

typedef struct
{
  char     *path;            /* host path */
  gboolean  created;         /* the file did not exist: revert removes it */
  char     *sha256_before;   /* NULL when created */
  char     *sha256_after;
  guint     mode;            /* of the file before (or as created) */
  guint     uid;
  guint     gid;
} PpBackupEntry;

typedef struct
{
  char      *id;             /* the set's directory name */
  char      *host_dir;       /* PP_BACKUP_HOST_DIR/ID */
  char      *state;
  char      *intent;         /* "reserve" */
  char      *address;        /* the GPU reserved, or NULL */
  char      *created_at;     /* ISO 8601, UTC */
  GPtrArray *entries;        /* PpBackupEntry* */
  GPtrArray *commands;       /* GStrv: the commands reserve ran */
  GPtrArray *undo_commands;  /* GStrv or NULL, one a command: what revert runs for it (NULL: the command again) */
  GPtrArray *created_dirs;   /* char*: host dirs the run created, outermost first */
} PpBackup;

PpBackup  *pp_backup_new            (const char  *intent,
                                     const char  *address);
void       pp_backup_free           (PpBackup    *backup);
/* Adds a file about to change; @before is its state now (maybe absent). */
void       pp_backup_add_file       (PpBackup          *backup,
                                     const char        *host_path,
                                     const PpFileState *before,
                                     const char        *new_contents,
                                     gsize              new_length,
                                     guint              new_mode,
                                     guint              new_uid,
                                     guint              new_gid);
/* @undo may be NULL: revert runs @argv again */
void       pp_backup_add_command    (PpBackup           *backup,
                                     const char * const *argv,
                                     const char * const *undo);
/* Creates the set: a copy of every file that exists, then the manifest
 * (state "incomplete"), each synced, so it is complete before the first
 * write. On failure nothing of the set is left. */
gboolean   pp_backup_save           (PpBackup          *backup,
                                     PpSafeRoot        *root,
                                     GPtrArray         *before_states,
                                     GError           **error);
/* Rewrites the manifest, atomically (after a change of state or dirs). */
gboolean   pp_backup_write_manifest (PpBackup          *backup,
                                     PpSafeRoot        *root,
                                     GError           **error);
/* The newest set, or with @revertible the newest whose state is applied or
 * incomplete. NULL and no error when there is none. */
PpBackup  *pp_backup_load_latest    (PpSafeRoot        *root,
                                     gboolean           revertible,
                                     GError           **error);
/* The saved copy of entry @index, checked against its sha256-before. */
gboolean   pp_backup_read_copy      (PpBackup          *backup,
                                     PpSafeRoot        *root,
                                     guint              index,
                                     PpFileState       *copy,
                                     GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpBackup, pp_backup_free)

G_END_DECLS
