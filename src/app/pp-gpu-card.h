/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "pp-advice.h"

G_BEGIN_DECLS

#define PP_TYPE_GPU_CARD (pp_gpu_card_get_type ())

G_DECLARE_FINAL_TYPE (PpGpuCard, pp_gpu_card, PP, GPU_CARD, GtkBox)

GtkWidget  *pp_gpu_card_new         (const PpGpuAdvice *advice);
const char *pp_gpu_card_get_address (PpGpuCard *self);
/* the IOMMU groups of the functions reserving this GPU would take */
gboolean    pp_gpu_card_uses_group  (PpGpuCard *self,
                                     int        group_id);

G_END_DECLS
