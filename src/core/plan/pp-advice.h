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
} PpGpuAdvice;

typedef struct
{
  PpScenario  scenario;
  char       *scenario_summary; /* translated: what this scenario means, the next step */
  GPtrArray  *gpus;             /* PpGpuAdvice*, in address order */
} PpAdvice;

PpAdvice        *pp_advice_new              (const PpHost *host);
void             pp_advice_free             (PpAdvice *advice);
PpGpuAdvice     *pp_advice_find_gpu         (const PpAdvice *advice,
                                             const char     *address);

const char      *pp_scenario_to_string      (PpScenario     scenario);  /* "igpu-dgpu" */
const char      *pp_macos_support_to_string (PpMacosSupport support);   /* "supported" */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpAdvice, pp_advice_free)

G_END_DECLS
