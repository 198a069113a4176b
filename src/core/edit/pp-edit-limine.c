/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pp-edit-limine.h"

/* Limine keeps at most this much of a value (CONFIG.md, v12) */
#define LIMINE_VALUE_MAX 4095

typedef struct
{
  gsize start;      /* first byte of the line */
  gsize content;    /* after the leading blanks */
  gsize end;        /* before the trailing blanks, '\r' and newline */
  gsize eol;        /* the line ending: "\n", "\r\n" or "" at the end */
  gsize next;       /* start of the next line */
} Line;

static GArray *
split_lines (const char *text)
{
  GArray *lines = g_array_new (FALSE, TRUE, sizeof (Line));
  gsize len = strlen (text);
  gsize pos = 0;

  while (pos < len)
    {
      const char *nl = memchr (text + pos, '\n', len - pos);
      Line line;

      line.start = pos;
      line.next = nl != NULL ? (gsize) (nl - text) + 1 : len;
      line.eol = nl != NULL ? (gsize) (nl - text) : len;
      if (line.eol > pos && text[line.eol - 1] == '\r')
        line.eol--;
      line.content = pos;
      while (line.content < line.eol && (text[line.content] == ' ' || text[line.content] == '\t'))
        line.content++;
      line.end = line.eol;
      while (line.end > line.content && (text[line.end - 1] == ' ' || text[line.end - 1] == '\t'))
        line.end--;
      g_array_append_val (lines, line);
      pos = line.next;
    }
  return lines;
}

/* ------------------------------------------------------------------ limine.conf */

typedef struct
{
  gboolean    old_syntax;   /* limine.cfg: ":Title", "KEY=VALUE" */
  const char *text;
} Conf;

static gboolean
is_entry (const Conf *conf,
          const Line *line)
{
  return line->content < line->end && conf->text[line->content] == (conf->old_syntax ? ':' : '/');
}

/* The value's start when @line sets @key, else 0 */
static gsize
option_value (const Conf *conf,
              const Line *line,
              const char *key)
{
  gsize key_len = strlen (key);
  gsize at = line->content + key_len;

  if (line->end - line->content <= key_len || g_ascii_strncasecmp (conf->text + line->content, key, key_len) != 0
      || conf->text[at] != (conf->old_syntax ? '=' : ':'))
    return 0;
  at++;
  while (at < line->end && conf->text[at] == ' ')
    at++;
  return at;
}

static void
add_line_tokens (const char *text,
                 gsize       from,
                 gsize       to,
                 GPtrArray  *tokens)
{
  guint first = tokens->len;

  pp_kernel_params_tokenize (text + from, from, to - from, 0, tokens);
  for (guint t = first; t < tokens->len; t++)
    {
      PpParamToken *token = g_ptr_array_index (tokens, t);

      /* a macro's value is only known when Limine reads the file */
      token->opaque = strstr (token->text, "${") != NULL;
    }
}

