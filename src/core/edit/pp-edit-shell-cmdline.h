/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-edit.h"
#include "pp-kernel-params.h"
#include "pp-shell-chain.h"

G_BEGIN_DECLS

/* Kernel command lines held in shell variables of sourced files */

/* Appends to @tokens (PpParamToken*) the parameters of @chain's value, each
 * with its file as segment; "NAME+=x" glued to the value before it, and
 * expansions, are opaque. */
void          pp_shell_chain_param_tokens (PpShellChain *chain,
                                           GPtrArray    *tokens);

/* Appends @args to the value of @chain's last assignment, the one that takes
 * effect; FALSE (nothing added) when nothing assigns it */
gboolean      pp_shell_chain_append_args  (GPtrArray                  *scripts,
                                           PpShellChain               *chain,
                                           const char                 *args,
                                           PpSplices                 **splices);

/* Edits the kernel command line in the shell variable @name as sourcing
 * @files (PpTextFile*, text NULL when absent) in order leaves it
 * (sdboot-manage's LINUX_OPTIONS): parameters already there are edited
 * where they take effect, new ones go at the end of the assignment that
 * takes effect, or in a new NAME="..." line at the end of the first file
 * (which is created when absent). The result is read back: an edit that
 * does not read as done is refused. */
PpEditResult *pp_shell_edit_cmdline      (GPtrArray                  *files,
                                          const char                 *name,
                                          const PpKernelParamsIntent *intent,
                                          GError                    **error);

G_END_DECLS
