/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pp-edit.h"
#include "pp-shell.h"

#define MAX_NESTING 64

typedef struct
{
  char     *delimiter;
  gboolean  strip_tabs;
} HereDoc;

typedef struct
{
  GPtrArray *pending;        /* PpShellAssignment* of this simple command */
  gboolean   started;        /* a word was read (keywords aside) */
  gboolean   has_command;    /* a command word: prefix assignments are temporary */
  gboolean   declaration;    /* export, declare, readonly, ...: arguments are assignments */
  gboolean   unset;          /* unset: arguments are names */
  gboolean   unset_functions;
  gboolean   uncertain;      /* after && or ||, or the right side of a pipe */
  gboolean   redirect_target;/* the next word is the target of a redirection */
  gboolean   keyword_args;   /* for/case/select/function: the rest are not commands */
} Command;

typedef struct
{
  PpShellScript *script;
  const char    *s;
  gsize          len;
  gsize          pos;
  GString       *stack;      /* open compound commands: ( { F(unction) c(ase) k(if, loops) */
  GArray        *stack_at;   /* gsize: where each was opened */
  GPtrArray     *heredocs;   /* HereDoc* waiting for the end of the line */
  Command        cmd;
} Lexer;

static void
heredoc_free (gpointer data)
{
  HereDoc *doc = data;

  g_free (doc->delimiter);
  g_free (doc);
}

static void
word_free (gpointer data)
{
  PpShellWord *word = data;

  if (word == NULL)
    return;
  g_array_unref (word->chars);
  g_free (word);
}

static PpShellWord *
word_new (gsize start)
{
  PpShellWord *word = g_new0 (PpShellWord, 1);

  word->start = word->end = start;
  word->chars = g_array_new (FALSE, FALSE, sizeof (PpShellChar));
  word->dollar_quote = word->tilde = word->pattern = PP_SHELL_NO_OFFSET;
  return word;
}

/* Sets @word's tilde and pattern from its characters: written unquoted and
 * unescaped (one raw byte), outside any expansion */
static void
word_find_expansions (PpShellWord *word)
{
  for (guint i = 0; i < word->chars->len; i++)
    {
      const PpShellChar *ch = &g_array_index (word->chars, PpShellChar, i);
      const PpShellChar *before = i > 0 ? &g_array_index (word->chars, PpShellChar, i - 1) : NULL;
      gboolean bare = !ch->opaque && ch->quote == PP_SHELL_QUOTE_NONE && ch->end == ch->start + 1;

      if (!bare)
        continue;
      if (ch->c == '~' && word->tilde == PP_SHELL_NO_OFFSET
          && (before == NULL || (before->c == ':' && !before->opaque && before->quote == PP_SHELL_QUOTE_NONE)))
        word->tilde = ch->start;
      if (strchr ("*[{", ch->c) != NULL && word->pattern == PP_SHELL_NO_OFFSET)
        word->pattern = ch->start;
    }
}

static void
assignment_free (gpointer data)
{
  PpShellAssignment *assignment = data;

  g_free (assignment->name);
  word_free (assignment->value);
  g_clear_pointer (&assignment->elements, g_ptr_array_unref);
  g_free (assignment);
}

void
pp_shell_script_free (PpShellScript *script)
{
  if (script == NULL)
    return;
  g_free (script->path);
  g_free (script->text);
  g_array_unref (script->line_starts);
  g_ptr_array_unref (script->assignments);
  g_free (script);
}

guint
pp_shell_script_line_at (const PpShellScript *script,
                         gsize                offset)
{
  guint lo = 0;
  guint hi = script->line_starts->len;

  /* the last line start <= offset */
  while (hi - lo > 1)
    {
      guint mid = (lo + hi) / 2;

      if (g_array_index (script->line_starts, gsize, mid) <= offset)
        lo = mid;
      else
        hi = mid;
    }
  return lo + 1;
}

gsize
pp_shell_script_line_start (const PpShellScript *script,
                            gsize                offset)
{
  return g_array_index (script->line_starts, gsize, pp_shell_script_line_at (script, offset) - 1);
}

gsize
pp_shell_script_line_end (const PpShellScript *script,
                          gsize                offset)
{
  const char *nl;

  if (offset >= script->len)
    return script->len;
  nl = memchr (script->text + offset, '\n', script->len - offset);
  return nl ? (gsize) (nl - script->text) : script->len;
}

char *
pp_shell_word_dup_value (const PpShellWord *word)
{
  GString *value = g_string_sized_new (word->chars->len);

  for (guint i = 0; i < word->chars->len; i++)
    g_string_append_c (value, g_array_index (word->chars, PpShellChar, i).c);
  return g_string_free (value, FALSE);
}

