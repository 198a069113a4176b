/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-edit.h"

G_BEGIN_DECLS

#define PP_BOOSTER_CONFIG "/etc/booster.yaml"

/* Edits booster's configuration so that modules_force_load (a
 * comma-separated string: booster loads these before switching root, and
 * puts them in the image) names vfio_pci, vfio and vfio_iommu_type1, ahead
 * of what it lists. A small part of YAML is read: top-level "key: value"
 * lines with plain or quoted one-line values, comments, blank lines, a
 * leading "---". A shape it does not model where it matters (a block or
 * flow value for modules_force_load, the key twice, escapes, a second
 * document) is an error naming the line. @text NULL: the file is absent and
 * is made. Returns the new text, or NULL when nothing changes or on error. */
char *pp_booster_edit_config (const char  *path,
                              const char  *text,
                              GError     **error);

G_END_DECLS
