/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "pp-pci.h"

G_BEGIN_DECLS

#define PP_TYPE_GROUP_CARD (pp_group_card_get_type ())

G_DECLARE_FINAL_TYPE (PpGroupCard, pp_group_card, PP, GROUP_CARD, GtkBox)

/* @group_id is PP_NO_IOMMU_GROUP for the devices outside any group;
 * @devices holds PpPciDevice*, copied into the card's labels */
GtkWidget *pp_group_card_new             (int          group_id,
                                          GPtrArray   *devices);
int        pp_group_card_get_group_id    (PpGroupCard *self);
gboolean   pp_group_card_has_gpu         (PpGroupCard *self);
/* @needle: casefolded text; matches a name, class, vendor:device ID, address or driver */
gboolean   pp_group_card_matches         (PpGroupCard *self,
                                          const char  *needle);
void       pp_group_card_set_highlighted (PpGroupCard *self,
                                          gboolean     highlighted);

G_END_DECLS
