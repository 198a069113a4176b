/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-advice.h"
#include "pp-host.h"

G_BEGIN_DECLS

/* Readiness, GPUs and IOMMU groups as Markdown, for asking for help on a forum */
char *pp_report_markdown (const PpHost   *host,
                          const PpAdvice *advice,
                          GPtrArray      *checks);

G_END_DECLS
