/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-edit.h"
#include "pp-shell.h"

G_BEGIN_DECLS

/* The assignments that make up a variable's final value when several files
 * are sourced in turn (a main file then its drop-ins). */
typedef struct
{
  guint              file;        /* index in the files */
  PpShellAssignment *assignment;
} PpShellLink;

typedef struct
{
  char              *name;
  /* PpShellLink, oldest first: the last plain assignment, then every
   * NAME+=... or NAME="$NAME ..." after it */
  GArray            *links;
  PpShellAssignment *unset;        /* "unset NAME" after every assignment, or NULL */
  guint              unset_file;
  gboolean           is_array;     /* one of the links is NAME=( ... ) */
  guint              array_file;
  guint              array_line;
} PpShellChain;

/* PpShellScript* for each PpTextFile (NULL where the file is absent) */
GPtrArray     *pp_shell_parse_files        (GPtrArray   *files,
                                            GError     **error);
/* Fails (PP_EDIT_ERROR_UNSUPPORTED, "PATH:LINE: ...") when an assignment in
 * the chain only happens at run time (if, case, functions, && ||), or when
 * its value holds what the editors do not model ($'…', $"…", an unquoted ~,
 * an unquoted *, [ or { in an array element): what to change by hand. */
PpShellChain  *pp_shell_chain_find         (GPtrArray   *scripts,
                                            GPtrArray   *files,
                                            const char  *name,
                                            GError     **error);
void           pp_shell_chain_free         (PpShellChain *chain);

/* "$NAME", "${NAME}", "${NAME[@]}", "${NAME[*]}" */
gboolean       pp_shell_field_is_reference (const PpShellField *field,
                                            const char         *name);
gboolean       pp_shell_word_mentions      (const PpShellWord  *word,
                                            const char         *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpShellChain, pp_shell_chain_free)

G_END_DECLS
