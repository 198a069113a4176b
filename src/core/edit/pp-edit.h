/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PP_EDIT_ERROR (pp_edit_error_quark ())

typedef enum
{
  PP_EDIT_ERROR_PARSE,        /* the file is not valid shell / not the format we expect */
  PP_EDIT_ERROR_UNSUPPORTED,  /* valid, but the edit would need evaluating it or guessing */
} PpEditError;

/* A config file as text: the host path it is known by and its bytes.
 * @text NULL means the file does not exist. */
typedef struct
{
  char *path;
  char *text;
} PpTextFile;

/* What an editor gives back: for each input file, its new text or NULL
 * when it does not change; and what the user should know. */
typedef struct
{
  GPtrArray *texts;      /* char*, one per input file */
  GPtrArray *warnings;   /* char*, translated */
} PpEditResult;

GQuark      pp_edit_error_quark   (void);

PpEditResult *pp_edit_result_new  (guint n_files);
void        pp_edit_result_free   (PpEditResult *result);
/* What goes before a new line appended to @text so that it starts a new
 * command: "" after a newline, "\n" otherwise, more after a trailing
 * backslash that would join the lines */
const char *pp_edit_append_separator (const char *text);

/* The files with the result's texts in place of theirs (PpTextFile*) */
GPtrArray  *pp_edit_result_apply  (PpEditResult *result,
                                   GPtrArray    *files);
/* TRUE when the result changes no file */
gboolean    pp_edit_result_is_empty (PpEditResult *result);

/* Sorts drop-in names as `sort -V` would (mkinitcpio) */
int         pp_edit_version_compare (const char *a,
                                     const char *b);

PpTextFile *pp_text_file_new      (const char *path,
                                   const char *text);
void        pp_text_file_free     (PpTextFile *file);

/* A list of byte-range replacements on one text, applied all at once.
 * Ranges refer to the original text and must not overlap (two inserts
 * at the same offset are kept in the order they were added). */
typedef struct _PpSplices PpSplices;

PpSplices  *pp_splices_new        (void);
void        pp_splices_free       (PpSplices  *splices);
void        pp_splices_add        (PpSplices  *splices,
                                   gsize       start,
                                   gsize       end,
                                   const char *replacement);
guint       pp_splices_count      (PpSplices  *splices);
/* Returns the new text, or NULL with @error when two ranges overlap. */
char       *pp_splices_apply      (PpSplices  *splices,
                                   const char *path,
                                   const char *text,
                                   GError    **error);

/* pp_splices_apply (), but NULL (and no error) when nothing changes */
char       *pp_splices_apply_changed (PpSplices  *splices,
                                      const char *path,
                                      const char *text,
                                      GError    **error);

/* An empty set of splices for each of @files (PpTextFile*), freed by
 * pp_edit_result_finish (); @paths, when not NULL, gets their paths */
PpSplices **pp_edit_splices_new  (GPtrArray    *files,
                                  const char ***paths);

/* Applies splices[i] to files[i] and stores each changed text in
 * result->texts[i]; FALSE with @error when a set of ranges overlaps. */
gboolean    pp_edit_result_take_splices (PpEditResult *result,
                                         GPtrArray    *files,
                                         PpSplices   **splices,
                                         GError      **error);

/* The end of an editor of several files: when @ok, the splices go into
 * @result (pp_edit_result_take_splices); every set is freed. Returns
 * @result, or NULL (freeing it) when anything failed. */
PpEditResult *pp_edit_result_finish (PpEditResult *result,
                                     GPtrArray    *files,
                                     PpSplices   **splices,
                                     gboolean      ok,
                                     GError      **error);

/* An editor of @files (PpTextFile*) */
typedef PpEditResult *(*PpEditFunc) (GPtrArray     *files,
                                     gconstpointer  data,
                                     GError       **error);

/* Runs @edit, then again on the files it edited: an edit that does not read
 * back as done (a continuation or a here-document swallowing the new text,
 * a shape misjudged) fails with "FIRST-PATH: @what cannot be edited safely
 * in this file; edit it by hand" */
PpEditResult *pp_edit_read_back     (PpEditFunc     edit,
                                     GPtrArray     *files,
                                     gconstpointer  data,
                                     const char    *what,
                                     GError       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpTextFile, pp_text_file_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpEditResult, pp_edit_result_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpSplices, pp_splices_free)

G_END_DECLS
