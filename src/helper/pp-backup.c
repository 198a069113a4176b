/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-helper"

#include "config.h"

#include <string.h>
#include <unistd.h>

#include "pp-backup.h"
#include "pp-helper-protocol.h"

#define MANIFEST_VERSION 1
#define GROUP_BACKUP "backup"

static void
pp_backup_entry_free (PpBackupEntry *entry)
{
  g_free (entry->path);
  g_free (entry->sha256_before);
  g_free (entry->sha256_after);
  g_free (entry);
}

PpBackup *
pp_backup_new (const char *intent,
               const char *address)
{
  PpBackup *backup = g_new0 (PpBackup, 1);

  backup->state = g_strdup (PP_BACKUP_INCOMPLETE);
  backup->intent = g_strdup (intent);
  backup->address = g_strdup (address);
  backup->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_backup_entry_free);
  backup->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  backup->undo_commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  backup->created_dirs = g_ptr_array_new_with_free_func (g_free);
  return backup;
}

void
pp_backup_free (PpBackup *backup)
{
  g_free (backup->id);
  g_free (backup->host_dir);
  g_free (backup->state);
  g_free (backup->intent);
  g_free (backup->address);
  g_free (backup->created_at);
  g_ptr_array_unref (backup->entries);
  g_ptr_array_unref (backup->commands);
  g_ptr_array_unref (backup->undo_commands);
  g_ptr_array_unref (backup->created_dirs);
  g_free (backup);
}

void
pp_backup_add_file (PpBackup          *backup,
                    const char        *host_path,
                    const PpFileState *before,
                    const char        *new_contents,
                    gsize              new_length,
                    guint              new_mode,
                    guint              new_uid,
                    guint              new_gid)
{
  PpBackupEntry *entry = g_new0 (PpBackupEntry, 1);

  entry->path = g_strdup (host_path);
  entry->created = !before->exists;
  entry->sha256_after = pp_sha256_hex (new_contents, new_length);
  if (before->exists)
    {
      entry->sha256_before = pp_sha256_hex (before->contents, before->length);
      entry->mode = before->mode;
      entry->uid = before->uid;
      entry->gid = before->gid;
    }
  else
    {
      entry->mode = new_mode;
      entry->uid = new_uid;
      entry->gid = new_gid;
    }
  g_ptr_array_add (backup->entries, entry);
}

void
pp_backup_add_command (PpBackup           *backup,
                       const char * const *argv,
                       const char * const *undo)
{
  g_ptr_array_add (backup->commands, g_strdupv ((GStrv) argv));
  g_ptr_array_add (backup->undo_commands, g_strdupv ((GStrv) undo));
}

static char *
copy_host_path (PpBackup *backup,
                guint     index)
{
  return g_strdup_printf ("%s/files/%u", backup->host_dir, index);
}

static char *
manifest_host_path (const char *host_dir)
{
  return g_strdup_printf ("%s/manifest", host_dir);
}

