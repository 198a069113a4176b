/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "pp-advice.h"
#include "pp-host.h"

G_BEGIN_DECLS

#define PP_TYPE_TOPOLOGY_VIEW (pp_topology_view_get_type ())

G_DECLARE_FINAL_TYPE (PpTopologyView, pp_topology_view, PP, TOPOLOGY_VIEW, GtkWidget)

/* The PCIe tree as a keyboard-navigable tree list: root complex, root ports
 * and switches, devices, each marked with its IOMMU group (colour and number),
 * the port behind which a GPU's group is shared marked with why, and the
 * selected GPU's path highlighted. */
GtkWidget  *pp_topology_view_new              (void);
/* Builds the tree of @host; @advice says which ports make groups shared */
void        pp_topology_view_set_host         (PpTopologyView *self,
                                               const PpHost   *host,
                                               const PpAdvice *advice);
/* Highlights the path to the GPU at @address and its functions (NULL: none) */
void        pp_topology_view_set_selected_gpu (PpTopologyView *self,
                                               const char     *address);

G_END_DECLS
