/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-host.h"

G_BEGIN_DECLS

/* How a GPU can be reset when a VM stops, and what to do where that is known
 * to go wrong (the AMD cards of reset-gpus.rules). */
typedef struct
{
  GStrv       methods;     /* the kernel's reset_method words, in its order; empty when it lists none */
  gboolean    listed;      /* the kernel has a reset_method file for the card (Linux 5.15 and newer) */
  char       *family;      /* "Polaris 10" when the card is in reset-gpus.rules, else NULL */
  char       *summary;     /* translated, one sentence: how the kernel can reset it */
  char       *advice;      /* translated: the trap and its fix, or NULL when there is none to tell */
} PpResetAdvice;

PpResetAdvice *pp_reset_advice_new  (const PpHost      *host,
                                     const PpPciDevice *gpu);
void           pp_reset_advice_free (PpResetAdvice     *reset);

/* The family of reset-gpus.rules that @gpu belongs to, or NULL */
const char    *pp_reset_family      (const PpPciDevice *gpu);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpResetAdvice, pp_reset_advice_free)

G_END_DECLS