static char *
manifest_to_data (PpBackup *backup,
                  gsize    *length)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();

  g_key_file_set_integer (keys, GROUP_BACKUP, "version", MANIFEST_VERSION);
  g_key_file_set_string (keys, GROUP_BACKUP, "intent", backup->intent);
  if (backup->address != NULL)
    g_key_file_set_string (keys, GROUP_BACKUP, "address", backup->address);
  g_key_file_set_string (keys, GROUP_BACKUP, "created", backup->created_at);
  g_key_file_set_string (keys, GROUP_BACKUP, "state", backup->state);
  g_key_file_set_integer (keys, GROUP_BACKUP, "files", backup->entries->len);
  g_key_file_set_integer (keys, GROUP_BACKUP, "commands", backup->commands->len);
  g_key_file_set_string_list (keys, GROUP_BACKUP, "created-directories",
                              (const char * const *) backup->created_dirs->pdata,
                              backup->created_dirs->len);

  for (guint i = 0; i < backup->entries->len; i++)
    {
      PpBackupEntry *entry = g_ptr_array_index (backup->entries, i);
      g_autofree char *group = g_strdup_printf ("file %u", i);
      g_autofree char *mode = g_strdup_printf ("%04o", entry->mode);

      g_key_file_set_string (keys, group, "path", entry->path);
      g_key_file_set_boolean (keys, group, "created", entry->created);
      if (!entry->created)
        {
          g_autofree char *copy = g_strdup_printf ("files/%u", i);

          g_key_file_set_string (keys, group, "copy", copy);
          g_key_file_set_string (keys, group, "sha256-before", entry->sha256_before);
        }
      g_key_file_set_string (keys, group, "sha256-after", entry->sha256_after);
      g_key_file_set_string (keys, group, "mode", mode);
      g_key_file_set_uint64 (keys, group, "uid", entry->uid);
      g_key_file_set_uint64 (keys, group, "gid", entry->gid);
    }

  for (guint i = 0; i < backup->commands->len; i++)
    {
      const char * const *argv = g_ptr_array_index (backup->commands, i);
      const char * const *undo = g_ptr_array_index (backup->undo_commands, i);
      g_autofree char *group = g_strdup_printf ("command %u", i);

      g_key_file_set_string_list (keys, group, "argv", argv, g_strv_length ((GStrv) argv));
      if (undo != NULL)
        g_key_file_set_string_list (keys, group, "undo", undo, g_strv_length ((GStrv) undo));
    }

  return g_key_file_to_data (keys, length, NULL);
}

gboolean
pp_backup_write_manifest (PpBackup    *backup,
                          PpSafeRoot  *root,
                          GError     **error)
{
  PpFaults *faults = pp_safe_root_get_faults (root);
  uid_t owner = pp_safe_root_get_owner (root);
  g_autofree char *path = manifest_host_path (backup->host_dir);
  gsize length = 0;
  g_autofree char *data = manifest_to_data (backup, &length);
  gboolean ok;

  pp_safe_root_set_faults (root, NULL);
  ok = pp_safe_write (root, path, data, length, 0600, owner, getgid (), NULL, error);
  pp_safe_root_set_faults (root, faults);
  return ok;
}

static void
remove_partial_set (PpBackup   *backup,
                    PpSafeRoot *root)
{
  g_autofree char *manifest = manifest_host_path (backup->host_dir);
  g_autofree char *files_dir = g_strdup_printf ("%s/files", backup->host_dir);

  pp_safe_remove (root, manifest, NULL);
  for (guint i = 0; i < backup->entries->len; i++)
    {
      g_autofree char *copy = copy_host_path (backup, i);

      pp_safe_remove (root, copy, NULL);
    }
  pp_safe_remove_empty_dir (root, files_dir, NULL);
  pp_safe_remove_empty_dir (root, backup->host_dir, NULL);
}

static void
choose_id (PpBackup   *backup,
           PpSafeRoot *root)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  backup->created_at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");

  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(GDateTime) when = g_date_time_add (now, attempt);
      g_autofree char *stamp = g_date_time_format (when, "%Y%m%dT%H%M%S");
      g_autofree char *disk_dir = NULL;

      g_free (backup->id);
      g_free (backup->host_dir);
      backup->id = g_strdup_printf ("%s.%06dZ", stamp, g_date_time_get_microsecond (when));
      backup->host_dir = g_strdup_printf ("%s/%s", PP_BACKUP_HOST_DIR, backup->id);
      disk_dir = pp_safe_root_disk_path (root, backup->host_dir);
      if (!g_file_test (disk_dir, G_FILE_TEST_EXISTS))
        break;
    }
}

