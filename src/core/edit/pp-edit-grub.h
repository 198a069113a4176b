/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-edit.h"
#include "pp-kernel-params.h"

G_BEGIN_DECLS

/* Edits the kernel command line that grub-mkconfig builds from
 * "${GRUB_CMDLINE_LINUX} ${GRUB_CMDLINE_LINUX_DEFAULT}".
 * @files: PpTextFile*, /etc/default/grub first, then /etc/default/grub.d/\*.cfg
 * in the order grub-mkconfig sources them (text NULL: the file is absent).
 * Parameters already present are edited where they are (whichever variable,
 * whichever file, the assignment that takes effect); new ones go at the end of
 * the effective GRUB_CMDLINE_LINUX_DEFAULT, or of GRUB_CMDLINE_LINUX when
 * @prefer_linux and there is no _DEFAULT (Fedora); a missing variable is
 * added to the first file. */
PpEditResult *pp_grub_edit_cmdline (GPtrArray                  *files,
                                    const PpKernelParamsIntent *intent,
                                    gboolean                    prefer_linux,
                                    GError                    **error);

/* Makes GRUB's menu show for @seconds where it is hidden
 * (GRUB_TIMEOUT_STYLE=hidden or countdown, GRUB_TIMEOUT=0) in the assignment
 * that takes effect, so that a Passthrough entry can be chosen; a value it
 * cannot read (an expansion, an append) is an error naming FILE:LINE. */
PpEditResult *pp_grub_edit_show_menu (GPtrArray                  *files,
                                      guint                       seconds,
                                      GError                    **error);

G_END_DECLS
