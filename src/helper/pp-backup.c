/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-helper"

#include "config.h"

#include <string.h>

#include "pp-backup.h"
#include "pp-boot.h"
#include "pp-helper-protocol.h"
#include "pp-pci.h"

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
  gid_t group = pp_safe_root_get_group (root);
  g_autofree char *path = manifest_host_path (backup->host_dir);
  gsize length = 0;
  g_autofree char *data = manifest_to_data (backup, &length);
  gboolean ok;

  pp_safe_root_set_faults (root, NULL);
  ok = pp_safe_write (root, path, data, length, 0600, owner, group, NULL, error);
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
  gid_t group = pp_safe_root_get_group (root);

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
      if (!pp_safe_write (root, copy, before->contents, before->length, 0600, owner, group, NULL, error))
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

/* A manifest is root's file, but revert and status trust it only as far as
 * the planner goes: the files some backend may write, the programs some
 * backend may run, the owner every target has, modes and ids in range.
 * Anything else is refused, named, before anything is touched. */

G_GNUC_PRINTF (2, 3)
static gboolean
refuse (GError     **error,
        const char  *format,
        ...)
{
  va_list args;

  va_start (args, format);
  g_clear_error (error);
  g_propagate_error (error, g_error_new_valist (PP_HELPER_ERROR, PP_HELPER_EXIT_BAD_BACKUP, format, args));
  va_end (args);
  return FALSE;
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

/* Text fit for an argument of a command and a message: UTF-8, no control characters */
static gboolean
is_plain_text (const char *text)
{
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

static gboolean
get_string (GKeyFile    *keys,
            const char  *group,
            const char  *key,
            char       **value,
            GError     **error)
{
  *value = g_key_file_get_string (keys, group, key, NULL);
  if (*value == NULL)
    return refuse (error, "[%s] has no %s", group, key);
  if (!is_plain_text (*value))
    return refuse (error, "[%s] %s holds control characters", group, key);
  return TRUE;
}

/* uid_t and gid_t range, without (uid_t) -1, which chown reads as "keep" */
static gboolean
get_id (GKeyFile    *keys,
        const char  *group,
        const char  *key,
        guint       *value,
        GError     **error)
{
  g_autofree char *text = g_key_file_get_value (keys, group, key, NULL);
  guint64 parsed = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT64, &parsed, NULL))
    return refuse (error, "[%s] %s is missing or not a number", group, key);
  if (parsed >= G_MAXUINT32)
    return refuse (error, "[%s] %s=%" G_GUINT64_FORMAT " is out of range", group, key, parsed);
  *value = (guint) parsed;
  return TRUE;
}

/* Only permission bits are recorded (the helper keeps no setuid, setgid or
 * sticky bit), and never a file every user may write: it would not have
 * touched one */
static gboolean
get_mode (GKeyFile    *keys,
          const char  *group,
          guint       *mode,
          GError     **error)
{
  g_autofree char *text = g_key_file_get_value (keys, group, "mode", NULL);
  guint64 value = 0;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 8, 0, 07777, &value, NULL))
    return refuse (error, "[%s] mode is missing or not an octal mode", group);
  if ((value & ~(guint64) 0777) != 0 || (value & 0002) != 0)
    return refuse (error, "[%s] mode=%04o is not one the helper records (setuid, setgid and sticky bits, "
                   "or writable by every user)", group, (guint) value);
  *mode = (guint) value;
  return TRUE;
}

static gboolean
get_command (GKeyFile    *keys,
             const char  *group,
             const char  *key,
             gboolean     required,
             GStrv       *argv,
             GError     **error)
{
  *argv = g_key_file_get_string_list (keys, group, key, NULL, NULL);
  if (*argv == NULL)
    return required ? refuse (error, "[%s] has no %s", group, key) : TRUE;
  if ((*argv)[0] == NULL)
    return refuse (error, "[%s] %s is empty", group, key);
  for (guint i = 0; (*argv)[i] != NULL; i++)
    if (!is_plain_text ((*argv)[i]))
      return refuse (error, "[%s] %s holds control characters", group, key);
  if (!pp_boot_may_run ((*argv)[0]))
    return refuse (error, "[%s] %s runs “%s”, which is not a program passthrough-prep runs (a name "
                   "without a path that a boot or initramfs backend declares)", group, key, (*argv)[0]);
  return TRUE;
}