gboolean
pp_shell_word_is_literal (const PpShellWord *word)
{
  for (guint i = 0; i < word->chars->len; i++)
    if (g_array_index (word->chars, PpShellChar, i).opaque)
      return FALSE;
  return TRUE;
}

G_GNUC_PRINTF (4, 5)
static gboolean
lexer_fail (Lexer      *lx,
            gsize       offset,
            GError    **error,
            const char *format,
            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_PARSE, "%s:%u: %s",
               lx->script->path, pp_shell_script_line_at (lx->script, offset), message);
  return FALSE;
}

static gboolean
is_metachar (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '&' || c == '|'
      || c == '(' || c == ')' || c == '<' || c == '>';
}

static gboolean
is_name_start (char c)
{
  return g_ascii_isalpha (c) || c == '_';
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '_';
}

static void
word_add (PpShellWord *word,
          char         c,
          PpShellQuote quote,
          gboolean     opaque,
          gsize        start,
          gsize        end)
{
  PpShellChar ch = { c, quote, opaque, start, end };

  g_array_append_val (word->chars, ch);
}

static gboolean skip_parens (Lexer *lx, gsize *j, guint depth, GError **error);

static gboolean
skip_single (Lexer   *lx,
             gsize   *j,
             GError **error)
{
  gsize open = *j;
  const char *close = memchr (lx->s + open + 1, '\'', lx->len - open - 1);

  if (close == NULL)
    return lexer_fail (lx, open, error, _("unterminated single quote"));
  *j = close - lx->s + 1;
  return TRUE;
}

static gboolean
skip_backquote (Lexer   *lx,
                gsize   *j,
                GError **error)
{
  gsize open = *j;
  gsize k = open + 1;

  while (k < lx->len && lx->s[k] != '`')
    k += (lx->s[k] == '\\' && k + 1 < lx->len) ? 2 : 1;
  if (k >= lx->len)
    return lexer_fail (lx, open, error, _("unterminated backquote"));
  *j = k + 1;
  return TRUE;
}

/* *j at '"'; moves past the closing quote */
static gboolean
skip_double (Lexer   *lx,
             gsize   *j,
             guint    depth,
             GError **error)
{
  gsize open = *j;
  gsize k = open + 1;

  while (k < lx->len && lx->s[k] != '"')
    {
      if (lx->s[k] == '\\' && k + 1 < lx->len)
        k += 2;
      else if (lx->s[k] == '`')
        {
          if (!skip_backquote (lx, &k, error))
            return FALSE;
        }
      else if (lx->s[k] == '$' && k + 1 < lx->len && (lx->s[k + 1] == '(' || lx->s[k + 1] == '{'))
        {
          k++;
          if (!skip_parens (lx, &k, depth + 1, error))
            return FALSE;
        }
      else
        k++;
    }
  if (k >= lx->len)
    return lexer_fail (lx, open, error, _("unterminated double quote"));
  *j = k + 1;
  return TRUE;
}

/* *j at '(' or '{'; moves past the matching close, honouring quotes,
 * nested expansions and comments */
static gboolean
skip_parens (Lexer   *lx,
             gsize   *j,
             guint    depth,
             GError **error)
{
  gsize open = *j;
  char open_char = lx->s[open];
  char close_char = open_char == '(' ? ')' : '}';
  int level = 0;
  gsize k = open;

  if (depth > MAX_NESTING)
    return lexer_fail (lx, open, error, _("expansions nested too deeply"));

  while (k < lx->len)
    {
      char c = lx->s[k];

      if (c == '\\')
        k += 2;
      else if (c == '\'' && open_char == '(')
        {
          if (!skip_single (lx, &k, error))
            return FALSE;
        }
      else if (c == '"')
        {
          if (!skip_double (lx, &k, depth + 1, error))
            return FALSE;
        }
      else if (c == '`')
        {
          if (!skip_backquote (lx, &k, error))
            return FALSE;
        }
      else if (c == '$' && k + 1 < lx->len && (lx->s[k + 1] == '(' || lx->s[k + 1] == '{'))
        {
          k++;
          if (!skip_parens (lx, &k, depth + 1, error))
            return FALSE;
        }
      else if (c == '#' && open_char == '(' && k > open && g_ascii_isspace (lx->s[k - 1]))
        {
          const char *nl = memchr (lx->s + k, '\n', lx->len - k);

          k = nl ? (gsize) (nl - lx->s) : lx->len;
        }
      else
        {
          if (c == open_char)
            level++;
          else if (c == close_char && --level == 0)
            {
              *j = k + 1;
              return TRUE;
            }
          k++;
        }
    }
  return lexer_fail (lx, open, error,
                     open_char == '(' ? _("unterminated $( or $((") : _("unterminated ${"));
}

