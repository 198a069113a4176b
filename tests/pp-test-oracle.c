/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <sys/wait.h>

#include "pp-test-oracle.h"

static char *
trimmed (const char *line)
{
  g_autofree char *copy = g_strdup (line);
  char *cr;

  while ((cr = strchr (copy, '\r')) != NULL)
    memmove (cr, cr + 1, strlen (cr));
  return g_strdup (g_strstrip (copy));
}

/* Limine's config_get_value: KEY then the separator right after it, at the
 * start of a line, the value after the blanks */
static const char *
limine_value (char      **body,
              const char *key,
              char        separator)
{
  for (guint i = 0; body[i] != NULL; i++)
    if (g_ascii_strncasecmp (body[i], key, strlen (key)) == 0 && body[i][strlen (key)] == separator)
      return body[i] + strlen (key) + 1 + strspn (body[i] + strlen (key) + 1, " ");
  return NULL;
}

GPtrArray *
pp_test_limine_cmdlines (const char *text,
                         gboolean    old_syntax)
{
  GPtrArray *cmdlines = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) raw = g_strsplit (text, "\n", -1);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  char entry = old_syntax ? ':' : '/';
  char separator = old_syntax ? '=' : ':';

  for (guint i = 0; raw[i] != NULL; i++)
    g_ptr_array_add (lines, trimmed (raw[i]));
  for (guint i = 0; i < lines->len; i++)
    {
      g_autoptr(GPtrArray) body = NULL;
      const char *protocol;
      const char *cmdline;
      guint j;

      if (((char *) g_ptr_array_index (lines, i))[0] != entry)
        continue;
      body = g_ptr_array_new ();
      for (j = i + 1; j < lines->len && ((char *) g_ptr_array_index (lines, j))[0] != entry; j++)
        g_ptr_array_add (body, g_ptr_array_index (lines, j));
      g_ptr_array_add (body, NULL);
      protocol = limine_value ((char **) body->pdata, "protocol", separator);
      if (protocol == NULL || g_ascii_strcasecmp (protocol, "linux") != 0)
        continue;
      cmdline = limine_value ((char **) body->pdata, "kernel_cmdline", separator);
      if (cmdline == NULL)
        cmdline = limine_value ((char **) body->pdata, "cmdline", separator);
      g_ptr_array_add (cmdlines, g_strdup (cmdline != NULL ? cmdline : ""));
    }
  return cmdlines;
}

GPtrArray *
pp_test_refind_options (const char *text)
{
  GPtrArray *options = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) lines = g_strsplit_set (text, "\r\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
      const char *p = lines[i];

      for (;;)
        {
          GString *token;

          while (*p != '\0' && strchr (" \t=,", *p) != NULL)
            p++;
          if (*p == '\0' || *p == '#')
            break;
          token = g_string_new (NULL);
          if (*p == '"')
            {
              for (p++; *p != '\0'; p++)
                {
                  if (p[0] == '"' && p[1] == '"')
                    g_string_append_c (token, *p++);
                  else if (*p == '"')
                    {
                      p++;
                      break;
                    }
                  else
                    g_string_append_c (token, *p);
                }
            }
          else
            for (; *p != '\0' && strchr (" \t=,#\"", *p) == NULL; p++)
              g_string_append_c (token, *p);
          g_ptr_array_add (tokens, g_string_free (token, FALSE));
        }
      if (tokens->len >= 2)
        g_ptr_array_add (options, g_strdup (g_ptr_array_index (tokens, 1)));
    }
  return options;
}

GHashTable *
pp_test_shell_assoc (const char * const *paths,
                     const char         *name)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *script = g_strdup_printf ("declare -A %s; for __pp_f in \"$@\"; do . \"$__pp_f\"; done; "
                                             "for __pp_k in \"${!%s[@]}\"; do printf '%%s\\037%%s\\037' \"$__pp_k\" "
                                             "\"${%s[$__pp_k]}\"; done", name, name, name);
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_auto(GStrv) args = NULL;
  g_auto(GStrv) fields = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_strv_builder_add_many (argv, "/usr/bin/env", "-i", "bash", "-c", script, "bash", NULL);
  for (guint i = 0; paths[i] != NULL; i++)
    g_strv_builder_add (argv, paths[i]);
  args = g_strv_builder_end (argv);
  g_spawn_sync (NULL, args, NULL, 0, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  fields = g_strsplit (out, "\037", -1);
  for (guint i = 0; fields[i] != NULL && fields[i + 1] != NULL; i += 2)
    g_hash_table_replace (values, g_strdup (fields[i]), g_strdup (fields[i + 1]));
  return values;
}

char *
pp_test_yaml_scalar (const char *path,
                     const char *key,
                     gboolean   *available)
{
  const char *script =
    "import sys\n"
    "try:\n"
    "    import yaml\n"
    "except ImportError:\n"
    "    sys.exit(3)\n"
    "data = yaml.safe_load(open(sys.argv[1])) or {}\n"
    "if sys.argv[2] in data:\n"
    "    sys.stdout.write('=' + ('' if data[sys.argv[2]] is None else str(data[sys.argv[2]])))\n";
  const char *argv[] = { "/usr/bin/python3", "-c", script, path, key, NULL };
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, 0, NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);
  *available = !(WIFEXITED (status) && WEXITSTATUS (status) == 3);
  if (!*available)
    return NULL;
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out[0] == '=' ? g_strdup (out + 1) : NULL;
}

guint
pp_test_count_words (const char *line,
                     const char *word)
{
  /* the kernel splits its command line at isspace () */
  g_auto(GStrv) words = g_strsplit_set (line, " \t\n\v\f\r", -1);
  guint n = 0;

  for (guint i = 0; words[i]; i++)
    n += g_str_equal (words[i], word);
  return n;
}
