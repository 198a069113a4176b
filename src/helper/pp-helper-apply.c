/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-helper"

#include "config.h"

#include <string.h>

#include "pp-helper-apply.h"
#include "pp-helper-events.h"
#include "pp-helper-guard.h"
#include "pp-helper-protocol.h"
#include "pp-runner.h"

PpChange *
pp_change_new (const char *path)
{
  PpChange *change = g_new0 (PpChange, 1);

  change->path = g_strdup (path);
  return change;
}

void
pp_change_free (PpChange *change)
{
  g_free (change->path);
  pp_file_state_clear (&change->before);
  pp_file_state_clear (&change->after);
  g_free (change);
}

void
pp_apply_init (PpApply    *apply,
               PpSafeRoot *root,
               gboolean    test_mode)
{
  memset (apply, 0, sizeof *apply);
  apply->root = root;
  apply->test_mode = test_mode;
  apply->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_change_free);
  apply->remove_dirs = g_ptr_array_new_with_free_func (g_free);
  apply->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  apply->undo_commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  apply->created_dirs = g_ptr_array_new_with_free_func (g_free);
}

void
pp_apply_clear (PpApply *apply)
{
  g_clear_pointer (&apply->changes, g_ptr_array_unref);
  g_clear_pointer (&apply->remove_dirs, g_ptr_array_unref);
  g_clear_pointer (&apply->commands, g_ptr_array_unref);
  g_clear_pointer (&apply->undo_commands, g_ptr_array_unref);
  g_clear_pointer (&apply->created_dirs, g_ptr_array_unref);
}

void
pp_apply_add_command (PpApply *apply,
                      GStrv    argv,
                      GStrv    undo)
{
  g_ptr_array_add (apply->commands, argv);
  g_ptr_array_add (apply->undo_commands, undo);
}

