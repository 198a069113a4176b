/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-host.h"
#include "pp-reset.h"

G_BEGIN_DECLS

typedef enum
{
  PP_SCENARIO_NO_GPU,
  PP_SCENARIO_SINGLE_GPU,
  PP_SCENARIO_IGPU_DGPU,
  PP_SCENARIO_MULTI_DGPU,
} PpScenario;

typedef enum
{
  PP_MACOS_UNKNOWN,
  PP_MACOS_SUPPORTED,
  PP_MACOS_UNSUPPORTED,
} PpMacosSupport;

/* What can be done about a GPU that shares its IOMMU group, in the order to try */
typedef enum
{
  PP_REMEDY_CPU_SLOT,          /* move the card to a slot wired to the CPU */
  PP_REMEDY_FIRMWARE,          /* a firmware option or update */
  PP_REMEDY_OWN_FUNCTIONS,     /* only the card's own other devices are in the way */
  PP_REMEDY_ACS_OVERRIDE,      /* the kernel's ACS override: an explicit opt-in */
} PpRemedyKind;

typedef struct
{
  PpRemedyKind  kind;
  char         *text;          /* translated */
} PpRemedy;

typedef struct
{
  PpPciDevice    *gpu;         /* borrowed from the host */
  gboolean        integrated;
  gboolean        viable;
  GPtrArray      *reserve;     /* PpPciDevice*: every function of the GPU's slot, by address */
  GPtrArray      *blockers;    /* PpPciDevice*: devices sharing a reserved group that are
                                * neither reserved functions nor bridges */
  GArray         *groups;      /* int: the IOMMU groups of the reserved functions */
  PpMacosSupport  macos;
  char           *macos_note;  /* "Polaris: supported up to the newest macOS", never NULL */
  char           *verdict;     /* one translated sentence on viability */
  PpResetAdvice  *reset;       /* how the card is reset after a VM, and its trap */
  /* why it is not viable and what can be done (pp-remedies.c) */
  char           *why_not_viable; /* translated; NULL when viable */
  GPtrArray      *remedies;    /* PpRemedy*, in the order to try; empty when viable */
  PpPciDevice    *shared_behind; /* the port behind which its group is shared; NULL: the
                                  * root complex's ports, or not shared */
} PpGpuAdvice;

typedef struct
{
  PpScenario  scenario;
  char       *scenario_summary; /* translated: what this scenario means, the next step */
  GPtrArray  *gpus;             /* PpGpuAdvice*, in address order */
  gboolean    acs_override_kernel; /* the running kernel carries the ACS override patch */
  gboolean    acs_override_active; /* and pcie_acs_override=downstream,multifunction is in effect */
} PpAdvice;

PpAdvice        *pp_advice_new              (const PpHost *host);
void             pp_advice_free             (PpAdvice *advice);
PpGpuAdvice     *pp_advice_find_gpu         (const PpAdvice *advice,
                                             const char     *address);

/* The remedy of @kind offered for @gpu, or NULL */
const PpRemedy  *pp_gpu_advice_find_remedy  (const PpGpuAdvice *gpu,
                                             PpRemedyKind       kind);

/* Whether a kernel of this release carries the ACS override patch
 * (pcie_acs_override=): linux-zen, Liquorix, Proxmox VE, CachyOS, TrueNAS */
gboolean         pp_kernel_has_acs_override (const char     *release);

const char      *pp_remedy_kind_to_string   (PpRemedyKind   kind);      /* "cpu-slot" */
const char      *pp_scenario_to_string      (PpScenario     scenario);  /* "igpu-dgpu" */
const char      *pp_macos_support_to_string (PpMacosSupport support);   /* "supported" */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpAdvice, pp_advice_free)

G_END_DECLS
