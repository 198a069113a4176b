/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pp-helper-protocol.h"

G_DEFINE_QUARK (pp-helper-error-quark, pp_helper_error)

static const char * const intent_names[] = {
  [PP_HELPER_INTENT_RESERVE] = "reserve",
  [PP_HELPER_INTENT_REVERT] = "revert",
  [PP_HELPER_INTENT_STATUS] = "status",
  [PP_HELPER_INTENT_NEXT_BOOT] = "next-boot-passthrough",
  [PP_HELPER_INTENT_SAVE_ROM] = "save-rom",
};

static const char * const event_keywords[] = {
  [PP_HELPER_EVENT_STEP] = "step",
  [PP_HELPER_EVENT_LOG] = "log",
  [PP_HELPER_EVENT_WARNING] = "warning",
  [PP_HELPER_EVENT_MANUAL] = "manual",
  [PP_HELPER_EVENT_BACKUP] = "backup",
  [PP_HELPER_EVENT_ROLLBACK] = "rollback",
  [PP_HELPER_EVENT_STATE] = "state",
  [PP_HELPER_EVENT_FILE] = "file",
  [PP_HELPER_EVENT_DONE] = "done",
  [PP_HELPER_EVENT_FAILED] = "failed",
  [PP_HELPER_EVENT_OTHER] = NULL,
};

gboolean
pp_helper_fail (GError       **error,
                PpHelperExit   code,
                const char    *format,
                ...)
{
  va_list args;

  va_start (args, format);
  g_propagate_error (error, g_error_new_valist (PP_HELPER_ERROR, code, format, args));
  va_end (args);
  return FALSE;
}

const char *
pp_helper_intent_to_string (PpHelperIntent intent)
{
  g_return_val_if_fail (intent < G_N_ELEMENTS (intent_names), NULL);
  return intent_names[intent];
}

gboolean
pp_helper_intent_from_string (const char     *text,
                              PpHelperIntent *intent)
{
  for (guint i = 0; i < G_N_ELEMENTS (intent_names); i++)
    if (g_strcmp0 (text, intent_names[i]) == 0)
      {
        *intent = i;
        return TRUE;
      }
  return FALSE;
}

gboolean
pp_helper_digest_is_valid (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p) && !(*p >= 'a' && *p <= 'f'))
      return FALSE;
  return TRUE;
}

GStrv
pp_helper_args_reserve (const char *address,
                        const char *mode,
                        gboolean    acs_override,
                        const char *digest)
{
  const char * const plain[] = { intent_names[PP_HELPER_INTENT_RESERVE], address, mode, digest, NULL };
  const char * const override[] = {
    intent_names[PP_HELPER_INTENT_RESERVE], address, mode, PP_HELPER_ACS_OVERRIDE, digest, NULL,
  };

  return g_strdupv ((GStrv) (acs_override ? override : plain));
}

GStrv
pp_helper_args_save_rom (const char *address)
{
  const char * const args[] = { intent_names[PP_HELPER_INTENT_SAVE_ROM], address, NULL };

  return g_strdupv ((GStrv) args);
}

GStrv
pp_helper_args_for_intent (PpHelperIntent intent)
{
  const char * const args[] = { pp_helper_intent_to_string (intent), NULL };

  g_return_val_if_fail (intent != PP_HELPER_INTENT_RESERVE && intent != PP_HELPER_INTENT_SAVE_ROM, NULL);
  return g_strdupv ((GStrv) args);
}

const char *
pp_helper_event_keyword (PpHelperEventKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (event_keywords), NULL);
  return event_keywords[kind];
}

char *
pp_helper_event_clean_text (const char *text,
                            gssize      length)
{
  g_autofree char *valid = g_utf8_make_valid (text, length);
  GString *clean = g_string_sized_new (MIN (strlen (valid), PP_HELPER_EVENT_MAX_LENGTH) + 1);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gsize before = clean->len;

      if (c == '\t')
        g_string_append_c (clean, ' ');
      else if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        g_string_append_unichar (clean, 0xFFFD);
      else
        g_string_append_unichar (clean, c);
      if (clean->len > PP_HELPER_EVENT_MAX_LENGTH - 3)
        {
          g_string_truncate (clean, before);
          g_string_append (clean, "…");
          break;
        }
    }
  return g_string_free (clean, FALSE);
}

char *
pp_helper_event_format (PpHelperEventKind  kind,
                        const char        *text)
{
  g_autofree char *clean = pp_helper_event_clean_text (text, -1);

  g_return_val_if_fail (kind != PP_HELPER_EVENT_OTHER, NULL);
  return g_strdup_printf ("%s %s", event_keywords[kind], clean);
}

static void
parse_step (PpHelperEvent *event)
{
  const char *p = event->text;
  guint64 n, m;
  char *end;

  if (!g_ascii_isdigit (*p))
    return;
  n = g_ascii_strtoull (p, &end, 10);
  if (*end != '/' || !g_ascii_isdigit (end[1]))
    return;
  m = g_ascii_strtoull (end + 1, &end, 10);
  if ((*end != ' ' && *end != '\0') || n == 0 || m == 0 || n > m || m > G_MAXUINT)
    return;
  event->step = n;
  event->steps = m;
  event->title = *end == ' ' ? end + 1 : end;
}

void
pp_helper_event_parse (const char    *raw,
                       gsize          length,
                       PpHelperEvent *event)
{
  const char *space;

  memset (event, 0, sizeof *event);
  if (length > 0 && raw[length - 1] == '\r')
    length--;
  /* an embedded NUL ends the text; the bytes after it are not a line's */
  length = strnlen (raw, length);
  event->line = pp_helper_event_clean_text (raw, length);
  event->kind = PP_HELPER_EVENT_OTHER;
  event->text = event->line;

  space = strchr (event->line, ' ');
  for (guint i = 0; i < PP_HELPER_EVENT_OTHER; i++)
    {
      gsize keyword_length = strlen (event_keywords[i]);

      if (strncmp (event->line, event_keywords[i], keyword_length) == 0
          && (event->line[keyword_length] == ' ' || event->line[keyword_length] == '\0'))
        {
          event->kind = i;
          event->text = space != NULL ? space + 1 : event->line + keyword_length;
          break;
        }
    }
  if (event->kind == PP_HELPER_EVENT_STEP)
    {
      event->title = event->text;
      parse_step (event);
    }
}

void
pp_helper_event_clear (PpHelperEvent *event)
{
  g_clear_pointer (&event->line, g_free);
  event->text = NULL;
  event->title = NULL;
}
