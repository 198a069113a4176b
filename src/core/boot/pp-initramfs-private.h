/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "pp-boot.h"

G_BEGIN_DECLS

/* Shared by initramfs backends that build with the same tool underneath */

/* mkinitcpio's MODULES (mkinitcpio, limine-mkinitcpio) */
gboolean  pp_initramfs_mkinitcpio_plan_modules (const PpBootRequest *request,
                                                GError             **error);
/* Binding by address with mkinitcpio: our hook in HOOKS, its install and
 * runtime parts (or a refusal where a systemd image would never run it) */
gboolean  pp_initramfs_mkinitcpio_plan_bind_by_address (const PpBootRequest  *request,
                                                        char                **refusal,
                                                        GError              **error);
#define PP_MKINITCPIO_BIND_INSTALL "/etc/initcpio/install/passthrough-prep-vfio"
#define PP_MKINITCPIO_BIND_RUNTIME "/etc/initcpio/hooks/passthrough-prep-vfio"
#define PP_MKINITCPIO_WRITES \
  "/etc/mkinitcpio.conf", "/etc/mkinitcpio.conf.d/*.conf", PP_MKINITCPIO_BIND_INSTALL, PP_MKINITCPIO_BIND_RUNTIME

/* Our dracut.conf.d drop-in, checked against the files read after it
 * (dracut, rpm-ostree's dracut run); @install_items (NULL-terminated, or
 * NULL): host files the image must carry */
gboolean  pp_initramfs_dracut_plan_dropin      (const PpBootRequest *request,
                                                const char * const  *install_items,
                                                GError             **error);

/* The rebuild command, or a step by hand naming @tool and the command where
 * the host does not have it */
void      pp_initramfs_plan_tool_rebuild       (const PpBootRequest *request,
                                                const char          *tool,
                                                ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
