/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-advice.h"
#include "pp-host.h"

G_BEGIN_DECLS

/* One file the plan changes. Paths are the host's paths ("/etc/mkinitcpio.conf"),
 * also under --root; pp_host_path() maps them to the disk. */
typedef struct
{
  char *path;
  char *old_text;    /* NULL when the plan creates the file */
  char *new_text;
  char *diff;        /* unified diff, "--- a/etc/..." "+++ b/etc/..." */
} PpFileEdit;

typedef struct
{
  char      *gpu;          /* the GPU's address */
  GPtrArray *reserve;      /* char*: addresses of the reserved functions */
  GPtrArray *ids;          /* char*: "10de:1b80", unique, in reserve order */
  GPtrArray *files;        /* PpFileEdit*: only files whose text changes */
  GPtrArray *commands;     /* GStrv: argv of each rebuild command, in order */
  GPtrArray *warnings;     /* char*: translated */
  GPtrArray *manual_steps; /* char*: what to do by hand where this host's tools are not supported */
  char      *refused;      /* NULL, or why this GPU cannot be reserved (then no files, no commands) */
} PpPlan;

/* Plans reserving the GPU at @address on @host. A refusal is a plan with
 * ->refused set; a GError means a file could not be read or parsed
 * ("/etc/default/grub:14: unterminated quote"). Touches nothing. */
PpPlan   *pp_plan_reserve     (const PpHost   *host,
                               const PpAdvice *advice,
                               const char     *address,
                               GError        **error);
void      pp_plan_free        (PpPlan *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpPlan, pp_plan_free)

G_END_DECLS
