/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-helper-run"

#include "config.h"

#include <glib/gi18n.h>

#include "pp-helper-run.h"

#define PP_DRAIN_CHUNK 65536

struct _PpHelperRun
{
  GObject           parent_instance;

  GStrv             argv;
  gboolean          through_pkexec;
  GSubprocess      *subprocess;
  GDataInputStream *lines;
  GCancellable     *cancellable;
};

G_DEFINE_FINAL_TYPE (PpHelperRun, pp_helper_run, G_TYPE_OBJECT)

enum
{
  EVENT,
  EXITED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
pp_helper_command (void)
{
  const char *command = g_getenv ("PP_HELPER_COMMAND");

  return command != NULL && *command != '\0' ? command : NULL;
}

PpHelperRun *
pp_helper_run_new (const char         *root,
                   const char * const *intent_args)
{
  PpHelperRun *self = g_object_new (PP_TYPE_HELPER_RUN, NULL);
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  const char *command = pp_helper_command ();

  self->through_pkexec = command == NULL;
  if (self->through_pkexec)
    {
      g_strv_builder_add (argv, "pkexec");
      g_strv_builder_add (argv, HELPER_PATH);
    }
  else
    {
      g_strv_builder_add (argv, command);
      g_strv_builder_add (argv, "--root");
      g_strv_builder_add (argv, root);
    }
  g_strv_builder_addv (argv, (const char **) intent_args);
  self->argv = g_strv_builder_end (argv);
  return self;
}

gboolean
pp_helper_run_is_pkexec (PpHelperRun *self)
{
  return self->through_pkexec;
}

const char *
pp_helper_run_get_program (PpHelperRun *self)
{
  return self->argv[0];
}

static void
pp_helper_run_emit_line (PpHelperRun *self,
                         const char  *raw,
                         gsize        length)
{
  g_auto(PpHelperEvent) event = { 0 };

  pp_helper_event_parse (raw, length, &event);
  g_signal_emit (self, signals[EVENT], 0, &event);
}

static void
pp_helper_run_exited (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(PpHelperRun) self = user_data;
  g_autoptr(GError) error = NULL;
  int status = -1;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error)
      && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (g_subprocess_get_if_exited (G_SUBPROCESS (source)))
    status = g_subprocess_get_exit_status (G_SUBPROCESS (source));
  g_signal_emit (self, signals[EXITED], 0, status);
}

static void
pp_helper_run_wait (PpHelperRun *self)
{
  g_subprocess_wait_async (self->subprocess, self->cancellable, pp_helper_run_exited, g_object_ref (self));
}

/* After a read error the rest is skipped unread, to the end, so that the
 * helper can always finish writing and exit */
static void
pp_helper_run_skipped (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(PpHelperRun) self = user_data;
  g_autoptr(GError) error = NULL;
  gssize skipped = g_input_stream_skip_finish (G_INPUT_STREAM (source), result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (skipped > 0)
    g_input_stream_skip_async (G_INPUT_STREAM (source), PP_DRAIN_CHUNK, G_PRIORITY_DEFAULT,
                               self->cancellable, pp_helper_run_skipped, g_object_ref (self));
  else
    pp_helper_run_wait (self);
}

static void
pp_helper_run_read_line (GObject      *source,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(PpHelperRun) self = user_data;
  g_autoptr(GError) error = NULL;
  gsize length = 0;
  g_autofree char *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result,
                                                                &length, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line != NULL)
    {
      pp_helper_run_emit_line (self, line, length);
      g_data_input_stream_read_line_async (self->lines, G_PRIORITY_DEFAULT, self->cancellable,
                                           pp_helper_run_read_line, g_object_ref (self));
      return;
    }
  if (error != NULL)
    {
      g_autofree char *message = g_strdup_printf (_("Reading the helper’s progress failed: %s"), error->message);

      pp_helper_run_emit_line (self, message, strlen (message));
      g_input_stream_skip_async (G_INPUT_STREAM (self->lines), PP_DRAIN_CHUNK, G_PRIORITY_DEFAULT,
                                 self->cancellable, pp_helper_run_skipped, g_object_ref (self));
      return;
    }
  pp_helper_run_wait (self);
}

gboolean
pp_helper_run_start (PpHelperRun  *self,
                     GError      **error)
{
  g_return_val_if_fail (self->subprocess == NULL, FALSE);

  self->subprocess = g_subprocess_newv ((const char * const *) self->argv,
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE,
                                        error);
  if (self->subprocess == NULL)
    return FALSE;
  self->lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->subprocess));
  g_data_input_stream_read_line_async (self->lines, G_PRIORITY_DEFAULT, self->cancellable,
                                       pp_helper_run_read_line, g_object_ref (self));
  return TRUE;
}

static gboolean
pp_policy_names_helper (const char *policy_dir)
{
  g_autofree char *policy = g_strdup_printf ("%s/%s.policy", policy_dir, APP_ID);
  g_autofree char *text = NULL;
  g_autofree char *annotation = g_strdup_printf (">%s<", HELPER_PATH);

  return g_file_get_contents (policy, &text, NULL, NULL) && strstr (text, annotation) != NULL;
}

char *
pp_helper_run_why_not (const char *root,
                       const char *policy_dir)
{
  /* tests run the helper's test build on their fixture host */
  if (pp_helper_command () != NULL)
    return NULL;
  if (g_strcmp0 (root, "/") != 0)
    return g_strdup_printf (_("This is the host read from %s, not this computer: PassthroughPrep shows what "
                              "reserving a GPU would change there, but applies nothing to it."), root);
  if (!g_file_test (HELPER_PATH, G_FILE_TEST_IS_EXECUTABLE) || !pp_policy_names_helper (policy_dir))
    return g_strdup_printf (_("This copy of PassthroughPrep is not installed where polkit looks for its "
                              "helper (%s), so it can show plans but apply nothing. Install it from its "
                              "package (see “Install” in its README) and start it from the applications "
                              "menu."), HELPER_PATH);
  return NULL;
}

static void
pp_helper_run_dispose (GObject *object)
{
  PpHelperRun *self = PP_HELPER_RUN (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (pp_helper_run_parent_class)->dispose (object);
}

static void
pp_helper_run_finalize (GObject *object)
{
  PpHelperRun *self = PP_HELPER_RUN (object);

  g_clear_object (&self->lines);
  g_clear_object (&self->subprocess);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->argv, g_strfreev);

  G_OBJECT_CLASS (pp_helper_run_parent_class)->finalize (object);
}

static void
pp_helper_run_class_init (PpHelperRunClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pp_helper_run_dispose;
  object_class->finalize = pp_helper_run_finalize;

  signals[EVENT] = g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                 NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  signals[EXITED] = g_signal_new ("exited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
}

static void
pp_helper_run_init (PpHelperRun *self)
{
  self->cancellable = g_cancellable_new ();
}