static gboolean
read_entry (GKeyFile       *keys,
            const char     *group,
            uid_t           owner,
            PpBackupEntry  *entry,
            GError        **error)
{
  g_autoptr(GError) bool_error = NULL;

  if (!get_string (keys, group, "path", &entry->path, error))
    return FALSE;
  if (!pp_boot_may_write (entry->path))
    return refuse (error, "[%s] path “%s” is not a file passthrough-prep writes", group, entry->path);
  entry->created = g_key_file_get_boolean (keys, group, "created", &bool_error);
  if (bool_error != NULL)
    return refuse (error, "[%s] created is missing or not true or false", group);
  entry->sha256_before = g_key_file_get_string (keys, group, "sha256-before", NULL);
  entry->sha256_after = g_key_file_get_string (keys, group, "sha256-after", NULL);
  if (!is_sha256_hex (entry->sha256_after) || (!entry->created && !is_sha256_hex (entry->sha256_before)))
    return refuse (error, "[%s] has no valid sha256-after%s", group, entry->created ? "" : " or sha256-before");
  if (!get_mode (keys, group, &entry->mode, error)
      || !get_id (keys, group, "uid", &entry->uid, error)
      || !get_id (keys, group, "gid", &entry->gid, error))
    return FALSE;
  if (entry->uid != owner)
    return refuse (error, "[%s] uid=%u is not %u, the owner of every file the helper writes", group,
                   entry->uid, (guint) owner);
  return TRUE;
}

static gboolean
read_created_dirs (GKeyFile   *keys,
                   PpBackup   *backup,
                   GError    **error)
{
  g_auto(GStrv) dirs = g_key_file_get_string_list (keys, GROUP_BACKUP, "created-directories", NULL, NULL);

  for (guint i = 0; dirs != NULL && dirs[i] != NULL; i++)
    {
      g_autofree char *prefix = g_strconcat (dirs[i], "/", NULL);
      gboolean holds_a_file = FALSE;

      /* the directories a run creates are on the way to its files, whose
       * paths are canonical: so is every directory above one */
      for (guint e = 0; e < backup->entries->len && dirs[i][0] == '/'; e++)
        if (g_str_has_prefix (((PpBackupEntry *) g_ptr_array_index (backup->entries, e))->path, prefix))
          holds_a_file = TRUE;
      if (!holds_a_file || !is_plain_text (dirs[i]))
        return refuse (error, "[%s] created-directories names “%s”, which is not a directory on the way to "
                       "one of the set's files", GROUP_BACKUP, dirs[i]);
      g_ptr_array_add (backup->created_dirs, g_strdup (dirs[i]));
    }
  return TRUE;
}

static gboolean
is_known_state (const char *state)
{
  static const char * const states[] = {
    PP_BACKUP_INCOMPLETE, PP_BACKUP_APPLIED, PP_BACKUP_ROLLED_BACK, PP_BACKUP_REVERTED, NULL
  };

  return g_strv_contains (states, state);
}

