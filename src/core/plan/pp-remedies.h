/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-advice.h"

G_BEGIN_DECLS

void  pp_remedy_free      (PpRemedy *remedy);

/* Fills each GPU's why_not_viable, remedies and shared_behind, and the
 * advice's ACS override facts. @groups: group id -> PpIommuGroup*. */
void  pp_advice_explain   (PpAdvice     *advice,
                           const PpHost *host,
                           GHashTable   *groups);

G_END_DECLS
