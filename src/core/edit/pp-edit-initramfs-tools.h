/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-edit.h"

G_BEGIN_DECLS

#define PP_INITRAMFS_TOOLS_MODULES "/etc/initramfs-tools/modules"

/* Edits /etc/initramfs-tools/modules (one "module [args]" a line, '#'
 * comments): vfio_pci vfio vfio_iommu_type1 ahead of any GPU driver, no
 * vfio_virqfd, a vfio_pci "ids=" argument set to @ids (removed where @ids
 * is "": bound by address, no IDs at all). @text NULL: the file
 * is absent. Returns the new text, or NULL when nothing changes. */
char *pp_initramfs_tools_edit_modules (const char *path,
                                       const char *text,
                                       const char *ids);

/* A modules file (initramfs-tools' or /etc/modules) with the "ids=" argument
 * of line @line set to @ids (taken out where @ids is ""); NULL when that line
 * has none or it is @ids already */
char *pp_modules_line_set_ids         (const char *text,
                                       guint       line,
                                       const char *ids);

G_END_DECLS
