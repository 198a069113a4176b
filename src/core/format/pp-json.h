/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A small streaming JSON writer: keys are passed with each value inside
 * objects and as NULL inside arrays; commas are placed by the writer. */
typedef struct _PpJson PpJson;

PpJson   *pp_json_new          (gboolean pretty);
void      pp_json_free         (PpJson *json);
char     *pp_json_steal_text   (PpJson *json);   /* frees @json */

void      pp_json_begin_object (PpJson *json, const char *key);
void      pp_json_end_object   (PpJson *json);
void      pp_json_begin_array  (PpJson *json, const char *key);
void      pp_json_end_array    (PpJson *json);
void      pp_json_string       (PpJson *json, const char *key, const char *value); /* NULL -> null */
void      pp_json_int          (PpJson *json, const char *key, gint64 value);
void      pp_json_bool         (PpJson *json, const char *key, gboolean value);
void      pp_json_null         (PpJson *json, const char *key);

/* Appends @value as a quoted, escaped JSON string */
void      pp_json_escape       (GString *out, const char *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PpJson, pp_json_free)

G_END_DECLS