/* Edits the entry whose body is lines [first, last) */
static gboolean
edit_entry (const Conf                 *conf,
            const char                 *path,
            GArray                     *lines,
            guint                       first,
            guint                       last,
            const PpKernelParamsIntent *intent,
            PpSplices                  *splices,
            GPtrArray                  *warnings,
            GError                    **error)
{
  const char *text = conf->text;
  int protocol = -1;
  int cmdline = -1;
  gsize value = 0;
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_param_token_free);
  g_autoptr(GPtrArray) append = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) decisions = NULL;
  g_autofree char *args = NULL;
  const char * const *keys;
  PpParamToken *opaque;
  static const char * const new_keys[] = { "kernel_cmdline", "cmdline", NULL };
  static const char * const old_keys[] = { "KERNEL_CMDLINE", "CMDLINE", NULL };
  gsize length;

  for (guint i = first; i < last && protocol < 0; i++)
    {
      const Line *line = &g_array_index (lines, Line, i);
      gsize at = option_value (conf, line, "protocol");

      if (at != 0)
        {
          g_autofree char *name = g_strndup (text + at, line->end - at);

          if (g_ascii_strcasecmp (name, "linux") != 0)
            return TRUE;
          protocol = i;
        }
    }
  if (protocol < 0)
    return TRUE;

  keys = conf->old_syntax ? old_keys : new_keys;
  for (guint k = 0; keys[k] != NULL && cmdline < 0; k++)
    for (guint i = first; i < last; i++)
      if ((value = option_value (conf, &g_array_index (lines, Line, i), keys[k])) != 0)
        {
          cmdline = i;
          break;
        }

  if (cmdline >= 0)
    add_line_tokens (text, value, g_array_index (lines, Line, cmdline).end, tokens);
  if ((opaque = pp_kernel_params_first_opaque (tokens)) != NULL)
    g_ptr_array_add (warnings,
                     g_strdup_printf (_("%s:%u: the command line uses the macro “%s”, whose value is only known "
                                        "when Limine reads the file: make sure it sets no iommu or vfio-pci "
                                        "parameter of its own."),
                                      path, cmdline + 1, opaque->text));
  decisions = pp_kernel_params_plan (intent, tokens, append);
  if (!pp_kernel_params_splice (tokens, decisions, &splices, &path, error))
    return FALSE;
  if (append->len == 0)
    return TRUE;
  g_ptr_array_add (append, NULL);
  args = g_strjoinv (" ", (char **) append->pdata);

  if (cmdline >= 0)
    {
      const Line *line = &g_array_index (lines, Line, cmdline);
      /* "cmdline:" takes its value after the blanks; "CMDLINE=" right away */
      g_autofree char *piece = g_strconcat (line->end > value || !conf->old_syntax ? " " : "", args, NULL);

      length = line->end - value;
      for (guint t = 0; t < tokens->len; t++)
        {
          const char *decision = g_ptr_array_index (decisions, t);
          PpParamToken *token = g_ptr_array_index (tokens, t);

          if (decision != NULL)
            length = length - (token->end - token->start) + strlen (decision);
        }
      if (length + strlen (piece) > LIMINE_VALUE_MAX)
        {
          g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                       _("%s:%u: the command line would be longer than the %d characters Limine reads"),
                       path, cmdline + 1, LIMINE_VALUE_MAX);
          return FALSE;
        }
      pp_splices_add (splices, line->end, line->end, piece);
    }
  else
    {
      const Line *line = &g_array_index (lines, Line, protocol);
      g_autofree char *indent = g_strndup (text + line->start, line->content - line->start);
      g_autofree char *ending = g_strndup (text + line->eol, line->next - line->eol);
      g_autofree char *new_line = NULL;

      if (ending[0] == '\0')
        {
          g_free (ending);
          ending = g_strdup ("\n");
          new_line = g_strdup_printf ("\n%s%s%s", indent, conf->old_syntax ? "CMDLINE=" : "cmdline: ", args);
          pp_splices_add (splices, line->next, line->next, new_line);
        }
      else
        {
          new_line = g_strdup_printf ("%s%s%s%s", indent, conf->old_syntax ? "CMDLINE=" : "cmdline: ", args, ending);
          pp_splices_add (splices, line->next, line->next, new_line);
        }
    }
  return TRUE;
}

char *
pp_limine_edit_conf (const char                 *path,
                     const char                 *text,
                     const PpKernelParamsIntent *intent,
                     GPtrArray                  *warnings,
                     GError                    **error)
{
  g_autoptr(GArray) lines = split_lines (text);
  g_autoptr(PpSplices) splices = pp_splices_new ();
  Conf conf = { g_str_has_suffix (path, ".cfg"), text };
  int entry = -1;

  for (guint i = 0; i <= lines->len; i++)
    {
      if (i < lines->len && !is_entry (&conf, &g_array_index (lines, Line, i)))
        continue;
      if (entry >= 0 && !edit_entry (&conf, path, lines, entry + 1, i, intent, splices, warnings, error))
        return NULL;
      entry = i;
    }
  return pp_splices_apply_changed (splices, path, text, error);
}

/* ------------------------------------------------------------------ /etc/default/limine */

typedef struct
{
  guint     file;
  guint     line;        /* 1-based */
  char     *key;         /* "default", "linux-cachyos", "" for no index */
  gboolean  append;      /* += */
  gsize     value_start; /* inside the quotes */
  gsize     value_end;
  char      quote;       /* '"', '\'' or 0 for a bare value */
} Setting;

