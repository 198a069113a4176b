/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-host.h"
#include "pp-plan.h"

G_BEGIN_DECLS

/* --plan ADDR [--json] [--root DIR]: prints what reserving the GPU would
 * change and writes nothing. Returns 0 when there is a plan, 1 when it is
 * refused or the host cannot be read (the reason on stderr, and in the JSON
 * as "refused"), 2 for an address that is not one. */
int    pp_cli_plan              (const char *root,
                                 const char *address,
                                 gboolean    json);

/* The renderings pp_cli_plan prints */
char  *pp_plan_to_text          (const PpPlan *plan,
                                 const PpHost *host);
char  *pp_plan_to_json          (const PpPlan *plan);

G_END_DECLS
