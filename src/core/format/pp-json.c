/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pp-json.h"

#define PP_JSON_MAX_DEPTH 64

struct _PpJson
{
  GString  *out;
  gboolean  pretty;
  int       depth;
  gboolean  has_items[PP_JSON_MAX_DEPTH];
};

PpJson *
pp_json_new (gboolean pretty)
{
  PpJson *json = g_new0 (PpJson, 1);

  json->out = g_string_new (NULL);
  json->pretty = pretty;
  return json;
}

void
pp_json_free (PpJson *json)
{
  if (json == NULL)
    return;
  g_string_free (json->out, TRUE);
  g_free (json);
}

char *
pp_json_steal_text (PpJson *json)
{
  char *text;

  g_return_val_if_fail (json->depth == 0, NULL);
  text = g_string_free (json->out, FALSE);
  g_free (json);
  return text;
}

void
pp_json_escape (GString    *out,
                const char *value)
{
  const char *p = value;

  g_string_append_c (out, '"');
  while (*p != '\0')
    {
      guchar c = (guchar) *p;

      if (c >= 0x80)
        {
          /* a valid character as it is, each byte of an invalid one as U+FFFD */
          gunichar u = g_utf8_get_char_validated (p, -1);

          if (u == (gunichar) -1 || u == (gunichar) -2)
            {
              g_string_append (out, "\xef\xbf\xbd");
              p++;
            }
          else
            {
              const char *next = g_utf8_next_char (p);

              g_string_append_len (out, p, next - p);
              p = next;
            }
          continue;
        }
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
      p++;
    }
  g_string_append_c (out, '"');
}

static void
pp_json_newline (PpJson *json)
{
  if (!json->pretty)
    return;
  g_string_append_c (json->out, '\n');
  for (int i = 0; i < json->depth; i++)
    g_string_append (json->out, "  ");
}

static void
pp_json_begin_value (PpJson     *json,
                     const char *key)
{
  if (json->depth > 0)
    {
      if (json->has_items[json->depth])
        g_string_append_c (json->out, ',');
      json->has_items[json->depth] = TRUE;
      pp_json_newline (json);
    }
  if (key != NULL)
    {
      pp_json_escape (json->out, key);
      g_string_append (json->out, json->pretty ? ": " : ":");
    }
}

static void
pp_json_open (PpJson     *json,
              const char *key,
              char        bracket)
{
  pp_json_begin_value (json, key);
  g_string_append_c (json->out, bracket);
  g_return_if_fail (json->depth + 1 < PP_JSON_MAX_DEPTH);
  json->depth++;
  json->has_items[json->depth] = FALSE;
}

static void
pp_json_close (PpJson *json,
               char    bracket)
{
  gboolean had_items;

  g_return_if_fail (json->depth > 0);
  had_items = json->has_items[json->depth];
  json->depth--;
  if (had_items)
    pp_json_newline (json);
  g_string_append_c (json->out, bracket);
  if (json->depth == 0 && json->pretty)
    g_string_append_c (json->out, '\n');
}

void pp_json_begin_object (PpJson *json, const char *key) { pp_json_open (json, key, '{'); }
void pp_json_end_object   (PpJson *json)                  { pp_json_close (json, '}'); }
void pp_json_begin_array  (PpJson *json, const char *key) { pp_json_open (json, key, '['); }
void pp_json_end_array    (PpJson *json)                  { pp_json_close (json, ']'); }

void
pp_json_string (PpJson     *json,
                const char *key,
                const char *value)
{
  pp_json_begin_value (json, key);
  if (value == NULL)
    g_string_append (json->out, "null");
  else
    pp_json_escape (json->out, value);
}

void
pp_json_int (PpJson     *json,
             const char *key,
             gint64      value)
{
  pp_json_begin_value (json, key);
  g_string_append_printf (json->out, "%" G_GINT64_FORMAT, value);
}

void
pp_json_bool (PpJson     *json,
              const char *key,
              gboolean    value)
{
  pp_json_begin_value (json, key);
  g_string_append (json->out, value ? "true" : "false");
}

void
pp_json_null (PpJson     *json,
              const char *key)
{
  pp_json_begin_value (json, key);
  g_string_append (json->out, "null");
}
