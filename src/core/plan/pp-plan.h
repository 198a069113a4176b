/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-advice.h"
#include "pp-boot.h"
#include "pp-host.h"

G_BEGIN_DECLS

/* What the user asks for */
typedef struct
{
  const char *address;      /* the GPU */
  PpBootMode  mode;         /* DEFAULT: boot-entry where the host can have it */
  gboolean    acs_override; /* the user's explicit choice: also boot with
                             * pcie_acs_override=downstream,multifunction */
} PpPlanRequest;

typedef struct
{
  char       *gpu;          /* the GPU's address */
  PpBootMode  mode;         /* EVERY_BOOT or BOOT_ENTRY: what this plan does */
  PpBinding   binding;      /* by IDs, or by address where another device has the same IDs */
  gboolean    acs_override; /* the kernel command line gains pcie_acs_override= */
  GPtrArray  *reserve;      /* char*: addresses of the reserved functions */
  GPtrArray  *ids;          /* char*: "10de:1b80", unique, in reserve order */
  GPtrArray  *files;        /* PpFileEdit*: only files whose text changes */
  GPtrArray  *commands;     /* GStrv: argv of each rebuild command, in order */
  GPtrArray  *undo_commands;/* GStrv or NULL, one for each command: what undoes it (NULL: run it again) */
  GPtrArray  *warnings;     /* char*: translated */
  GPtrArray  *manual_steps; /* char*: what to do by hand where this host's tools are not supported */
  char       *refused;      /* NULL, or why this GPU cannot be reserved (then no files, no commands) */
  char       *digest;       /* pp_plan_digest() of the plan; NULL when refused */
  GPtrArray  *boot_entries; /* char*, boot-entry: titles of the Passthrough entries */
  PpRestartMethod restart_method;
  char       *restart_entry;  /* the entry "Restart into Passthrough" boots once, or NULL */
  char       *no_boot_entry;  /* the default mode fell back to every-boot: why; else NULL */
} PpPlan;

/* Plans reserving the GPU @request->address on @host. A refusal is a plan
 * with ->refused set; a GError means a file could not be read or parsed
 * ("/etc/default/grub:14: unterminated quote", "/boot/loader/entries:
 * permission denied"). Touches nothing. */
PpPlan   *pp_plan_reserve          (const PpHost        *host,
                                    const PpBootSetup   *setup,
                                    const PpAdvice      *advice,
                                    const PpPlanRequest *request,
                                    GError             **error);
void      pp_plan_free             (PpPlan *plan);

/* SHA-256, 64 lowercase hex digits, over the plan's canonical form: the GPU,
 * the mode, the binding, the ACS override, the reserved functions, the IDs,
 * each file's path, mode and the
 * SHA-256 of its bytes before (or "absent") and after, and each command's
 * arguments, length-prefixed. Two plans with the same digest write the same
 * bytes to the same files and run the same commands. */
char     *pp_plan_digest           (const PpPlan *plan);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpPlan, pp_plan_free)

G_END_DECLS
