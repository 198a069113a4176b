/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "pp-edit.h"
#include "pp-test-shell.h"

char *
pp_test_write_file (const char *dir,
                    const char *name,
                    const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *parent = g_path_get_dirname (path);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0755), ==, 0);
  if (text != NULL)
    {
      g_file_set_contents (path, text, -1, &error);
      g_assert_no_error (error);
    }
  return g_steal_pointer (&path);
}

static char *
run_shell (const char         *shell,
           const char * const *paths,
           const char         *script)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("pp-oracle-XXXXXX", &error);
  const char *envp[] = { "PATH=/usr/bin:/bin", "LC_ALL=C", NULL };
  int status = 0;

  g_assert_no_error (error);
  g_ptr_array_add (argv, (char *) shell);
  g_ptr_array_add (argv, (char *) "-c");
  g_ptr_array_add (argv, (char *) script);
  g_ptr_array_add (argv, (char *) "oracle");
  for (guint i = 0; paths && paths[i]; i++)
    g_ptr_array_add (argv, (char *) paths[i]);
  g_ptr_array_add (argv, NULL);

  /* config files run commands in backquotes; keep their noise and any files away */
  g_spawn_sync (tmp, (char **) argv->pdata, (char **) envp, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_rmdir (tmp);
  return g_steal_pointer (&out);
}

static const char bash_dump[] =
  "for __pp_f in \"$@\"; do . \"$__pp_f\"; done; unset __pp_f; "
  "for __pp_v in $(compgen -v); do [ \"$__pp_v\" = __pp_v ] && continue; declare -p \"$__pp_v\" 2>/dev/null; printf '\\0'; done";
static const char bash_baseline[] =
  "for __pp_v in $(compgen -v); do printf '%s\\0' \"$__pp_v\"; done";
static const char sh_dump[] =
  "for __pp_f in \"$@\"; do set -a; . \"$__pp_f\"; set +a; done; unset __pp_f; exec env -0";

static gboolean
is_own_variable (const char *shell,
                 const char *name)
{
  static GHashTable *bash_own = NULL;
  const char *sh_own[] = { "PATH", "PWD", "OLDPWD", "SHLVL", "_", "LC_ALL", NULL };

  if (g_str_equal (shell, "sh"))
    return g_strv_contains (sh_own, name);
  if (bash_own == NULL)
    {
      g_autofree char *out = run_shell ("bash", NULL, bash_baseline);
      const char *p = out;

      bash_own = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      while (p && *p)
        {
          g_hash_table_add (bash_own, g_strdup (p));
          p += strlen (p) + 1;
        }
      g_hash_table_add (bash_own, g_strdup ("_"));
    }
  return g_hash_table_contains (bash_own, name);
}

GHashTable *
pp_test_shell_variables (const char         *shell,
                         const char * const *paths)
{
  gboolean bash = g_str_equal (shell, "bash");
  g_autofree char *out = run_shell (shell, paths, bash ? bash_dump : sh_dump);
  GHashTable *vars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *p = out;

  while (p && *p)
    {
      const char *item = p;
      g_autofree char *name = NULL;

      p += strlen (p) + 1;
      if (bash)
        {
          /* declare -a NAME=(...) / declare -- NAME="..." / declare -- NAME */
          const char *start = strchr (item, ' ');

          start = start ? strchr (start + 1, ' ') : NULL;
          if (start == NULL)
            continue;
          start++;
          name = g_strndup (start, strcspn (start, "=\n"));
        }
      else
        name = g_strndup (item, strcspn (item, "="));
      if (is_own_variable (shell, name))
        continue;
      g_hash_table_replace (vars, g_steal_pointer (&name), g_strdup (item));
    }
  return vars;
}

GStrv
pp_test_shell_value (const char         *shell,
                     const char * const *paths,
                     const char         *name)
{
  g_autofree char *script = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  const char *p;
  gsize len;

  g_assert_true (g_regex_match_simple ("^[A-Za-z_][A-Za-z0-9_]*$", name, 0, 0));
  if (g_str_equal (shell, "bash"))
    script = g_strdup_printf ("for __pp_f in \"$@\"; do . \"$__pp_f\"; done; "
                              "[ -n \"${%s+set}\" ] || [ \"$(declare -p %s 2>/dev/null)\" ] || exit 0; "
                              "for __pp_e in \"${%s[@]}\"; do printf '%%s\\037' \"$__pp_e\"; done",
                              name, name, name);
  else
    script = g_strdup_printf ("for __pp_f in \"$@\"; do . \"$__pp_f\"; done; "
                              "[ -n \"${%s+set}\" ] && printf '%%s\\037' \"$%s\"", name, name);
  out = run_shell (shell, paths, script);
  p = out;
  len = strlen (out);
  while (len > 0)
    {
      const char *end = memchr (p, '\037', len);
      g_autofree char *item = NULL;

      g_assert_nonnull (end);
      item = g_strndup (p, end - p);

      g_strv_builder_add (builder, item);
      len -= end - p + 1;
      p = end + 1;
    }
  return g_strv_builder_end (builder);
}

void
pp_test_assert_same_except (GHashTable *before,
                            GHashTable *after,
                            const char *except)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (g_str_equal (key, except))
        continue;
      g_assert_cmpstr (g_hash_table_lookup (after, key), ==, value);
    }
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (g_str_equal (key, except))
        continue;
      g_assert_true (g_hash_table_contains (before, key));
    }
}

GPtrArray *
pp_test_write_text_files (const char *dir,
                          GPtrArray  *files)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < files->len; i++)
    {
      PpTextFile *file = g_ptr_array_index (files, i);

      if (file->text != NULL)
        g_ptr_array_add (paths, pp_test_write_file (dir, file->path + 1, file->text));
    }
  g_ptr_array_add (paths, NULL);
  return paths;
}


gboolean
pp_test_expect_error (const GError  *error,
                      gconstpointer  result,
                      const char    *want_error)
{
  if (want_error == NULL)
    {
      g_assert_no_error (error);
      g_assert_nonnull (result);
      return FALSE;
    }
  g_assert_null (result);
  g_assert_nonnull (error);
  if (!g_str_has_prefix (error->message, want_error))
    g_error ("message “%s” does not start with “%s”", error->message, want_error);
  return TRUE;
}

gboolean
pp_test_warnings_mention (GPtrArray  *warnings,
                          const char *needle)
{
  for (guint i = 0; i < warnings->len; i++)
    if (strstr (g_ptr_array_index (warnings, i), needle) != NULL)
      return TRUE;
  return FALSE;
}

void
pp_test_assert_no_change (PpEditResult *again,
                          const GError *error)
{
  g_assert_no_error (error);
  for (guint i = 0; i < again->texts->len; i++)
    g_assert_null (g_ptr_array_index (again->texts, i));
}