gboolean
pp_backup_save (PpBackup    *backup,
                PpSafeRoot  *root,
                GPtrArray   *before_states,
                GError     **error)
{
  PpFaults *faults = pp_safe_root_get_faults (root);
  uid_t owner = pp_safe_root_get_owner (root);

  g_return_val_if_fail (before_states->len == backup->entries->len, FALSE);

  choose_id (backup, root);

  /* the copies are not the writes under test: PP_FAULT_BACKUP covers them */
  pp_safe_root_set_faults (root, NULL);
  for (guint i = 0; i < backup->entries->len; i++)
    {
      PpFileState *before = g_ptr_array_index (before_states, i);
      g_autofree char *copy = NULL;

      if (!before->exists)
        continue;
      copy = copy_host_path (backup, i);
      if (!pp_safe_write (root, copy, before->contents, before->length, 0600, owner, getgid (), NULL, error))
        goto fail;
    }
  pp_safe_root_set_faults (root, faults);

  if (!pp_faults_check (faults, PP_FAULT_BACKUP, error))
    goto fail;
  if (!pp_backup_write_manifest (backup, root, error))
    goto fail;

  return TRUE;

fail:
  pp_safe_root_set_faults (root, faults);
  g_prefix_error (error, "saving the backup in %s: ", backup->host_dir);
  remove_partial_set (backup, root);
  return FALSE;
}

static gboolean
parse_mode (const char *text,
            guint      *mode)
{
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 8, 0, 07777, &value, NULL))
    return FALSE;
  *mode = (guint) value;
  return TRUE;
}

static gboolean
is_sha256_hex (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

static PpBackup *
backup_from_manifest (const char  *id,
                      const char  *data,
                      gsize        length,
                      GError     **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(PpBackup) backup = NULL;
  g_autofree char *intent = NULL;
  g_autofree char *address = NULL;
  g_auto(GStrv) dirs = NULL;
  g_autofree char *host_dir = g_strdup_printf ("%s/%s", PP_BACKUP_HOST_DIR, id);
  gint64 files;
  gint64 commands;

  if (!g_key_file_load_from_data (keys, data, length, G_KEY_FILE_NONE, error))
    goto bad;

  intent = g_key_file_get_string (keys, GROUP_BACKUP, "intent", error);
  if (intent == NULL)
    goto bad;
  address = g_key_file_get_string (keys, GROUP_BACKUP, "address", NULL);
  backup = pp_backup_new (intent, address);
  backup->id = g_strdup (id);
  backup->host_dir = g_strdup (host_dir);
  g_free (backup->state);
  if ((backup->state = g_key_file_get_string (keys, GROUP_BACKUP, "state", error)) == NULL
      || (backup->created_at = g_key_file_get_string (keys, GROUP_BACKUP, "created", error)) == NULL)
    goto bad;

  files = g_key_file_get_int64 (keys, GROUP_BACKUP, "files", error);
  if (files < 0 || files > 1000 || (error != NULL && *error != NULL))
    goto bad;
  commands = g_key_file_get_int64 (keys, GROUP_BACKUP, "commands", error);
  if (commands < 0 || commands > 1000 || (error != NULL && *error != NULL))
    goto bad;
  dirs = g_key_file_get_string_list (keys, GROUP_BACKUP, "created-directories", NULL, NULL);
  for (guint i = 0; dirs != NULL && dirs[i] != NULL; i++)
    g_ptr_array_add (backup->created_dirs, g_strdup (dirs[i]));

  for (gint64 i = 0; i < files; i++)
    {
      g_autofree char *group = g_strdup_printf ("file %" G_GINT64_FORMAT, i);
      g_autofree char *mode = NULL;
      PpBackupEntry *entry = g_new0 (PpBackupEntry, 1);

      g_ptr_array_add (backup->entries, entry);
      entry->path = g_key_file_get_string (keys, group, "path", error);
      entry->created = g_key_file_get_boolean (keys, group, "created", NULL);
      entry->sha256_before = g_key_file_get_string (keys, group, "sha256-before", NULL);
      entry->sha256_after = g_key_file_get_string (keys, group, "sha256-after", NULL);
      mode = g_key_file_get_string (keys, group, "mode", NULL);
      entry->uid = g_key_file_get_uint64 (keys, group, "uid", NULL);
      entry->gid = g_key_file_get_uint64 (keys, group, "gid", NULL);
      if (entry->path == NULL || !parse_mode (mode, &entry->mode)
          || !is_sha256_hex (entry->sha256_after)
          || (!entry->created && !is_sha256_hex (entry->sha256_before)))
        {
          g_clear_error (error);
          g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED, "[%s] is incomplete", group);
          goto bad;
        }
    }

  for (gint64 i = 0; i < commands; i++)
    {
      g_autofree char *group = g_strdup_printf ("command %" G_GINT64_FORMAT, i);
      GStrv argv = g_key_file_get_string_list (keys, group, "argv", NULL, error);
      GStrv undo = g_key_file_get_string_list (keys, group, "undo", NULL, NULL);

      if (argv == NULL || argv[0] == NULL || (undo != NULL && undo[0] == NULL))
        {
          g_strfreev (argv);
          g_strfreev (undo);
          goto bad;
        }
      g_ptr_array_add (backup->commands, argv);
      g_ptr_array_add (backup->undo_commands, undo);
    }

  return g_steal_pointer (&backup);

bad:
  if (error != NULL && *error == NULL)
    g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED, "a value is out of range");
  if (error != NULL && *error != NULL)
    {
      (*error)->domain = PP_HELPER_ERROR;
      (*error)->code = PP_HELPER_EXIT_FAILED;
    }
  g_prefix_error (error, "%s/manifest: ", host_dir);
  return NULL;
}

