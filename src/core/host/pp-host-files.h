/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

#include "pp-host.h"

G_BEGIN_DECLS

/* Reading the host's configuration files under its root. A file that does
 * not exist (nor a directory on its way) is normal and is not an error; one
 * that exists but cannot be read is an error that names its host path and
 * why ("/etc/default/grub: permission denied"), in PP_HOST_ERROR with
 * PP_HOST_ERROR_UNREADABLE: a plan must never take such a file for absent. */

/* TRUE with *@text NULL when the file is absent. Fails for a file that cannot
 * be read, that is not a regular file, or that holds a NUL byte (not text). */
gboolean    pp_host_read_file     (const PpHost  *host,
                                   const char    *host_path,
                                   char         **text,
                                   GError       **error);

/* The bytes of a file that need not be text (an EFI variable): TRUE with
 * *@bytes NULL when it is absent, FALSE when it cannot be read or is larger
 * than @max_size. */
gboolean    pp_host_read_bytes    (const PpHost  *host,
                                   const char    *host_path,
                                   gsize          max_size,
                                   GBytes       **bytes,
                                   GError       **error);

/* Whether @host_path exists; fails when that cannot be told (a directory on
 * the way that may not be searched). */
gboolean    pp_host_probe         (const PpHost  *host,
                                   const char    *host_path,
                                   gboolean      *exists,
                                   GError       **error);

/* Host paths of the regular files in @dir whose names end in @suffix, sorted
 * with @compare (which gets const char **). A missing @dir is an empty list;
 * one that cannot be read is an error. */
GPtrArray  *pp_host_list_dir      (const PpHost  *host,
                                   const char    *dir,
                                   const char    *suffix,
                                   GCompareFunc   compare,
                                   GError       **error);

/* Names of the directories in @dir (following symbolic links), sorted; a
 * missing @dir is an empty list, one that cannot be read an error */
GPtrArray  *pp_host_list_subdirs  (const PpHost  *host,
                                   const char    *dir,
                                   GError       **error);

/* The first of @names (program names) found in /usr/bin, /usr/sbin, /bin or
 * /sbin of the host, or NULL */
const char *pp_host_find_tool     (const PpHost        *host,
                                   const char * const  *names);

/* GCompareFunc for pp_host_list_dir: byte order, as a shell glob sorts in C */
int         pp_host_compare_paths (gconstpointer  a,
                                   gconstpointer  b);

G_END_DECLS
