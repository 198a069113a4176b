/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-helper"

#include "config.h"

#include <string.h>

#include "pp-backup.h"
#include "pp-helper-apply.h"
#include "pp-helper-events.h"
#include "pp-helper-protocol.h"
#include "pp-helper-intents.h"

static gboolean
same_text (const PpFileState *state,
           const char        *text)
{
  if (text == NULL)
    return !state->exists;
  return state->exists && state->length == strlen (text)
         && memcmp (state->contents, text, state->length) == 0;
}

static void
set_contents (PpFileState *state,
              const char  *text,
              gsize        length)
{
  state->exists = TRUE;
  state->contents = g_strndup (text, length);
  state->length = length;
}

/* New files get the plan's mode and the owner every target must have. */
static void
set_new_file_owner (PpFileState *state,
                    guint        mode,
                    PpSafeRoot  *root)
{
  state->mode = mode != 0 ? mode : 0644;
  state->uid = pp_safe_root_get_owner (root);
  state->gid = pp_safe_root_get_group (root);
}

gboolean
pp_helper_reserve_plan (PpSafeRoot    *root,
                        gboolean       test_mode,
                        const PpPlan  *plan,
                        GError       **error)
{
  g_auto(PpApply) apply = { 0 };
  g_autoptr(PpBackup) backup = NULL;
  g_autoptr(GPtrArray) before_states = g_ptr_array_new ();
  g_autoptr(GError) manifest_error = NULL;

  if (plan->refused != NULL)
    {
      /* the reason names the address itself */
      g_set_error_literal (error, PP_HELPER_ERROR, PP_HELPER_EXIT_REFUSED, plan->refused);
      return FALSE;
    }

  for (guint i = 0; plan->warnings != NULL && i < plan->warnings->len; i++)
    pp_event_emit (PP_HELPER_EVENT_WARNING, "%s", (const char *) g_ptr_array_index (plan->warnings, i));
  for (guint i = 0; plan->manual_steps != NULL && i < plan->manual_steps->len; i++)
    pp_event_emit (PP_HELPER_EVENT_MANUAL, "%s", (const char *) g_ptr_array_index (plan->manual_steps, i));

  if (plan->files->len == 0)
    {
      pp_event_emit (PP_HELPER_EVENT_DONE, "Nothing to change: %s is already reserved", plan->gpu);
      return TRUE;
    }

  pp_apply_init (&apply, root, test_mode);
  backup = pp_backup_new ("reserve", plan->gpu);

  /* check every target before anything is written */
  for (guint i = 0; i < plan->files->len; i++)
    {
      const PpFileEdit *edit = g_ptr_array_index (plan->files, i);
      PpChange *change = pp_change_new (edit->path);

      g_ptr_array_add (apply.changes, change);
      if (!pp_safe_read (root, edit->path, &change->before, error))
        return FALSE;
      if (!same_text (&change->before, edit->old_text))
        {
          g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED,
                       "%s changed while the change was being planned; nothing was written, try again",
                       edit->path);
          return FALSE;
        }

      set_contents (&change->after, edit->new_text, strlen (edit->new_text));
      if (change->before.exists)
        {
          change->after.mode = change->before.mode;
          change->after.uid = change->before.uid;
          change->after.gid = change->before.gid;
        }
      else
        set_new_file_owner (&change->after, edit->new_mode, root);

      pp_backup_add_file (backup, edit->path, &change->before, change->after.contents,
                          change->after.length, change->after.mode, change->after.uid,
                          change->after.gid);
      g_ptr_array_add (before_states, &change->before);
    }

  for (guint i = 0; i < plan->commands->len; i++)
    {
      const char * const *argv = g_ptr_array_index (plan->commands, i);
      const char * const *undo = g_ptr_array_index (plan->undo_commands, i);

      pp_apply_add_command (&apply, g_strdupv ((GStrv) argv), g_strdupv ((GStrv) undo));
      pp_backup_add_command (backup, argv, undo);
    }
  if (!pp_apply_check_commands (&apply, error))
    return FALSE;

  apply.total = 1 + apply.changes->len + apply.commands->len;
  if (!pp_apply_begin_step (&apply, error, "Saving a backup of %u files", plan->files->len))
    {
      g_prefix_error (error, "nothing was changed: ");
      return FALSE;
    }
  if (!pp_backup_save (backup, root, before_states, error))
    return FALSE;
  pp_event_emit (PP_HELPER_EVENT_BACKUP, "%s", backup->host_dir);

  if (!pp_apply_run (&apply, error))
    {
      if (!g_error_matches (*error, PP_HELPER_ERROR, PP_HELPER_EXIT_ROLLBACK_FAILED))
        {
          g_free (backup->state);
          backup->state = g_strdup (PP_BACKUP_ROLLED_BACK);
          pp_backup_write_manifest (backup, root, NULL);
        }
      return FALSE;
    }

  g_free (backup->state);
  backup->state = g_strdup (PP_BACKUP_APPLIED);
  for (guint i = 0; i < apply.created_dirs->len; i++)
    g_ptr_array_add (backup->created_dirs, g_strdup (g_ptr_array_index (apply.created_dirs, i)));
  if (!pp_backup_write_manifest (backup, root, &manifest_error))
    pp_event_emit (PP_HELPER_EVENT_WARNING, "The change is made, but its backup could not be marked as applied: %s",
                   manifest_error->message);

  pp_event_emit (PP_HELPER_EVENT_DONE, "Reserved %s: %u files changed, %u commands ran; restart to finish",
                 plan->gpu, apply.changes->len, apply.commands->len);
  return TRUE;
}

