/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-edit.h"
#include "pp-host.h"

G_BEGIN_DECLS

/* What the kernel command line must say for VFIO passthrough. */
typedef struct
{
  PpCpuVendor  cpu_vendor;   /* INTEL: intel_iommu=on, AMD: amd_iommu=on, OTHER: neither */
  gboolean     iommu_pt;     /* iommu=pt */
  const char  *vfio_ids;     /* the reserved functions' IDs, "10de:1b80,10de:10f0": vfio-pci.ids=
                              * (unless @no_vfio_ids), and out of pci-stub.ids=; NULL: leave both alone */
  gboolean     no_vfio_ids;  /* bound by address: every vfio-pci.ids= goes, whatever @vfio_ids says */
  gboolean     acs_override; /* pcie_acs_override=downstream,multifunction */
} PpKernelParamsIntent;

/* One parameter of a command line that may be spread over several places
 * (GRUB_CMDLINE_LINUX then GRUB_CMDLINE_LINUX_DEFAULT, several "options"
 * lines); @segment says which, the ranges are raw offsets in its text. */
typedef struct
{
  char     *text;
  gboolean  opaque;       /* holds an unexpanded $VAR or $(...): never matched */
  gboolean  splice_safe;  /* may be replaced in place by plain text */
  gsize     start;
  gsize     end;
  gsize     cut_start;    /* range that removes it with one separator */
  gsize     cut_end;
  guint     segment;
} PpParamToken;

void        pp_param_token_free      (PpParamToken *token);

/* Decides the edit for a command line given as @tokens in the order the
 * kernel reads them. Returns one entry per token: NULL to keep it, "" to
 * remove it, or its new text; fills @append (char*) with what goes at the end.
 * Rules: each managed key (intel_iommu, amd_iommu, iommu, vfio_pci.ids,
 * pcie_acs_override; dash and underscore alike) ends up exactly once, at its
 * last place (vfio_pci.ids nowhere with no_vfio_ids); other
 * parameters, repeated or not (console=), are never touched.
 * Values are merged, not overwritten: "intel_iommu=igfx_off" becomes
 * "intel_iommu=on,igfx_off", "iommu=soft" becomes "iommu=pt",
 * "pcie_acs_override=id:1022:43c6" becomes
 * "pcie_acs_override=downstream,multifunction,id:1022:43c6"; vfio-pci.ids
 * is replaced by the intent's list. A boot option spelled with a dash
 * ("amd-iommu=on") is rewritten with the underscore the kernel's __setup
 * table uses; the module parameter keeps either spelling.
 * The other vendor's switch (amd_iommu= on an Intel CPU) is left alone: the
 * kernel ignores it, and the disk may boot other machines.
 * A pci-stub.ids= (an older way to hold devices for passthrough) that names
 * one of the intent's vfio_ids would claim that function before vfio-pci:
 * those IDs are taken out of it, and it goes when none is left. */
GPtrArray  *pp_kernel_params_plan    (const PpKernelParamsIntent *intent,
                                      GPtrArray                  *tokens,
                                      GPtrArray                  *append);

/* Applies a plan to per-segment splices (@splices[token->segment]); fails
 * when a token to replace is not splice-safe (quotes inside a parameter). */
gboolean    pp_kernel_params_splice  (GPtrArray                  *tokens,
                                      GPtrArray                  *decisions,
                                      PpSplices                 **splices,
                                      const char * const         *paths,
                                      GError                    **error);

/* The first token whose text is only known when the file is read (to be
 * named in a warning), or NULL */
PpParamToken *pp_kernel_params_first_opaque (GPtrArray *tokens);

/* A blank between parameters, as the kernel's isspace () sees it */
gboolean    pp_kernel_params_is_blank (char c);

/* Splits a plain command line (/etc/kernel/cmdline, an "options" value) at
 * blanks; ranges are offsets in @text plus @base. */
void        pp_kernel_params_tokenize (const char *text,
                                       gsize       base,
                                       gsize       len,
                                       guint       segment,
                                       GPtrArray  *tokens);

/* The whole of a plain command line edited (/etc/kernel/cmdline); NULL with
 * @error naming @path where a parameter to change is written with quotes */
char       *pp_kernel_params_edit_line (const PpKernelParamsIntent *intent,
                                        const char                 *path,
                                        const char                 *text,
                                        GError                    **error);

/* "intel_iommu=on iommu=pt vfio-pci.ids=..." : the parameters the intent adds
 * to an empty command line (for grubby --args) */
char       *pp_kernel_params_intent_args (const PpKernelParamsIntent *intent);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpParamToken, pp_param_token_free)

G_END_DECLS
