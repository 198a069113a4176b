/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-helper"

#include "config.h"

#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>

#include "pp-helper-events.h"
#include "pp-helper-guard.h"
#include "pp-helper-protocol.h"
#include "pp-runner.h"

char *
pp_runner_describe (const char * const *argv)
{
  return g_strjoinv (" ", (GStrv) argv);
}

static gboolean
is_executable_file (const char *path)
{
  struct stat st;

  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

char *
pp_runner_resolve (PpSafeRoot  *root,
                   const char  *program,
                   GError     **error)
{
  g_auto(GStrv) dirs = g_strsplit (PP_RUNNER_PATH, ":", -1);

  if (program == NULL || program[0] == '\0'
      || (program[0] != '/' && strchr (program, '/') != NULL))
    {
      g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED,
                   "\"%s\" is neither a program name nor an absolute path", program ? program : "");
      return NULL;
    }

  if (program[0] == '/')
    {
      g_autofree char *path = pp_safe_root_disk_path (root, program);

      if (is_executable_file (path))
        return g_steal_pointer (&path);
    }
  else
    for (guint i = 0; dirs[i] != NULL; i++)
      {
        g_autofree char *host_path = g_build_filename (dirs[i], program, NULL);
        g_autofree char *path = pp_safe_root_disk_path (root, host_path);

        if (is_executable_file (path))
          return g_steal_pointer (&path);
      }

  g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED,
               "%s is not installed: no executable %s in %s",
               program, program, PP_RUNNER_PATH);
  return NULL;
}

static GStrv
clean_environment (PpSafeRoot *root,
                   gboolean    test_mode)
{
  g_autoptr(GStrvBuilder) env = g_strv_builder_new ();

  if (test_mode)
    {
      g_auto(GStrv) dirs = g_strsplit (PP_RUNNER_PATH, ":", -1);
      g_autoptr(GString) path = g_string_new ("PATH=");
      g_autofree char *test_root = g_strdup_printf ("PP_TEST_ROOT=%s", pp_safe_root_get_path (root));

      for (guint i = 0; dirs[i] != NULL; i++)
        {
          g_autofree char *dir = pp_safe_root_disk_path (root, dirs[i]);

          g_string_append_printf (path, "%s:", dir);
        }
      g_string_append (path, PP_RUNNER_PATH);
      g_strv_builder_add (env, path->str);
      g_strv_builder_add (env, test_root);
    }
  else
    g_strv_builder_add (env, "PATH=" PP_RUNNER_PATH);

  g_strv_builder_add (env, "LANG=C");
  return g_strv_builder_end (env);
}

gboolean
pp_runner_run (PpSafeRoot          *root,
               gboolean             test_mode,
               const char * const  *argv,
               gboolean            *started,
               GError             **error)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  g_autoptr(GError) read_error = NULL;
  g_autofree char *program = NULL;
  g_autofree char *tool = NULL;
  g_autofree char *described = pp_runner_describe (argv);
  g_auto(GStrv) env = clean_environment (root, test_mode);
  g_autoptr(GPtrArray) spawn_argv = g_ptr_array_new ();
  int status;

  *started = FALSE;
  program = pp_runner_resolve (root, argv[0], error);
  if (program == NULL)
    return FALSE;
  tool = g_path_get_basename (argv[0]);

  if (!pp_faults_check (pp_safe_root_get_faults (root), PP_FAULT_COMMAND, error))
    return FALSE;

  g_ptr_array_add (spawn_argv, program);
  for (guint i = 1; argv[i] != NULL; i++)
    g_ptr_array_add (spawn_argv, (char *) argv[i]);
  g_ptr_array_add (spawn_argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_environ (launcher, env);
  g_subprocess_launcher_set_cwd (launcher, pp_safe_root_get_path (root));
  process = pp_guard_spawn (launcher, (const char * const *) spawn_argv->pdata, error);
  if (process == NULL)
    {
      g_prefix_error (error, "%s: ", described);
      if (error != NULL && *error != NULL && (*error)->domain != PP_HELPER_ERROR)
        {
          (*error)->domain = PP_HELPER_ERROR;
          (*error)->code = PP_HELPER_EXIT_FAILED;
        }
      return FALSE;
    }
  *started = TRUE;

  lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process));
  for (;;)
    {
      gsize length = 0;
      g_autofree char *line = g_data_input_stream_read_line (lines, &length, NULL, &read_error);

      if (line == NULL)
        break;
      if (length > 0 && line[length - 1] == '\r')
        line[--length] = '\0';
      pp_event_log (tool, line);
    }
  if (read_error != NULL)
    pp_event_log (tool, read_error->message);

  if (!g_subprocess_wait (process, NULL, error))
    return FALSE;

  status = g_subprocess_get_status (process);
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return pp_faults_check (pp_safe_root_get_faults (root), PP_FAULT_COMMAND_AFTER, error);

  if (WIFEXITED (status))
    g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED,
                 "%s exited with status %d", described, WEXITSTATUS (status));
  else
    g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED,
                 "%s was killed by signal %d", described, WTERMSIG (status));
  return FALSE;
}