typedef enum
{
  FILE_APPLIED,    /* as the helper wrote it */
  FILE_ORIGINAL,   /* as it was before */
  FILE_MISSING,    /* gone, and it existed before */
  FILE_CHANGED,    /* its content changed since */
  FILE_RESET,      /* its content is as written, but its mode or owner changed since */
} FileMatch;

static const char *
file_match_to_string (FileMatch match)
{
  static const char * const names[] = { "applied", "original", "missing", "changed", "changed" };

  return names[match];
}

static FileMatch
match_entry (const PpBackupEntry *entry,
             const PpFileState   *now)
{
  g_autofree char *sha = NULL;

  if (!now->exists)
    return entry->created ? FILE_ORIGINAL : FILE_MISSING;

  sha = pp_sha256_hex (now->contents, now->length);
  /* the helper writes a file with the mode and owner it had (or, new, the
   * ones recorded): another one now is a change by someone else, which
   * revert must not silently undo */
  if (g_str_equal (sha, entry->sha256_after))
    return now->mode == entry->mode && now->uid == entry->uid && now->gid == entry->gid
           ? FILE_APPLIED : FILE_RESET;
  if (!entry->created && g_str_equal (sha, entry->sha256_before))
    return FILE_ORIGINAL;
  return FILE_CHANGED;
}

gboolean
pp_helper_revert (PpSafeRoot  *root,
                  gboolean     test_mode,
                  GError     **error)
{
  g_auto(PpApply) apply = { 0 };
  g_autoptr(PpBackup) backup = NULL;
  g_autoptr(GError) manifest_error = NULL;
  GError *local_error = NULL;

  backup = pp_backup_load_latest (root, TRUE, &local_error);
  if (backup == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, local_error);
      else
        g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_NOTHING_TO_DO,
                     "Nothing to revert: no applied change is recorded in %s", PP_BACKUP_HOST_DIR);
      return FALSE;
    }

  pp_apply_init (&apply, root, test_mode);
  apply.restoring = TRUE;

  for (guint i = 0; i < backup->entries->len; i++)
    {
      const PpBackupEntry *entry = g_ptr_array_index (backup->entries, i);
      g_autoptr(PpChange) change = pp_change_new (entry->path);
      FileMatch match;

      if (!pp_safe_read (root, entry->path, &change->before, error))
        return FALSE;

      match = match_entry (entry, &change->before);
      if (match == FILE_ORIGINAL)
        continue;
      if (match == FILE_RESET)
        {
          g_autofree char *where = entry->created
            ? g_strdup ("Remove the file by hand if it is not needed, then revert again")
            : g_strdup_printf ("Put its mode and owner back, or restore it by hand from %s/files/%u",
                               backup->host_dir, i);

          g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_CHANGED_SINCE,
                       "%s has mode %04o and owner %u:%u now, not %04o and %u:%u as passthrough-prep wrote it on "
                       "%s; reverting would undo that change, so nothing was reverted. %s",
                       entry->path, change->before.mode, (guint) change->before.uid, (guint) change->before.gid,
                       entry->mode, entry->uid, entry->gid, backup->created_at, where);
          return FALSE;
        }
      if (match != FILE_APPLIED)
        {
          if (entry->created)
            g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_CHANGED_SINCE,
                         "%s changed since passthrough-prep created it on %s; reverting would lose that "
                         "change, so nothing was reverted. Remove the file by hand if it is not needed, "
                         "then revert again", entry->path, backup->created_at);
          else
            g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_CHANGED_SINCE,
                         "%s %s since passthrough-prep wrote it on %s; reverting would lose that change, "
                         "so nothing was reverted. Its original is saved as %s/files/%u",
                         entry->path, match == FILE_MISSING ? "was removed" : "changed",
                         backup->created_at, backup->host_dir, i);
          return FALSE;
        }

      if (!entry->created && !pp_backup_read_copy (backup, root, i, &change->after, error))
        return FALSE;
      g_ptr_array_add (apply.changes, g_steal_pointer (&change));
    }

  for (guint i = backup->created_dirs->len; i-- > 0;)
    g_ptr_array_add (apply.remove_dirs, g_strdup (g_ptr_array_index (backup->created_dirs, i)));
  /* a command with an undo is undone; a rebuild runs again on the restored files */
  for (guint i = 0; i < backup->commands->len; i++)
    {
      GStrv argv = g_ptr_array_index (backup->commands, i);
      GStrv undo = g_ptr_array_index (backup->undo_commands, i);

      if (undo != NULL)
        pp_apply_add_command (&apply, g_strdupv (undo), g_strdupv (argv));
      else
        pp_apply_add_command (&apply, g_strdupv (argv), NULL);
    }
  if (!pp_apply_check_commands (&apply, error))
    return FALSE;

  apply.total = apply.changes->len + apply.commands->len;
  if (!pp_apply_run (&apply, error))
    return FALSE;

  g_free (backup->state);
  backup->state = g_strdup (PP_BACKUP_REVERTED);
  if (!pp_backup_write_manifest (backup, root, &manifest_error))
    pp_event_emit (PP_HELPER_EVENT_WARNING, "The files are restored, but %s could not be marked as reverted: %s",
                   backup->host_dir, manifest_error->message);

  pp_event_emit (PP_HELPER_EVENT_DONE, "Reverted %s (%s): %u files restored, %u commands ran; restart to finish",
                 backup->id, backup->address ? backup->address : backup->intent,
                 apply.changes->len, apply.commands->len);
  return TRUE;
}

