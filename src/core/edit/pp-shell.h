/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A reader for config files that bash or sh *source* (/etc/default/grub,
 * mkinitcpio.conf, dracut.conf.d). It does not evaluate anything: it finds
 * the assignments and, for every byte of a value, where it was written and
 * under which quoting, so editors can splice new text into the original. */

typedef enum
{
  PP_SHELL_QUOTE_NONE,
  PP_SHELL_QUOTE_SINGLE,
  PP_SHELL_QUOTE_DOUBLE,
} PpShellQuote;

/* One byte of a word's value. Bytes of an expansion ($VAR, ${..}, $(..),
 * `..`, $'..') are kept as written and flagged @opaque: their value is
 * only known when the shell runs. */
typedef struct
{
  char     c;
  guint8   quote;   /* PpShellQuote in effect where it was written */
  gboolean opaque;
  gsize    start;   /* the raw bytes [start, end) that give this byte */
  gsize    end;
} PpShellChar;

/* An offset that is not there */
#define PP_SHELL_NO_OFFSET G_MAXSIZE

typedef struct
{
  gsize   start;    /* raw range of the whole word, quotes included */
  gsize   end;
  GArray *chars;    /* PpShellChar */
  /* What no editor models, each the raw offset of its first occurrence, or
   * PP_SHELL_NO_OFFSET. Scalar values and array elements have them set; an
   * editor refuses to touch a value that has one (pp_shell_chain_find). */
  gsize   dollar_quote;   /* $'…' or $"…": bash and dash read it differently */
  gsize   tilde;          /* an unquoted ~ starting the word or after an unquoted ':': a home directory */
  gsize   pattern;        /* an unquoted *, [ or {: file names or several words in an array element
                           * (a trailing ? is mkinitcpio's "optional", which the editor models) */
} PpShellWord;

typedef enum
{
  PP_SHELL_ASSIGN,     /* NAME=value, NAME=(...) */
  PP_SHELL_APPEND,     /* NAME+=value, NAME+=(...) */
  PP_SHELL_UNSET,      /* unset NAME */
} PpShellAssignKind;

typedef struct
{
  char              *name;
  PpShellAssignKind  kind;
  gboolean           is_array;
  gboolean           indexed;    /* an array with [i]=v elements */
  /* inside if/case/loops/functions/subshells, after && or ||, in a pipeline
   * or in the background: whether it happens is only known at run time */
  gboolean           uncertain;
  guint              line;       /* 1-based line of the name */
  gsize              start;      /* offset of the name */
  gsize              end;        /* after the value (after ')' for arrays) */
  PpShellWord       *value;      /* scalars: the value (possibly empty) */
  GPtrArray         *elements;   /* arrays: PpShellWord* */
  gsize              open_paren; /* arrays: offset of '(' */
  gsize              close_paren;/* arrays: offset of ')' */
} PpShellAssignment;

typedef struct
{
  char      *path;
  char      *text;
  gsize      len;
  GArray    *line_starts;   /* gsize */
  GPtrArray *assignments;   /* PpShellAssignment*, in file order */
} PpShellScript;

/* Parses @text (a file known as @path, for messages). Errors are
 * PP_EDIT_ERROR_PARSE with "PATH:LINE: message". */
PpShellScript *pp_shell_parse              (const char *path,
                                            const char *text,
                                            GError    **error);
void           pp_shell_script_free        (PpShellScript *script);

guint          pp_shell_script_line_at     (const PpShellScript *script,
                                            gsize                offset);
/* offset of the start of the line holding @offset */
gsize          pp_shell_script_line_start  (const PpShellScript *script,
                                            gsize                offset);
/* offset of the '\n' ending the line holding @offset (or the text length) */
gsize          pp_shell_script_line_end    (const PpShellScript *script,
                                            gsize                offset);

/* The value as the shell would see it, expansions kept as written */
char          *pp_shell_word_dup_value     (const PpShellWord *word);
gboolean       pp_shell_word_is_literal    (const PpShellWord *word);

/* A whitespace-separated field of a word's value (a kernel parameter in
 * GRUB_CMDLINE_LINUX, a module in MODULES="..."). */
typedef struct
{
  char         *text;
  gboolean      opaque;       /* holds an expansion */
  gboolean      splice_safe;  /* its raw bytes are its text, under one quoting */
  PpShellQuote  quote;
  gsize         start;        /* raw range */
  gsize         end;
  gsize         cut_start;    /* raw range that removes it with one separator */
  gsize         cut_end;
} PpShellField;

void           pp_shell_field_free         (PpShellField *field);
/* PpShellField*; separators are unescaped spaces, tabs and newlines */
GPtrArray     *pp_shell_word_split         (const PpShellWord *word);

typedef struct _PpSplices PpSplices;

/* TRUE when wrapping the (unquoted) word in double quotes keeps its value */
gboolean       pp_shell_word_can_be_double_quoted (const PpShellWord *word);

/* Adds to @splices what makes the word's value end with " @text" (no space
 * when the value is empty or ends with a blank), keeping its quoting.
 * @text must be letters, digits, spaces and _ - . , : = / + @ % only. */
void           pp_shell_word_append        (const PpShellScript *script,
                                            const PpShellWord   *word,
                                            const char          *text,
                                            PpSplices           *splices);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpShellScript, pp_shell_script_free)

G_END_DECLS