/* lx->pos at '$' or '`'. Adds the expansion's bytes as opaque, or a plain
 * '$' when nothing expands. */
static gboolean
read_expansion (Lexer        *lx,
                PpShellWord  *word,
                PpShellQuote  quote,
                GError      **error)
{
  gsize start = lx->pos;
  gsize j = start;
  const char *s = lx->s;

  if (s[j] == '`')
    {
      if (!skip_backquote (lx, &j, error))
        return FALSE;
    }
  else if (j + 1 < lx->len && (s[j + 1] == '(' || s[j + 1] == '{'))
    {
      j++;
      if (!skip_parens (lx, &j, 0, error))
        return FALSE;
    }
  else if (quote == PP_SHELL_QUOTE_NONE && j + 1 < lx->len && s[j + 1] == '\'')
    {
      /* $'...' with backslash escapes */
      gsize k = j + 2;

      word->dollar_quote = MIN (word->dollar_quote, start);
      while (k < lx->len && s[k] != '\'')
        k += (s[k] == '\\' && k + 1 < lx->len) ? 2 : 1;
      if (k >= lx->len)
        return lexer_fail (lx, start, error, _("unterminated $'"));
      j = k + 1;
    }
  else if (quote == PP_SHELL_QUOTE_NONE && j + 1 < lx->len && s[j + 1] == '"')
    {
      word->dollar_quote = MIN (word->dollar_quote, start);
      j++;
      if (!skip_double (lx, &j, 0, error))
        return FALSE;
    }
  else if (j + 1 < lx->len && is_name_start (s[j + 1]))
    {
      j++;
      while (j < lx->len && is_name_char (s[j]))
        j++;
    }
  else if (j + 1 < lx->len && strchr ("0123456789@*#?$!-", s[j + 1]) != NULL && s[j + 1] != '\0')
    j += 2;
  else
    {
      word_add (word, '$', quote, FALSE, start, start + 1);
      lx->pos = start + 1;
      return TRUE;
    }

  for (gsize k = start; k < j; k++)
    word_add (word, s[k], quote, TRUE, k, k + 1);
  lx->pos = j;
  return TRUE;
}

/* Reads one word at lx->pos (not at a metachar). */
static PpShellWord *
read_word (Lexer   *lx,
           GError **error)
{
  g_autoptr(GPtrArray) holder = g_ptr_array_new_with_free_func (word_free);
  PpShellWord *word = word_new (lx->pos);
  const char *s = lx->s;

  g_ptr_array_add (holder, word);

  while (lx->pos < lx->len && !is_metachar (s[lx->pos]))
    {
      gsize p = lx->pos;
      char c = s[p];

      if (c == '\\')
        {
          if (p + 1 >= lx->len)
            {
              word_add (word, '\\', PP_SHELL_QUOTE_NONE, FALSE, p, p + 1);
              lx->pos++;
            }
          else
            {
              if (s[p + 1] != '\n')
                word_add (word, s[p + 1], PP_SHELL_QUOTE_NONE, FALSE, p, p + 2);
              lx->pos += 2;
            }
        }
      else if (c == '\'')
        {
          gsize j = p;

          if (!skip_single (lx, &j, error))
            return NULL;
          for (gsize k = p + 1; k < j - 1; k++)
            word_add (word, s[k], PP_SHELL_QUOTE_SINGLE, FALSE, k, k + 1);
          lx->pos = j;
        }
      else if (c == '"')
        {
          lx->pos++;
          while (lx->pos < lx->len && s[lx->pos] != '"')
            {
              gsize q = lx->pos;

              if (s[q] == '\\' && q + 1 < lx->len && strchr ("$`\"\\\n", s[q + 1]) != NULL)
                {
                  if (s[q + 1] != '\n')
                    word_add (word, s[q + 1], PP_SHELL_QUOTE_DOUBLE, FALSE, q, q + 2);
                  lx->pos += 2;
                }
              else if (s[q] == '$' || s[q] == '`')
                {
                  if (!read_expansion (lx, word, PP_SHELL_QUOTE_DOUBLE, error))
                    return NULL;
                }
              else
                {
                  word_add (word, s[q], PP_SHELL_QUOTE_DOUBLE, FALSE, q, q + 1);
                  lx->pos++;
                }
            }
          if (lx->pos >= lx->len)
            {
              lexer_fail (lx, p, error, _("unterminated double quote"));
              return NULL;
            }
          lx->pos++;
        }
      else if (c == '$' || c == '`')
        {
          if (!read_expansion (lx, word, PP_SHELL_QUOTE_NONE, error))
            return NULL;
        }
      else
        {
          word_add (word, c, PP_SHELL_QUOTE_NONE, FALSE, p, p + 1);
          lx->pos++;
        }
    }

  word->end = lx->pos;
  return g_ptr_array_steal_index (holder, 0);
}

