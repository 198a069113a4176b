/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-safe-file.h"

G_BEGIN_DECLS

/* One file going from @before to @after (after.exists FALSE: removed). */
typedef struct
{
  char        *path;
  PpFileState  before;
  PpFileState  after;
} PpChange;

/* Writes every change, removes @remove_dirs when empty, then runs every
 * command, emitting a step event for each; steps are numbered from
 * *@step + 1 of @total. If any step fails, or SIGTERM asks the helper to
 * stop before a step, every file already written is put back (@before),
 * directories this run created are removed and every command that started,
 * the failed one included, is undone (or run again on the restored files),
 * so the host is as it was; the error then says so, or is
 * PP_HELPER_EXIT_ROLLBACK_FAILED when putting something back failed too. */
typedef struct
{
  PpSafeRoot *root;
  gboolean    test_mode;
  gboolean    restoring;      /* steps say "Restoring", not "Writing" */
  GPtrArray  *changes;        /* PpChange* */
  GPtrArray  *remove_dirs;    /* char*: host dirs, innermost first, or NULL */
  GPtrArray  *commands;       /* GStrv */
  GPtrArray  *undo_commands;  /* GStrv or NULL, one a command: what rollback runs (NULL: the command again) */
  GPtrArray  *created_dirs;   /* out, char*: dirs the writes created */
  guint       step;
  guint       total;
} PpApply;

PpChange  *pp_change_new        (const char  *path);
void       pp_change_free       (PpChange    *change);

void       pp_apply_init        (PpApply     *apply,
                                 PpSafeRoot  *root,
                                 gboolean     test_mode);
void       pp_apply_clear       (PpApply     *apply);
/* Takes both; @undo may be NULL */
void       pp_apply_add_command (PpApply     *apply,
                                 GStrv        argv,
                                 GStrv        undo);
/* Fails, touching nothing, unless every command can be found. */
gboolean   pp_apply_check_commands (PpApply  *apply,
                                    GError  **error);
gboolean   pp_apply_run         (PpApply     *apply,
                                 GError     **error);
/* Emits step *@step + 1 and counts it; fails when SIGTERM asked the helper
 * to stop: the step must not start */
gboolean   pp_apply_begin_step  (PpApply     *apply,
                                 GError     **error,
                                 const char  *format,
                                 ...) G_GNUC_PRINTF (3, 4);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpChange, pp_change_free)
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpApply, pp_apply_clear)

G_END_DECLS
