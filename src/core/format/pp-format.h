/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-advice.h"
#include "pp-boot.h"
#include "pp-host.h"
#include "pp-plan.h"

G_BEGIN_DECLS

/* Every rendering of what core found and planned: the command line's text
 * and JSON (keys documented in README.md) and the Markdown report. JSON is
 * always valid UTF-8: bytes that are not are replaced by U+FFFD. */

char *pp_format_list_text      (const PpHost      *host);
char *pp_format_list_json      (const PpHost      *host);

char *pp_format_check_text     (const PpAdvice    *advice,
                                GPtrArray         *checks);
char *pp_format_check_json     (const PpHost      *host,
                                const PpBootSetup *setup,
                                const PpAdvice    *advice,
                                GPtrArray         *checks);

/* @host may be NULL; the digest is the last line */
char *pp_format_plan_text      (const PpPlan      *plan,
                                const PpHost      *host);
char *pp_format_plan_json      (const PpPlan      *plan);

/* Readiness, GPUs and IOMMU groups as Markdown, for asking for help on a forum */
char *pp_format_report_markdown (const PpHost     *host,
                                 const PpAdvice   *advice,
                                 GPtrArray        *checks);

/* An argv as a shell would need it typed: plain words as they are, others quoted */
char *pp_format_command_line   (char * const      *argv);

G_END_DECLS