static void
skip_blanks (Lexer *lx,
             gboolean newlines)
{
  while (lx->pos < lx->len)
    {
      char c = lx->s[lx->pos];

      if (c == ' ' || c == '\t' || (newlines && c == '\n'))
        lx->pos++;
      else if (c == '\\' && lx->pos + 1 < lx->len && lx->s[lx->pos + 1] == '\n')
        lx->pos += 2;
      else
        break;
    }
}

static void
skip_comment (Lexer *lx)
{
  const char *nl = memchr (lx->s + lx->pos, '\n', lx->len - lx->pos);

  lx->pos = nl ? (gsize) (nl - lx->s) : lx->len;
}

/* The length of "NAME=" or "NAME+=" at the start of @word, 0 if none */
static guint
assignment_prefix (const PpShellWord *word,
                   gboolean          *append)
{
  guint n = word->chars->len;
  guint i = 0;

  for (i = 0; i < n; i++)
    {
      const PpShellChar *ch = &g_array_index (word->chars, PpShellChar, i);

      if (ch->quote != PP_SHELL_QUOTE_NONE || ch->opaque)
        return 0;
      if (i == 0 ? !is_name_start (ch->c) : !is_name_char (ch->c))
        break;
    }
  if (i == 0 || i >= n)
    return 0;
  *append = FALSE;
  if (g_array_index (word->chars, PpShellChar, i).c == '+' && i + 1 < n)
    {
      *append = TRUE;
      i++;
    }
  if (g_array_index (word->chars, PpShellChar, i).c != '='
      || g_array_index (word->chars, PpShellChar, i).quote != PP_SHELL_QUOTE_NONE)
    return 0;
  return i + 1;
}

static gboolean
parse_array (Lexer             *lx,
             PpShellAssignment *assignment,
             GError           **error)
{
  assignment->is_array = TRUE;
  assignment->open_paren = lx->pos;
  assignment->elements = g_ptr_array_new_with_free_func (word_free);
  lx->pos++;

  for (;;)
    {
      PpShellWord *element;
      char c;

      skip_blanks (lx, TRUE);
      if (lx->pos >= lx->len)
        return lexer_fail (lx, assignment->open_paren, error, _("unterminated array: no closing “)”"));
      c = lx->s[lx->pos];
      if (c == '#')
        {
          skip_comment (lx);
          continue;
        }
      if (c == ')')
        break;
      if (is_metachar (c))
        return lexer_fail (lx, assignment->open_paren, error, _("unterminated array: unexpected “%c” on line %u"),
                           c, pp_shell_script_line_at (lx->script, lx->pos));
      element = read_word (lx, error);
      if (element == NULL)
        return FALSE;
      word_find_expansions (element);
      if (element->chars->len > 0
          && g_array_index (element->chars, PpShellChar, 0).c == '['
          && g_array_index (element->chars, PpShellChar, 0).quote == PP_SHELL_QUOTE_NONE)
        assignment->indexed = TRUE;
      g_ptr_array_add (assignment->elements, element);
    }

  assignment->close_paren = lx->pos;
  lx->pos++;
  assignment->end = lx->pos;
  return TRUE;
}

static void
command_reset (Lexer *lx)
{
  g_ptr_array_set_size (lx->cmd.pending, 0);
  lx->cmd.started = FALSE;
  lx->cmd.has_command = FALSE;
  lx->cmd.declaration = FALSE;
  lx->cmd.unset = FALSE;
  lx->cmd.unset_functions = FALSE;
  lx->cmd.uncertain = FALSE;
  lx->cmd.redirect_target = FALSE;
  lx->cmd.keyword_args = FALSE;
}

/* Ends the simple command; @detached: it ran in a subshell (pipe, &) */
static void
command_finish (Lexer    *lx,
                gboolean  detached)
{
  Command *cmd = &lx->cmd;

  for (guint i = 0; i < cmd->pending->len; i++)
    {
      PpShellAssignment *assignment = g_ptr_array_index (cmd->pending, i);

      /* "A=1 command" sets A only for that command */
      if (cmd->has_command && !cmd->declaration && assignment->kind != PP_SHELL_UNSET)
        {
          assignment_free (assignment);
          continue;
        }
      assignment->uncertain |= cmd->uncertain || detached;
      g_ptr_array_add (lx->script->assignments, assignment);
    }
  command_reset (lx);
}

static void
push_compound (Lexer *lx,
               char   kind,
               gsize  at)
{
  g_string_append_c (lx->stack, kind);
  g_array_append_val (lx->stack_at, at);
}

static void
drop_compound (Lexer *lx)
{
  g_string_truncate (lx->stack, lx->stack->len - 1);
  g_array_set_size (lx->stack_at, lx->stack->len);
}

