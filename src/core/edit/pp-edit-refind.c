/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pp-edit-refind.h"

/* One field of a line as rEFInd's tokenizer reads it: blanks, '=' and ','
 * separate unquoted fields; a quote opens and closes; "" inside quotes is
 * a quote */
typedef struct
{
  gsize    start;   /* inside the quotes for a quoted field */
  gsize    end;
  gboolean quoted;
} Field;

/* Reads the fields of [from, to); FALSE when a quote is left open */
static gboolean
read_fields (const char *text,
             gsize       from,
             gsize       to,
             GArray     *fields)
{
  gsize p = from;

  while (p < to)
    {
      Field field = { 0, 0, FALSE };

      while (p < to && strchr (" \t=,", text[p]) != NULL)
        p++;
      if (p >= to || text[p] == '#')
        break;
      if (text[p] == '"')
        {
          field.quoted = TRUE;
          field.start = ++p;
          for (;;)
            {
              if (p >= to)
                return FALSE;
              if (text[p] == '"' && p + 1 < to && text[p + 1] == '"')
                p += 2;
              else if (text[p] == '"')
                break;
              else
                p++;
            }
          field.end = p++;
        }
      else
        {
          field.start = p;
          while (p < to && strchr (" \t=,#\"", text[p]) == NULL)
            p++;
          field.end = p;
        }
      g_array_append_val (fields, field);
    }
  return TRUE;
}

/* The options' parameters: blanks inside ""...""  (a quoted kernel value)
 * do not split, and what holds a quote is never matched or replaced;
 * FALSE when such a quote is left open */
static gboolean
options_tokens (const char *text,
                const Field *options,
                GPtrArray  *tokens)
{
  g_autoptr(GArray) inner_quotes = g_array_new (FALSE, FALSE, sizeof (gsize));

  pp_kernel_params_tokenize (text + options->start, options->start, options->end - options->start, 0, tokens);
  for (gsize p = options->start; p + 1 < options->end; p++)
    if (text[p] == '"' && text[p + 1] == '"')
      {
        g_array_append_val (inner_quotes, p);
        p++;
      }
  for (guint t = 0; t < tokens->len; t++)
    {
      PpParamToken *token = g_ptr_array_index (tokens, t);
      guint before = 0;

      for (guint q = 0; q < inner_quotes->len; q++)
        before += g_array_index (inner_quotes, gsize, q) < token->start;
      if (strchr (token->text, '"') != NULL || before % 2 == 1)
        {
          token->opaque = TRUE;
          token->splice_safe = FALSE;
        }
    }
  return inner_quotes->len % 2 == 0;
}

char *
pp_refind_edit_linux_conf (const char                 *path,
                           const char                 *text,
                           const PpKernelParamsIntent *intent,
                           GError                    **error)
{
  g_autoptr(PpSplices) splices = pp_splices_new ();
  gsize len = strlen (text);
  gsize pos = 0;
  guint number = 0;

  while (pos < len)
    {
      g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (Field));
      g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_param_token_free);
      g_autoptr(GPtrArray) append = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GPtrArray) decisions = NULL;
      gsize line_end = pos;
      Field *options;

      number++;
      /* rEFInd ends a line at a carriage return too */
      while (line_end < len && text[line_end] != '\n' && text[line_end] != '\r')
        line_end++;
      if (!read_fields (text, pos, line_end, fields))
        {
          g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_PARSE, _("%s:%u: a quote is not closed"), path, number);
          return NULL;
        }
      pos = line_end;
      while (pos < len && text[pos] == '\r')
        pos++;
      if (pos < len && text[pos] == '\n')
        pos++;
      /* a line needs a label and options; rEFInd skips it otherwise */
      if (fields->len < 2)
        continue;
      options = &g_array_index (fields, Field, 1);
      if (!options->quoted)
        {
          g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                       _("%s:%u: the options are not in double quotes, so rEFInd cuts them at the first = or "
                         "blank; put them in quotes by hand"), path, number);
          return NULL;
        }
      if (!options_tokens (text, options, tokens))
        {
          g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                       _("%s:%u: a quote inside the options is not closed, so what is added would become "
                         "part of its value; close it by hand"), path, number);
          return NULL;
        }
      decisions = pp_kernel_params_plan (intent, tokens, append);
      if (!pp_kernel_params_splice (tokens, decisions, &splices, &path, error))
        return NULL;
      if (append->len > 0)
        {
          g_autofree char *args = NULL;
          g_autofree char *piece = NULL;
          gsize at = options->end;

          g_ptr_array_add (append, NULL);
          args = g_strjoinv (" ", (char **) append->pdata);
          while (at > options->start && (text[at - 1] == ' ' || text[at - 1] == '\t'))
            at--;
          piece = g_strconcat (at > options->start ? " " : "", args, NULL);
          pp_splices_add (splices, at, at, piece);
        }
    }
  return pp_splices_apply_changed (splices, path, text, error);
}

void
pp_refind_stanza_free (PpRefindStanza *stanza)
{
  if (stanza == NULL)
    return;
  g_free (stanza->title);
  g_free (stanza);
}

static gboolean
field_is (const char  *text,
          const Field *field,
          const char  *word)
{
  return field->end - field->start == strlen (word)
         && g_ascii_strncasecmp (text + field->start, word, field->end - field->start) == 0;
}

GPtrArray *
pp_refind_linux_stanzas (const char *text)
{
  GPtrArray *stanzas = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_refind_stanza_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  PpRefindStanza *current = NULL;
  gboolean linux_entry = FALSE;
  gboolean disabled = FALSE;
  guint depth = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(GArray) fields = g_array_new (FALSE, FALSE, sizeof (Field));
      const char *line = lines[i];
      gsize len = strlen (line);
      Field *first;

      /* a line ends at its carriage return too */
      if (strchr (line, '\r') != NULL)
        len = strchr (line, '\r') - line;
      if (!read_fields (line, 0, len, fields) || fields->len == 0)
        continue;
      first = &g_array_index (fields, Field, 0);
      if (depth == 0 && field_is (line, first, "menuentry"))
        {
          g_clear_pointer (&current, pp_refind_stanza_free);
          current = g_new0 (PpRefindStanza, 1);
          current->line = i + 1;
          current->title = fields->len > 1
                           ? g_strndup (line + g_array_index (fields, Field, 1).start,
                                        g_array_index (fields, Field, 1).end - g_array_index (fields, Field, 1).start)
                           : g_strdup ("");
          linux_entry = disabled = FALSE;
          depth = 1;
          continue;
        }
      if (depth == 0 || current == NULL)
        continue;
      if (field_is (line, first, "submenuentry"))
        depth++;
      else if (field_is (line, first, "}"))
        {
          if (--depth == 0)
            {
              if (linux_entry && !disabled)
                g_ptr_array_add (stanzas, g_steal_pointer (&current));
              g_clear_pointer (&current, pp_refind_stanza_free);
            }
        }
      else if (depth == 1 && field_is (line, first, "disabled"))
        disabled = TRUE;
      else if (depth == 1 && field_is (line, first, "options"))
        {
          linux_entry = TRUE;
          current->line = i + 1;
        }
      else if (depth == 1 && field_is (line, first, "loader") && fields->len > 1)
        {
          g_autofree char *loader = g_ascii_strdown (line + g_array_index (fields, Field, 1).start,
                                                     g_array_index (fields, Field, 1).end - g_array_index (fields, Field, 1).start);

          linux_entry |= strstr (loader, "vmlinuz") != NULL || strstr (loader, "linux") != NULL;
        }
    }
  pp_refind_stanza_free (current);
  return stanzas;
}
