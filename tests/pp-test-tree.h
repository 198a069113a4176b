/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Builds small host trees for tests that need shapes no fixture has. */
char *pp_test_tree_new        (void);
void  pp_test_tree_free       (char       *root);
void  pp_test_tree_write      (const char *root,
                               const char *path,
                               const char *contents);
void  pp_test_tree_write_bytes (const char *root,
                               const char *path,
                               const void *data,
                               gsize       size);
/* An EFI variable NAME-4a67b082-... under sys/firmware/efi/efivars: the
 * attributes 06 00 00 00, then @value in UTF-16LE with a NUL */
void  pp_test_tree_efi_string (const char *root,
                               const char *name,
                               const char *value);
void  pp_test_tree_link       (const char *root,
                               const char *path,
                               const char *target);
void  pp_test_tree_mkdir      (const char *root,
                               const char *path);
/* A PCI function in the kernel's shape: ids, class, driver and group links */
void  pp_test_tree_add_device (const char *root,
                               const char *address,
                               const char *ids,      /* "10de:1b80" */
                               guint32     class_code, /* 0x030000 */
                               const char *driver,   /* or NULL */
                               int         group);   /* or -1 */

/* A scratch directory, removed with everything in it when it goes out of scope */
typedef char PpTestTree;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpTestTree, pp_test_tree_free)

G_END_DECLS