/* Closes the innermost compound command, which must be of @kind */
static gboolean
pop_compound (Lexer      *lx,
              char        kind,
              const char *word,
              gsize       at,
              GError    **error)
{
  GString *stack = lx->stack;

  /* "function f {": the brace went by as the keyword's argument */
  if (kind == '{' && stack->len > 0 && stack->str[stack->len - 1] == 'F')
    {
      drop_compound (lx);
      return TRUE;
    }
  if (stack->len == 0 || stack->str[stack->len - 1] != kind)
    return lexer_fail (lx, at, error, _("unexpected “%s”"), word);
  drop_compound (lx);
  /* a function's body is its group or subshell */
  if ((kind == '{' || kind == '(') && stack->len > 0 && stack->str[stack->len - 1] == 'F')
    drop_compound (lx);
  return TRUE;
}

/* Reserved words only count in command position and unquoted. Returns
 * TRUE when @word was one; FALSE with @error set on a misplaced one. */
static gboolean
handle_keyword (Lexer       *lx,
                const char  *word,
                gsize        at,
                gboolean    *is_keyword,
                GError     **error)
{
  *is_keyword = TRUE;
  if (g_str_equal (word, "if") || g_str_equal (word, "while") || g_str_equal (word, "until"))
    push_compound (lx, 'k', at);
  else if (g_str_equal (word, "for") || g_str_equal (word, "select")
           || g_str_equal (word, "case") || g_str_equal (word, "function"))
    {
      push_compound (lx, g_str_equal (word, "case") ? 'c' : (g_str_equal (word, "function") ? 'F' : 'k'), at);
      lx->cmd.keyword_args = TRUE;
      lx->cmd.started = TRUE;
    }
  else if (g_str_equal (word, "fi") || g_str_equal (word, "done"))
    return pop_compound (lx, 'k', word, at, error);
  else if (g_str_equal (word, "esac"))
    return pop_compound (lx, 'c', word, at, error);
  else if (g_str_equal (word, "{"))
    push_compound (lx, '{', at);
  else if (g_str_equal (word, "}"))
    return pop_compound (lx, '{', word, at, error);
  else if (!(g_str_equal (word, "then") || g_str_equal (word, "do") || g_str_equal (word, "else")
             || g_str_equal (word, "elif") || g_str_equal (word, "!") || g_str_equal (word, "in")))
    *is_keyword = FALSE;
  return TRUE;
}

static const char *
compound_name (Lexer *lx)
{
  switch (lx->stack->str[lx->stack->len - 1])
    {
    case '(': return "(";
    case '{': return "{";
    case 'c': return "case";
    case 'F': return "function";
    default: return "if/while/for";
    }
}

static gboolean
read_heredoc_header (Lexer   *lx,
                     GError **error)
{
  HereDoc *doc = g_new0 (HereDoc, 1);
  PpShellWord *word;

  lx->pos += 2;
  if (lx->pos < lx->len && lx->s[lx->pos] == '-')
    {
      doc->strip_tabs = TRUE;
      lx->pos++;
    }
  g_ptr_array_add (lx->heredocs, doc);
  skip_blanks (lx, FALSE);
  if (lx->pos >= lx->len || is_metachar (lx->s[lx->pos]))
    return lexer_fail (lx, lx->pos, error, _("here-document without a delimiter"));
  word = read_word (lx, error);
  if (word == NULL)
    return FALSE;
  doc->delimiter = pp_shell_word_dup_value (word);
  word_free (word);
  return TRUE;
}

static void
skip_heredocs (Lexer *lx)
{
  for (guint i = 0; i < lx->heredocs->len; i++)
    {
      HereDoc *doc = g_ptr_array_index (lx->heredocs, i);

      while (lx->pos < lx->len)
        {
          const char *line = lx->s + lx->pos;
          const char *nl = memchr (line, '\n', lx->len - lx->pos);
          gsize line_len = nl ? (gsize) (nl - line) : lx->len - lx->pos;

          lx->pos += line_len + (nl ? 1 : 0);
          if (doc->strip_tabs)
            while (line_len > 0 && *line == '\t')
              {
                line++;
                line_len--;
              }
          if (line_len == strlen (doc->delimiter) && memcmp (line, doc->delimiter, line_len) == 0)
            break;
        }
    }
  g_ptr_array_set_size (lx->heredocs, 0);
}

