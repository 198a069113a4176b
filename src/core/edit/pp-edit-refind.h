/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-edit.h"
#include "pp-kernel-params.h"

G_BEGIN_DECLS

/* Edits rEFInd's refind_linux.conf: each line holds a label and an option
 * string, both in double quotes ("" stands for a quote inside), "#" starts
 * a comment. The option string of every line gets the parameters (rEFInd
 * offers each line as a way to boot). An option string not in quotes, or a
 * quote left open, is an error naming the line. Returns the new text, or
 * NULL when nothing changes or on error. */
char      *pp_refind_edit_linux_conf (const char                 *path,
                                      const char                 *text,
                                      const PpKernelParamsIntent *intent,
                                      GError                    **error);

/* A "menuentry" stanza of refind.conf that starts Linux (its loader names
 * a vmlinuz or linux image, or it sets options) and is not disabled */
typedef struct
{
  guint  line;     /* the options line, else the menuentry line */
  char  *title;
} PpRefindStanza;

void       pp_refind_stanza_free     (PpRefindStanza *stanza);
/* PpRefindStanza*, in file order */
GPtrArray *pp_refind_linux_stanzas   (const char                 *text);

G_END_DECLS
