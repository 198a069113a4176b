/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The scripts backends write to a host (boot/scripts/), with
 * @PASSTHROUGH_PARAMS@ where the parameters of the Passthrough entries go */
extern const char pp_script_grub_entries[];     /* /etc/grub.d/42_passthrough-prep */
extern const char pp_script_kernel_install[];   /* /etc/kernel/install.d/95-passthrough-prep.install */
extern const char pp_script_vfio_bind[];        /* PP_VFIO_BIND_SCRIPT: binds by address, no parameters */

/* @script with its parameters filled in; @params holds no quote (kernel
 * parameters as the plan makes them) */
char *pp_boot_script_render (const char *script,
                             const char *params);

G_END_DECLS