static gboolean
handle_word (Lexer       *lx,
             PpShellWord *word,
             GError     **error)
{
  Command *cmd = &lx->cmd;
  g_autofree char *value = pp_shell_word_dup_value (word);
  gboolean literal = pp_shell_word_is_literal (word);
  gboolean unquoted = literal;
  gboolean append = FALSE;
  guint prefix;

  for (guint i = 0; unquoted && i < word->chars->len; i++)
    if (g_array_index (word->chars, PpShellChar, i).quote != PP_SHELL_QUOTE_NONE)
      unquoted = FALSE;

  if (cmd->redirect_target)
    {
      cmd->redirect_target = FALSE;
      word_free (word);
      return TRUE;
    }
  /* "2>/dev/null": the fd number belongs to the redirection */
  if (unquoted && lx->pos < lx->len && (lx->s[lx->pos] == '<' || lx->s[lx->pos] == '>')
      && value[0] != '\0' && strspn (value, "0123456789") == strlen (value))
    {
      word_free (word);
      return TRUE;
    }
  if (cmd->keyword_args)
    {
      word_free (word);
      return TRUE;
    }
  if (!cmd->started && !cmd->has_command && cmd->pending->len == 0 && unquoted)
    {
      gboolean is_keyword = FALSE;
      gboolean ok = handle_keyword (lx, value, word->start, &is_keyword, error);

      if (!ok || is_keyword)
        {
          word_free (word);
          return ok;
        }
    }

  if (cmd->unset)
    {
      if (value[0] == '-')
        cmd->unset_functions = strchr (value, 'f') != NULL;
      else if (!cmd->unset_functions && literal)
        {
          PpShellAssignment *assignment = g_new0 (PpShellAssignment, 1);

          assignment->name = g_strdup (value);
          assignment->kind = PP_SHELL_UNSET;
          assignment->line = pp_shell_script_line_at (lx->script, word->start);
          assignment->start = word->start;
          assignment->end = word->end;
          assignment->uncertain = lx->stack->len > 0;
          g_ptr_array_add (cmd->pending, assignment);
        }
      word_free (word);
      return TRUE;
    }

  prefix = (!cmd->has_command || cmd->declaration) ? assignment_prefix (word, &append) : 0;
  if (prefix > 0)
    {
      PpShellAssignment *assignment = g_new0 (PpShellAssignment, 1);
      const PpShellChar *eq = &g_array_index (word->chars, PpShellChar, prefix - 1);

      assignment->name = g_strndup (value, prefix - 1 - (append ? 1 : 0));
      assignment->kind = append ? PP_SHELL_APPEND : PP_SHELL_ASSIGN;
      assignment->line = pp_shell_script_line_at (lx->script, word->start);
      assignment->start = word->start;
      assignment->uncertain = lx->stack->len > 0;
      g_ptr_array_add (cmd->pending, assignment);
      cmd->started = TRUE;

      if (prefix == word->chars->len && lx->pos < lx->len && lx->s[lx->pos] == '(')
        {
          word_free (word);
          return parse_array (lx, assignment, error);
        }
      assignment->value = word_new (eq->end);
      assignment->value->end = word->end;
      g_array_append_vals (assignment->value->chars,
                           &g_array_index (word->chars, PpShellChar, prefix),
                           word->chars->len - prefix);
      /* NAME= holds no expansion: every one is in the value */
      assignment->value->dollar_quote = word->dollar_quote;
      word_find_expansions (assignment->value);
      assignment->end = word->end;
      word_free (word);
      return TRUE;
    }

  if (cmd->declaration && value[0] == '-')
    {
      word_free (word);
      return TRUE;
    }
  if (!cmd->has_command && unquoted
      && (g_str_equal (value, "export") || g_str_equal (value, "declare")
          || g_str_equal (value, "typeset") || g_str_equal (value, "readonly")
          || g_str_equal (value, "local")))
    cmd->declaration = TRUE;
  else if (!cmd->has_command && unquoted && g_str_equal (value, "unset"))
    cmd->unset = TRUE;
  cmd->has_command = TRUE;
  cmd->started = TRUE;
  word_free (word);
  return TRUE;
}