gboolean
pp_helper_status (PpSafeRoot  *root,
                  GError     **error)
{
  g_autoptr(PpBackup) backup = NULL;
  GError *local_error = NULL;
  guint counts[FILE_RESET + 1] = { 0 };

  backup = pp_backup_load_latest (root, FALSE, &local_error);
  if (backup == NULL)
    {
      if (local_error != NULL)
        {
          g_propagate_error (error, local_error);
          return FALSE;
        }
      pp_event_emit (PP_HELPER_EVENT_STATE, "none");
      pp_event_emit (PP_HELPER_EVENT_DONE, "Nothing is applied: no change is recorded in %s", PP_BACKUP_HOST_DIR);
      return TRUE;
    }

  pp_event_emit (PP_HELPER_EVENT_STATE, "%s %s %s%s%s", backup->state, backup->id, backup->intent,
                 backup->address ? " " : "", backup->address ? backup->address : "");

  for (guint i = 0; i < backup->entries->len; i++)
    {
      const PpBackupEntry *entry = g_ptr_array_index (backup->entries, i);
      g_auto(PpFileState) now = { 0 };
      FileMatch match;

      if (!pp_safe_read (root, entry->path, &now, error))
        return FALSE;
      match = match_entry (entry, &now);
      counts[match]++;
      pp_event_emit (PP_HELPER_EVENT_FILE, "%s %s", file_match_to_string (match), entry->path);
    }

  if (g_str_equal (backup->state, PP_BACKUP_APPLIED) || g_str_equal (backup->state, PP_BACKUP_INCOMPLETE))
    pp_event_emit (PP_HELPER_EVENT_DONE, "%s %s since %s: %u of %u files as written%s",
                   backup->address ? backup->address : "", g_str_equal (backup->state, PP_BACKUP_APPLIED)
                   ? "reserved" : "partly reserved (the run was cut short; revert puts it back)",
                   backup->created_at, counts[FILE_APPLIED], backup->entries->len,
                   counts[FILE_CHANGED] + counts[FILE_RESET] + counts[FILE_MISSING] > 0 ? "; some changed since" : "");
  else
    pp_event_emit (PP_HELPER_EVENT_DONE, "Nothing is applied: the last change (%s, %s) was %s",
                   backup->id, backup->address ? backup->address : backup->intent,
                   g_str_equal (backup->state, PP_BACKUP_REVERTED) ? "reverted" : "rolled back");
  return TRUE;
}
