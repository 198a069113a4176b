/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PP_TYPE_FLOW_WINDOW (pp_flow_window_get_type ())

G_DECLARE_FINAL_TYPE (PpFlowWindow, pp_flow_window, PP, FLOW_WINDOW, AdwWindow)

/* Reviews the plan of reserving the GPU at @address of the host under @root,
 * then applies it through the helper. */
PpFlowWindow *pp_flow_window_new_reserve (GtkWindow  *parent,
                                          const char *root,
                                          const char *address);
/* Reverts the newest reservation through the helper at once (the caller has
 * asked for confirmation). */
PpFlowWindow *pp_flow_window_new_revert  (GtkWindow  *parent,
                                          const char *root);

G_END_DECLS