static gboolean
read_manifest (GKeyFile    *keys,
               PpBackup    *backup,
               uid_t        owner,
               GError     **error)
{
  g_autofree char *version = g_key_file_get_value (keys, GROUP_BACKUP, "version", NULL);
  g_autoptr(GDateTime) created = NULL;
  guint64 files = 0;
  guint64 commands = 0;
  g_autofree char *files_text = g_key_file_get_value (keys, GROUP_BACKUP, "files", NULL);
  g_autofree char *commands_text = g_key_file_get_value (keys, GROUP_BACKUP, "commands", NULL);

  if (g_strcmp0 (version, G_STRINGIFY (MANIFEST_VERSION)) != 0)
    return refuse (error, "[%s] version is not %d", GROUP_BACKUP, MANIFEST_VERSION);
  if (!g_str_equal (backup->intent, "reserve"))
    return refuse (error, "[%s] intent=%s is not reserve", GROUP_BACKUP, backup->intent);
  if (backup->address != NULL && !pp_pci_address_is_valid (backup->address))
    return refuse (error, "[%s] address is not a PCI address", GROUP_BACKUP);
  g_free (backup->state);
  if (!get_string (keys, GROUP_BACKUP, "state", &backup->state, error)
      || !get_string (keys, GROUP_BACKUP, "created", &backup->created_at, error))
    return FALSE;
  if (!is_known_state (backup->state))
    return refuse (error, "[%s] state=%s is not incomplete, applied, rolled-back or reverted", GROUP_BACKUP,
                   backup->state);
  created = g_date_time_new_from_iso8601 (backup->created_at, NULL);
  if (created == NULL)
    return refuse (error, "[%s] created=%s is not a time", GROUP_BACKUP, backup->created_at);
  if (files_text == NULL || !g_ascii_string_to_unsigned (files_text, 10, 0, 1000, &files, NULL)
      || commands_text == NULL || !g_ascii_string_to_unsigned (commands_text, 10, 0, 1000, &commands, NULL))
    return refuse (error, "[%s] files and commands must be numbers up to 1000", GROUP_BACKUP);

  for (guint64 i = 0; i < files; i++)
    {
      g_autofree char *group = g_strdup_printf ("file %" G_GUINT64_FORMAT, i);
      PpBackupEntry *entry = g_new0 (PpBackupEntry, 1);

      g_ptr_array_add (backup->entries, entry);
      if (!read_entry (keys, group, owner, entry, error))
        return FALSE;
      for (guint64 j = 0; j < i; j++)
        if (g_str_equal (((PpBackupEntry *) g_ptr_array_index (backup->entries, j))->path, entry->path))
          return refuse (error, "[%s] path “%s” is also [file %" G_GUINT64_FORMAT "]", group, entry->path, j);
    }
  if (!read_created_dirs (keys, backup, error))
    return FALSE;

  for (guint64 i = 0; i < commands; i++)
    {
      g_autofree char *group = g_strdup_printf ("command %" G_GUINT64_FORMAT, i);
      g_auto(GStrv) argv = NULL;
      g_auto(GStrv) undo = NULL;

      if (!get_command (keys, group, "argv", TRUE, &argv, error)
          || !get_command (keys, group, "undo", FALSE, &undo, error))
        return FALSE;
      g_ptr_array_add (backup->commands, g_steal_pointer (&argv));
      g_ptr_array_add (backup->undo_commands, g_steal_pointer (&undo));
    }
  return TRUE;
}

static PpBackup *
backup_from_manifest (const char  *id,
                      const char  *data,
                      gsize        length,
                      uid_t        owner,
                      GError     **error)
{
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_autoptr(PpBackup) backup = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *intent = NULL;
  g_autofree char *address = NULL;

  if (!g_key_file_load_from_data (keys, data, length, G_KEY_FILE_NONE, &local_error))
    g_prefix_error (&local_error, "not a key file: ");
  else if (get_string (keys, GROUP_BACKUP, "intent", &intent, &local_error))
    {
      address = g_key_file_get_string (keys, GROUP_BACKUP, "address", NULL);
      backup = pp_backup_new (intent, address);
      backup->id = g_strdup (id);
      backup->host_dir = g_strdup_printf ("%s/%s", PP_BACKUP_HOST_DIR, id);
      if (read_manifest (keys, backup, owner, &local_error))
        return g_steal_pointer (&backup);
    }

  g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_BAD_BACKUP, "%s/%s/manifest: %s; nothing was changed",
               PP_BACKUP_HOST_DIR, id, local_error->message);
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
      backup = backup_from_manifest (id, state.contents, state.length, pp_safe_root_get_owner (root), error);
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