static gboolean
parse_script (Lexer   *lx,
              GError **error)
{
  const char *s = lx->s;
  gboolean pipe_next = FALSE;

  for (;;)
    {
      char c;

      skip_blanks (lx, FALSE);
      if (lx->pos >= lx->len)
        {
          command_finish (lx, FALSE);
          if (lx->stack->len > 0)
            return lexer_fail (lx, g_array_index (lx->stack_at, gsize, lx->stack->len - 1), error,
                               _("this “%s” is never closed"), compound_name (lx));
          return TRUE;
        }
      c = s[lx->pos];

      if (!lx->cmd.started && pipe_next)
        {
          lx->cmd.uncertain = TRUE;
          pipe_next = FALSE;
        }

      if (c == '#')
        skip_comment (lx);
      else if (c == '\n')
        {
          command_finish (lx, FALSE);
          lx->pos++;
          skip_heredocs (lx);
        }
      else if (c == ';')
        {
          command_finish (lx, FALSE);
          lx->pos++;
          if (lx->pos < lx->len && (s[lx->pos] == ';' || s[lx->pos] == '&'))
            lx->pos++;
        }
      else if (c == '&' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '&')
        {
          command_finish (lx, FALSE);
          lx->cmd.uncertain = TRUE;
          lx->pos += 2;
        }
      else if (c == '&' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '>')
        {
          lx->pos += 2;
          if (lx->pos < lx->len && s[lx->pos] == '>')
            lx->pos++;
          lx->cmd.redirect_target = TRUE;
        }
      else if (c == '&')
        {
          command_finish (lx, TRUE);
          lx->pos++;
        }
      else if (c == '|' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '|')
        {
          command_finish (lx, FALSE);
          lx->cmd.uncertain = TRUE;
          lx->pos += 2;
        }
      else if (c == '|')
        {
          command_finish (lx, TRUE);
          pipe_next = TRUE;
          lx->pos++;
          if (lx->pos < lx->len && s[lx->pos] == '&')
            lx->pos++;
        }
      else if (c == '(')
        {
          if (lx->cmd.started && lx->cmd.has_command && !lx->cmd.declaration)
            {
              /* NAME() starts a function definition */
              gsize open = lx->pos;

              lx->pos++;
              skip_blanks (lx, FALSE);
              if (lx->pos >= lx->len || s[lx->pos] != ')')
                return lexer_fail (lx, open, error, _("unexpected “(”"));
              lx->pos++;
              command_finish (lx, FALSE);
              push_compound (lx, 'F', open);
            }
          else if (lx->pos + 1 < lx->len && s[lx->pos + 1] == '(')
            {
              gsize j = lx->pos;

              if (!skip_parens (lx, &j, 0, error))
                return FALSE;
              lx->pos = j;
              lx->cmd.has_command = TRUE;
              lx->cmd.started = TRUE;
            }
          else if (lx->cmd.keyword_args)
            lx->pos++;
          else if (lx->cmd.started)
            return lexer_fail (lx, lx->pos, error, _("unexpected “(”"));
          else
            {
              command_finish (lx, FALSE);
              push_compound (lx, '(', lx->pos);
              lx->pos++;
            }
        }
      else if (c == ')')
        {
          command_finish (lx, FALSE);
          if ((lx->stack->len == 0 || lx->stack->str[lx->stack->len - 1] != 'c')
              && !pop_compound (lx, '(', ")", lx->pos, error))
            return FALSE;
          lx->pos++;
        }
      else if (c == '<' && lx->pos + 2 < lx->len && s[lx->pos + 1] == '<' && s[lx->pos + 2] == '<')
        {
          lx->pos += 3;
          lx->cmd.redirect_target = TRUE;
        }
      else if (c == '<' && lx->pos + 1 < lx->len && s[lx->pos + 1] == '<')
        {
          if (!read_heredoc_header (lx, error))
            return FALSE;
        }
      else if (c == '<' || c == '>')
        {
          lx->pos++;
          while (lx->pos < lx->len && strchr ("<>&|", s[lx->pos]) != NULL)
            lx->pos++;
          lx->cmd.redirect_target = TRUE;
        }
      else
        {
          PpShellWord *word = read_word (lx, error);

          if (word == NULL || !handle_word (lx, word, error))
            return FALSE;
        }
    }
}

PpShellScript *
pp_shell_parse (const char *path,
                const char *text,
                GError    **error)
{
  g_autoptr(PpShellScript) script = g_new0 (PpShellScript, 1);
  Lexer lx = { 0 };
  gsize zero = 0;
  gboolean ok;

  script->path = g_strdup (path);
  script->text = g_strdup (text);
  script->len = strlen (text);
  script->assignments = g_ptr_array_new_with_free_func (assignment_free);
  script->line_starts = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_array_append_val (script->line_starts, zero);
  for (gsize i = 0; i < script->len; i++)
    if (text[i] == '\n')
      {
        gsize next = i + 1;

        g_array_append_val (script->line_starts, next);
      }

  lx.script = script;
  lx.s = script->text;
  lx.len = script->len;
  lx.stack = g_string_new (NULL);
  lx.stack_at = g_array_new (FALSE, FALSE, sizeof (gsize));
  lx.heredocs = g_ptr_array_new_with_free_func (heredoc_free);
  lx.cmd.pending = g_ptr_array_new ();

  ok = parse_script (&lx, error);

  for (guint i = 0; i < lx.cmd.pending->len; i++)
    assignment_free (g_ptr_array_index (lx.cmd.pending, i));
  g_ptr_array_unref (lx.cmd.pending);
  g_ptr_array_unref (lx.heredocs);
  g_string_free (lx.stack, TRUE);
  g_array_unref (lx.stack_at);

  if (!ok)
    return NULL;
  return g_steal_pointer (&script);
}

