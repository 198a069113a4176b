/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-advice.h"
#include "pp-boot.h"
#include "pp-host.h"

G_BEGIN_DECLS

typedef enum
{
  PP_CHECK_OK,
  PP_CHECK_INFO,
  PP_CHECK_WARNING,
  PP_CHECK_ERROR,
} PpCheckStatus;

/* One line of the readiness report, the same in --check and in the window */
typedef struct
{
  const char    *id;        /* "cpu", "iommu", "cmdline", "vfio", "bootloader", "initramfs", "firmware", "scenario", "reserved", "earlier-vfio", "config-files" */
  PpCheckStatus  status;
  char          *title;     /* "IOMMU" */
  char          *summary;   /* "Off: no IOMMU groups" */
  char          *next_step; /* what to do about it, or NULL when nothing is to be done */
} PpCheck;

GPtrArray     *pp_readiness_checks          (const PpHost      *host,
                                             const PpBootSetup *setup,
                                             const PpAdvice    *advice);
PpCheckStatus  pp_readiness_overall         (GPtrArray      *checks);
const char    *pp_check_status_to_string    (PpCheckStatus   status); /* "ok", "info", "warning", "error" */

G_END_DECLS
