/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-advice.h"
#include "pp-boot.h"
#include "pp-host.h"
#include "pp-plan.h"
#include "pp-vm.h"

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

/* A reserved GPU's functions for a VM, ready to paste */
typedef enum
{
  PP_VM_FORMAT_ULTMOS,   /* -device lines for ULTMOS's boot script, between #VFIO_DEV_BEGIN/END */
  PP_VM_FORMAT_LIBVIRT,  /* <hostdev> elements for a libvirt domain's <devices> */
  PP_VM_FORMAT_QEMU,     /* -device arguments for qemu-system-x86_64 */
} PpVmFormat;

#define PP_VM_FORMAT_COUNT 3

gboolean    pp_vm_format_from_string (const char        *text,
                                      PpVmFormat        *format);
const char *pp_vm_format_to_string   (PpVmFormat         format);  /* "ultmos" */
/* the text, every function once, each line ending in a newline */
char       *pp_format_vm             (const PpVmDevices *vm,
                                      PpVmFormat         format);
/* translated: where the text goes, and what to know about it for this card */
char       *pp_format_vm_note        (const PpVmDevices *vm,
                                      PpVmFormat         format);

/* An argv as a shell would need it typed: plain words as they are, others quoted */
char *pp_format_command_line   (char * const      *argv);

G_END_DECLS