static void
setting_clear (gpointer data)
{
  g_free (((Setting *) data)->key);
}

#define LIMINE_VAR "KERNEL_CMDLINE"

static gboolean
mentions_variable (const char *text,
                   const Line *line)
{
  g_autofree char *content = g_strndup (text + line->content, line->end - line->content);

  return strstr (content, LIMINE_VAR) != NULL;
}

static gboolean
shape_error (const char  *path,
             guint        line,
             GError     **error)
{
  g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
               _("%s:%u: KERNEL_CMDLINE is set in a way PassthroughPrep does not read (it reads "
                 "KERNEL_CMDLINE[KEY]=\"...\" and +=\"...\"); edit it by hand"), path, line);
  return FALSE;
}

/* One line: a setting, nothing of ours, or an error */
static gboolean
parse_setting (const char  *path,
               const char  *text,
               const Line  *line,
               guint        file,
               guint        number,
               GArray      *settings,
               GError     **error)
{
  gsize p = line->content;
  gsize end = line->end;
  Setting setting = { file, number, NULL, FALSE, 0, 0, 0 };

  if (p >= end || text[p] == '#' || !mentions_variable (text, line))
    return TRUE;
  if (strncmp (text + p, LIMINE_VAR, strlen (LIMINE_VAR)) != 0)
    return shape_error (path, number, error);
  p += strlen (LIMINE_VAR);
  if (text[p] == '[')
    {
      gsize key_start;
      char key_quote = 0;

      p++;
      if (text[p] == '"' || text[p] == '\'')
        key_quote = text[p++];
      key_start = p;
      while (p < end && (key_quote ? text[p] != key_quote : (g_ascii_isalnum (text[p]) || strchr ("_.-", text[p]))))
        p++;
      if (p >= end || (key_quote && text[p++] != key_quote) || text[p] != ']' || p == key_start)
        return shape_error (path, number, error);
      setting.key = g_strndup (text + key_start, p - key_start - (key_quote ? 1 : 0));
      p++;
    }
  else
    setting.key = g_strdup ("");
  if (text[p] == '+')
    {
      setting.append = TRUE;
      p++;
    }
  if (text[p] != '=')
    {
      g_free (setting.key);
      return shape_error (path, number, error);
    }
  p++;
  if (text[p] == '"' || text[p] == '\'')
    {
      const char *close;

      setting.quote = text[p++];
      setting.value_start = p;
      close = memchr (text + p, setting.quote, end - p);
      if (close == NULL)
        {
          g_free (setting.key);
          return shape_error (path, number, error);
        }
      setting.value_end = close - text;
      p = setting.value_end + 1;
      /* escapes and expansions in double quotes mean evaluating the file */
      if (setting.quote == '"' && strcspn (text + setting.value_start, "\\$`") < setting.value_end - setting.value_start)
        {
          g_free (setting.key);
          return shape_error (path, number, error);
        }
    }
  else
    {
      setting.value_start = p;
      while (p < end && !g_ascii_isspace (text[p]) && !strchr ("\"'\\$`;&|()<>", text[p]))
        p++;
      setting.value_end = p;
    }
  while (p < end && (text[p] == ' ' || text[p] == '\t'))
    p++;
  if (p < end && text[p] != '#')
    {
      g_free (setting.key);
      return shape_error (path, number, error);
    }
  g_array_append_val (settings, setting);
  return TRUE;
}