static gboolean
is_backup_id (const char *name)
{
  /* 20261124T163000.123456Z */
  static const char shape[] = "ddddddddTdddddd.ddddddZ";

  if (strlen (name) != strlen (shape))
    return FALSE;
  for (gsize i = 0; shape[i] != '\0'; i++)
    if (shape[i] == 'd' ? !g_ascii_isdigit (name[i]) : name[i] != shape[i])
      return FALSE;
  return TRUE;
}

static int
compare_ids_newest_first (gconstpointer a,
                          gconstpointer b)
{
  return -g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

PpBackup *
pp_backup_load_latest (PpSafeRoot  *root,
                       gboolean     revertible,
                       GError     **error)
{
  g_autofree char *disk_dir = pp_safe_root_disk_path (root, PP_BACKUP_HOST_DIR);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (disk_dir, 0, NULL);
  const char *name;

  if (dir == NULL)
    return NULL;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (is_backup_id (name))
      g_ptr_array_add (ids, g_strdup (name));
  g_ptr_array_sort (ids, compare_ids_newest_first);

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autofree char *host_dir = g_strdup_printf ("%s/%s", PP_BACKUP_HOST_DIR, id);
      g_autofree char *manifest = manifest_host_path (host_dir);
      g_auto(PpFileState) state = { 0 };
      g_autoptr(PpBackup) backup = NULL;

      if (!pp_safe_read (root, manifest, &state, error))
        return NULL;
      if (!state.exists)
        continue;   /* a set whose saving was cut short: it never took effect */
      backup = backup_from_manifest (id, state.contents, state.length, error);
      if (backup == NULL)
        return NULL;
      if (!revertible
          || g_str_equal (backup->state, PP_BACKUP_APPLIED)
          || g_str_equal (backup->state, PP_BACKUP_INCOMPLETE))
        return g_steal_pointer (&backup);
    }

  return NULL;
}

gboolean
pp_backup_read_copy (PpBackup     *backup,
                     PpSafeRoot   *root,
                     guint         index,
                     PpFileState  *copy,
                     GError      **error)
{
  PpBackupEntry *entry = g_ptr_array_index (backup->entries, index);
  g_autofree char *path = copy_host_path (backup, index);
  g_autofree char *sha = NULL;

  if (!pp_safe_read (root, path, copy, error))
    return FALSE;
  if (copy->exists)
    sha = pp_sha256_hex (copy->contents, copy->length);
  if (!copy->exists || g_strcmp0 (sha, entry->sha256_before) != 0)
    {
      pp_file_state_clear (copy);
      g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED,
                   "%s, the saved copy of %s, is missing or damaged (its sha256 is not the one in the manifest)",
                   path, entry->path);
      return FALSE;
    }

  /* put it back as it was, not as the copy is stored */
  copy->mode = entry->mode;
  copy->uid = entry->uid;
  copy->gid = entry->gid;
  return TRUE;
}
