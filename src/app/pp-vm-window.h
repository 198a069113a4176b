/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PP_TYPE_VM_WINDOW (pp_vm_window_get_type ())

G_DECLARE_FINAL_TYPE (PpVmWindow, pp_vm_window, PP, VM_WINDOW, AdwWindow)

/* "Use in a VM" for the reserved GPU at @address of the host under @root:
 * the ULTMOS, libvirt and QEMU texts to copy, and saving the card's ROM
 * through the helper (off, saying @why_not, when that is not NULL) */
PpVmWindow *pp_vm_window_new (GtkWindow  *parent,
                              const char *root,
                              const char *address,
                              const char *why_not);

G_END_DECLS