void
pp_shell_field_free (PpShellField *field)
{
  if (field == NULL)
    return;
  g_free (field->text);
  g_free (field);
}

static gboolean
char_is_blank (const PpShellChar *ch)
{
  return !ch->opaque && (ch->c == ' ' || ch->c == '\t' || ch->c == '\n');
}

static gboolean
char_is_plain_blank (const PpShellChar *ch,
                     PpShellQuote       quote)
{
  return char_is_blank (ch) && ch->quote == quote && ch->end == ch->start + 1;
}

GPtrArray *
pp_shell_word_split (const PpShellWord *word)
{
  GPtrArray *fields = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_shell_field_free);
  const PpShellChar *chars = (const PpShellChar *) (gpointer) word->chars->data;
  guint n = word->chars->len;
  guint i = 0;

  while (i < n)
    {
      PpShellField *field;
      GString *text;
      guint first;
      guint j;

      while (i < n && char_is_blank (&chars[i]))
        i++;
      if (i >= n)
        break;
      first = i;
      field = g_new0 (PpShellField, 1);
      text = g_string_new (NULL);
      field->quote = chars[first].quote;
      field->splice_safe = TRUE;
      while (i < n && !char_is_blank (&chars[i]))
        {
          g_string_append_c (text, chars[i].c);
          if (chars[i].opaque)
            field->opaque = TRUE;
          if (chars[i].opaque || chars[i].quote != field->quote || chars[i].end != chars[i].start + 1
              || (i > first && chars[i].start != chars[i - 1].end))
            field->splice_safe = FALSE;
          i++;
        }
      field->text = g_string_free (text, FALSE);
      field->start = field->cut_start = chars[first].start;
      field->end = field->cut_end = chars[i - 1].end;

      /* remove the blanks after it, or before it when it is the last */
      j = i;
      while (j < n && char_is_plain_blank (&chars[j], field->quote) && chars[j].start == chars[j - 1].end)
        j++;
      if (j > i)
        field->cut_end = chars[j - 1].end;
      else if (first > 0)
        {
          guint k = first;

          while (k > 0 && char_is_plain_blank (&chars[k - 1], field->quote) && chars[k - 1].end == chars[k].start)
            k--;
          field->cut_start = chars[k].start;
        }
      g_ptr_array_add (fields, field);
    }
  return fields;
}

gboolean
pp_shell_word_can_be_double_quoted (const PpShellWord *word)
{
  for (guint i = 0; i < word->chars->len; i++)
    {
      const PpShellChar *ch = &g_array_index (word->chars, PpShellChar, i);

      if (ch->quote != PP_SHELL_QUOTE_NONE)
        return FALSE;
      /* quotes and backslashes inside ${...} and `...` mean something
       * else between double quotes */
      if (ch->opaque && strchr ("`'\"\\", ch->c) == NULL)
        continue;
      if (ch->opaque || ch->end != ch->start + 1 || strchr ("$`\"\\~!", ch->c) != NULL)
        return FALSE;
    }
  return TRUE;
}

void
pp_shell_word_append (const PpShellScript *script,
                      const PpShellWord   *word,
                      const char          *text,
                      PpSplices           *splices)
{
  guint n = word->chars->len;
  const PpShellChar *last = n > 0 ? &g_array_index (word->chars, PpShellChar, n - 1) : NULL;
  char closing = word->end > word->start ? script->text[word->end - 1] : '\0';
  g_autofree char *piece = NULL;

  piece = g_strconcat (last == NULL || char_is_blank (last) ? "" : " ", text, NULL);

  if (last == NULL)
    {
      if ((closing == '"' || closing == '\'') && word->end - word->start >= 2)
        pp_splices_add (splices, word->end - 1, word->end - 1, piece);
      else
        {
          g_autofree char *quoted = g_strconcat ("\"", piece, "\"", NULL);

          pp_splices_add (splices, word->end, word->end, quoted);
        }
    }
  else if (last->quote != PP_SHELL_QUOTE_NONE
           && closing == (last->quote == PP_SHELL_QUOTE_DOUBLE ? '"' : '\'')
           && last->end == word->end - 1)
    pp_splices_add (splices, word->end - 1, word->end - 1, piece);
  else if (pp_shell_word_can_be_double_quoted (word))
    {
      g_autofree char *tail = g_strconcat (piece, "\"", NULL);

      pp_splices_add (splices, word->start, word->start, "\"");
      pp_splices_add (splices, word->end, word->end, tail);
    }
  else
    {
      g_autofree char *quoted = g_strconcat ("\"", piece, "\"", NULL);

      pp_splices_add (splices, word->end, word->end, quoted);
    }
}