PpEditResult *
pp_limine_defaults_edit (GPtrArray                  *files,
                         const PpKernelParamsIntent *intent,
                         gboolean                   *found,
                         GError                    **error)
{
  g_autoptr(PpEditResult) result = pp_edit_result_new (files->len);
  g_autoptr(GArray) settings = g_array_new (FALSE, TRUE, sizeof (Setting));
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autofree const char **paths = NULL;
  g_autofree PpSplices **splices = NULL;
  gboolean ok = TRUE;

  g_array_set_clear_func (settings, setting_clear);
  *found = FALSE;
  splices = pp_edit_splices_new (files, &paths);
  for (guint f = 0; f < files->len; f++)
    {
      PpTextFile *file = g_ptr_array_index (files, f);
      g_autoptr(GArray) lines = NULL;

      if (file->text == NULL)
        continue;
      lines = split_lines (file->text);
      for (guint i = 0; i < lines->len; i++)
        {
          const Line *line = &g_array_index (lines, Line, i);

          if (line->end > line->content && file->text[line->end - 1] == '\\' && mentions_variable (file->text, line))
            ok = shape_error (file->path, i + 1, error);
          else
            ok = parse_setting (file->path, file->text, line, f, i + 1, settings, error);
          if (!ok)
            break;
        }
      if (!ok)
        break;
    }

  for (guint s = 0; ok && s < settings->len; s++)
    {
      Setting *setting = &g_array_index (settings, Setting, s);

      *found = TRUE;
      if (!g_ptr_array_find_with_equal_func (keys, setting->key, g_str_equal, NULL))
        g_ptr_array_add (keys, setting->key);
    }

  for (guint k = 0; ok && k < keys->len; k++)
    {
      const char *key = g_ptr_array_index (keys, k);
      g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_param_token_free);
      g_autoptr(GPtrArray) append = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) decisions = NULL;
      PpParamToken *opaque;
      guint first = 0;
      Setting *last = NULL;

      /* the last plain assignment starts the value */
      for (guint s = 0; s < settings->len; s++)
        {
          Setting *setting = &g_array_index (settings, Setting, s);

          if (g_str_equal (setting->key, key) && !setting->append)
            first = s;
        }
      for (guint s = first; s < settings->len; s++)
        {
          Setting *setting = &g_array_index (settings, Setting, s);
          PpTextFile *file;
          guint before = tokens->len;
          gboolean glued;

          if (!g_str_equal (setting->key, key))
            continue;
          file = g_ptr_array_index (files, setting->file);
          glued = setting->append && setting->value_end > setting->value_start
                  && !pp_kernel_params_is_blank (file->text[setting->value_start]) && tokens->len > 0;
          pp_kernel_params_tokenize (file->text + setting->value_start, setting->value_start,
                                     setting->value_end - setting->value_start, setting->file, tokens);
          /* "+=x" glues x to the value before it */
          if (glued && tokens->len > before)
            {
              ((PpParamToken *) g_ptr_array_index (tokens, before - 1))->opaque = TRUE;
              ((PpParamToken *) g_ptr_array_index (tokens, before))->opaque = TRUE;
            }
          last = setting;
        }
      if ((opaque = pp_kernel_params_first_opaque (tokens)) != NULL)
        g_ptr_array_add (result->warnings,
                         g_strdup_printf (_("%s: KERNEL_CMDLINE[%s] joins “+=” text to the value before it "
                                            "(“%s”): the parameter it makes is not changed, the ones added "
                                            "after it take effect."),
                                          paths[last->file], key, opaque->text));
      decisions = pp_kernel_params_plan (intent, tokens, append);
      ok = pp_kernel_params_splice (tokens, decisions, splices, paths, error);
      if (ok && append->len > 0)
        {
          PpTextFile *file = g_ptr_array_index (files, last->file);
          g_autofree char *args = NULL;
          gsize at = last->value_end;
          gboolean space;

          g_ptr_array_add (append, NULL);
          args = g_strjoinv (" ", (char **) append->pdata);
          while (at > last->value_start && pp_kernel_params_is_blank (file->text[at - 1]))
            at--;
          /* an empty "+=" value still needs its space: it is glued to what came before */
          space = at > last->value_start || (last->append && tokens->len > 0);
          if (last->quote != 0)
            {
              g_autofree char *piece = g_strconcat (space ? " " : "", args, NULL);

              pp_splices_add (splices[last->file], at, at, piece);
            }
          else
            {
              g_autofree char *bare = g_strndup (file->text + last->value_start, last->value_end - last->value_start);
              g_autofree char *quoted = g_strdup_printf ("\"%s%s%s\"", bare, space ? " " : "", args);

              pp_splices_add (splices[last->file], last->value_start, last->value_end, quoted);
            }
        }
    }
  return pp_edit_result_finish (g_steal_pointer (&result), files, splices, ok, error);
}