gboolean
pp_apply_check_commands (PpApply  *apply,
                         GError  **error)
{
  for (guint i = 0; i < apply->commands->len; i++)
    {
      const char * const *argv = g_ptr_array_index (apply->commands, i);
      const char * const *undo = g_ptr_array_index (apply->undo_commands, i);
      g_autofree char *program = pp_runner_resolve (apply->root, argv[0], error);
      g_autofree char *undo_program = NULL;

      if (program == NULL)
        return FALSE;
      if (undo != NULL && (undo_program = pp_runner_resolve (apply->root, undo[0], error)) == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
put_file (PpApply           *apply,
          const char        *path,
          const PpFileState *state,
          GPtrArray         *created_dirs,
          GError           **error)
{
  if (!state->exists)
    return pp_safe_remove (apply->root, path, error);
  return pp_safe_write (apply->root, path, state->contents, state->length,
                        state->mode, state->uid, state->gid, created_dirs, error);
}

/* Undoes changes [0, n_written) and reruns commands [0, n_ran): every one
 * that started, the one that failed included, since it may have written
 * part of its output (an initramfs image of several). Returns
 * FALSE, with what could not be undone in @problems, when any part failed. */
static gboolean
roll_back (PpApply  *apply,
           guint     n_written,
           guint     n_ran,
           GString  *problems)
{
  PpFaults *faults = pp_safe_root_get_faults (apply->root);
  gboolean ok = TRUE;

  pp_safe_root_set_faults (apply->root, NULL);

  for (guint i = n_written; i-- > 0;)
    {
      PpChange *change = g_ptr_array_index (apply->changes, i);
      g_autoptr(GError) error = NULL;

      if (put_file (apply, change->path, &change->before, NULL, &error))
        pp_event_emit (PP_HELPER_EVENT_ROLLBACK, "%s %s", change->before.exists ? "Restored" : "Removed", change->path);
      else
        {
          pp_event_emit (PP_HELPER_EVENT_ROLLBACK, "Could not restore %s: %s", change->path, error->message);
          g_string_append_printf (problems, "; restoring %s failed: %s", change->path, error->message);
          ok = FALSE;
        }
    }

  for (guint i = apply->created_dirs->len; i-- > 0;)
    pp_safe_remove_empty_dir (apply->root, g_ptr_array_index (apply->created_dirs, i), NULL);

  for (guint i = 0; i < n_ran; i++)
    {
      const char * const *undo = g_ptr_array_index (apply->undo_commands, i);
      const char * const *argv = undo != NULL ? undo : g_ptr_array_index (apply->commands, i);
      g_autofree char *described = pp_runner_describe (argv);
      g_autoptr(GError) error = NULL;
      gboolean started = FALSE;

      pp_event_emit (PP_HELPER_EVENT_ROLLBACK, undo != NULL ? "Running %s" : "Running %s again", described);
      if (!pp_runner_run (apply->root, apply->test_mode, argv, &started, &error))
        {
          g_string_append_printf (problems, "; running %s%s failed (%s): run it by hand before restarting",
                                  described, undo != NULL ? "" : " again", error->message);
          ok = FALSE;
        }
    }

  pp_safe_root_set_faults (apply->root, faults);
  return ok;
}

static gboolean
fail_and_roll_back (PpApply  *apply,
                    guint     n_written,
                    guint     n_ran,
                    GError   *cause,
                    GError  **error)
{
  g_autoptr(GString) problems = g_string_new ("");
  int code = cause->domain == PP_HELPER_ERROR ? cause->code : PP_HELPER_EXIT_FAILED;

  if (n_written == 0 && n_ran == 0 && apply->created_dirs->len == 0)
    {
      g_propagate_error (error, cause);
      return FALSE;
    }

  if (roll_back (apply, n_written, n_ran, problems))
    g_set_error (error, PP_HELPER_ERROR, code, "%s; every file was put back as it was", cause->message);
  else
    g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_ROLLBACK_FAILED, "%s%s", cause->message, problems->str);

  g_error_free (cause);
  return FALSE;
}

gboolean
pp_apply_begin_step (PpApply     *apply,
                     GError     **error,
                     const char  *format,
                     ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  pp_event_step (++apply->step, apply->total, "%s", text);
  pp_faults_step (pp_safe_root_get_faults (apply->root));
  if (pp_guard_stop_requested ())
    {
      g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED,
                   "stopped by SIGTERM before step %u of %u (%s)", apply->step, apply->total, text);
      return FALSE;
    }
  return TRUE;
}

gboolean
pp_apply_run (PpApply  *apply,
              GError  **error)
{
  GError *cause = NULL;

  for (guint i = 0; i < apply->changes->len; i++)
    {
      PpChange *change = g_ptr_array_index (apply->changes, i);
      const char *verb = !change->after.exists ? "Removing"
                         : apply->restoring ? "Restoring"
                         : change->before.exists ? "Writing" : "Creating";

      if (!pp_apply_begin_step (apply, &cause, "%s %s", verb, change->path))
        return fail_and_roll_back (apply, i, 0, cause, error);
      if (!put_file (apply, change->path, &change->after, apply->created_dirs, &cause))
        {
          /* a failed write may have got as far as the rename: put this one
           * back too, unless it was refused before anything was written */
          gboolean untouched = g_error_matches (cause, PP_HELPER_ERROR, PP_HELPER_EXIT_UNSAFE_TARGET);

          return fail_and_roll_back (apply, untouched ? i : i + 1, 0, cause, error);
        }
    }

  for (guint i = 0; i < apply->remove_dirs->len; i++)
    pp_safe_remove_empty_dir (apply->root, g_ptr_array_index (apply->remove_dirs, i), NULL);

  for (guint i = 0; i < apply->commands->len; i++)
    {
      const char * const *argv = g_ptr_array_index (apply->commands, i);
      g_autofree char *described = pp_runner_describe (argv);
      gboolean started = FALSE;

      if (!pp_apply_begin_step (apply, &cause, "Running %s", described))
        return fail_and_roll_back (apply, apply->changes->len, i, cause, error);
      if (!pp_runner_run (apply->root, apply->test_mode, argv, &started, &cause))
        return fail_and_roll_back (apply, apply->changes->len, started ? i + 1 : i, cause, error);
    }

  return TRUE;
}
