/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pp-helper-protocol.h"

typedef struct
{
  const char        *line;
  PpHelperEventKind  kind;
  const char        *text;
} EventCase;

static const EventCase event_cases[] = {
  { "step 2/5 Writing /etc/default/grub", PP_HELPER_EVENT_STEP, "2/5 Writing /etc/default/grub" },
  { "log mkinitcpio: ==> Building image", PP_HELPER_EVENT_LOG, "mkinitcpio: ==> Building image" },
  { "warning 0000:01:00.0 drives the display", PP_HELPER_EVENT_WARNING, "0000:01:00.0 drives the display" },
  { "manual Add these parameters", PP_HELPER_EVENT_MANUAL, "Add these parameters" },
  { "backup /var/lib/passthrough-prep/backups/20261124T163000.123456Z", PP_HELPER_EVENT_BACKUP,
    "/var/lib/passthrough-prep/backups/20261124T163000.123456Z" },
  { "rollback Restored /etc/default/grub", PP_HELPER_EVENT_ROLLBACK, "Restored /etc/default/grub" },
  { "state applied 20261124T163000.123456Z reserve 0000:01:00.0", PP_HELPER_EVENT_STATE,
    "applied 20261124T163000.123456Z reserve 0000:01:00.0" },
  { "state none", PP_HELPER_EVENT_STATE, "none" },
  { "file applied /etc/default/grub", PP_HELPER_EVENT_FILE, "applied /etc/default/grub" },
  { "done Reserved 0000:01:00.0", PP_HELPER_EVENT_DONE, "Reserved 0000:01:00.0" },
  { "failed nothing was written", PP_HELPER_EVENT_FAILED, "nothing was written" },
  { "done", PP_HELPER_EVENT_DONE, "" },
  /* not events: pkexec's own words, a keyword's prefix, an unknown keyword */
  { "Error executing command as another user: Not authorized", PP_HELPER_EVENT_OTHER,
    "Error executing command as another user: Not authorized" },
  { "doneness is not a word here", PP_HELPER_EVENT_OTHER, "doneness is not a word here" },
  { "", PP_HELPER_EVENT_OTHER, "" },
};

static void
test_every_event (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (event_cases); i++)
    {
      const EventCase *c = &event_cases[i];
      g_auto(PpHelperEvent) event = { 0 };

      pp_helper_event_parse (c->line, strlen (c->line), &event);
      g_assert_cmpint (event.kind, ==, c->kind);
      g_assert_cmpstr (event.text, ==, c->text);
      g_assert_cmpstr (event.line, ==, c->line);
      if (c->kind != PP_HELPER_EVENT_OTHER)
        {
          /* what the helper prints is read back as the same event */
          g_autofree char *formatted = pp_helper_event_format (c->kind, c->text);

          g_assert_cmpstr (formatted, ==, *c->text != '\0' ? c->line : "done ");
        }
    }
}

static void
test_step_numbers (void)
{
  const struct { const char *line; guint step, steps; const char *title; } cases[] = {
    { "step 2/5 Writing /etc/default/grub", 2, 5, "Writing /etc/default/grub" },
    { "step 5/5", 5, 5, "" },
    { "step 6/5 past the end", 0, 0, "6/5 past the end" },
    { "step 0/5 none", 0, 0, "0/5 none" },
    { "step x/5 text", 0, 0, "x/5 text" },
    { "step 1/99999999999999999999 huge", 0, 0, "1/99999999999999999999 huge" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(PpHelperEvent) event = { 0 };

      pp_helper_event_parse (cases[i].line, strlen (cases[i].line), &event);
      g_assert_cmpint (event.kind, ==, PP_HELPER_EVENT_STEP);
      g_assert_cmpuint (event.step, ==, cases[i].step);
      g_assert_cmpuint (event.steps, ==, cases[i].steps);
      g_assert_cmpstr (event.title, ==, cases[i].title);
    }
}

static void
test_invalid_utf8 (void)
{
  const char raw[] = "log grub-mkconfig: Gr\xfc\xdf Gott \xff\xfe end";
  g_auto(PpHelperEvent) event = { 0 };

  pp_helper_event_parse (raw, sizeof raw - 1, &event);
  g_assert_cmpint (event.kind, ==, PP_HELPER_EVENT_LOG);
  g_assert_true (g_utf8_validate (event.line, -1, NULL));
  g_assert_nonnull (strstr (event.text, "Gott"));
  g_assert_nonnull (strstr (event.text, "\xef\xbf\xbd"));
  g_assert_true (g_str_has_suffix (event.text, " end"));
}

static void
test_control_characters (void)
{
  const char raw[] = "log mkinitcpio: \x1b[1m==> Building\x1b[0m\tdone\r";
  g_auto(PpHelperEvent) event = { 0 };
  g_autofree char *formatted = pp_helper_event_format (PP_HELPER_EVENT_FAILED, "one\ntwo\rthree");

  pp_helper_event_parse (raw, sizeof raw - 1, &event);
  g_assert_null (strchr (event.line, '\x1b'));
  g_assert_null (strchr (event.line, '\r'));
  g_assert_nonnull (strstr (event.line, "Building"));
  g_assert_nonnull (strstr (event.line, " done"));
  /* an event never spans lines */
  g_assert_null (strchr (formatted, '\n'));
  g_assert_null (strchr (formatted, '\r'));
  g_assert_true (g_str_has_prefix (formatted, "failed one"));
}

static void
test_over_long_line (void)
{
  gsize length = 3 * PP_HELPER_EVENT_MAX_LENGTH;
  g_autofree char *raw = g_malloc (length + 1);
  g_auto(PpHelperEvent) event = { 0 };

  memcpy (raw, "log tool: ", 10);
  /* a two-byte character across the cut must not be split */
  for (gsize i = 10; i + 1 < length; i += 2)
    memcpy (raw + i, "\xc3\xa9", 2);
  raw[length] = '\0';
  pp_helper_event_parse (raw, length, &event);
  g_assert_cmpint (event.kind, ==, PP_HELPER_EVENT_LOG);
  g_assert_cmpuint (strlen (event.line), <=, PP_HELPER_EVENT_MAX_LENGTH);
  g_assert_true (g_utf8_validate (event.line, -1, NULL));
  g_assert_true (g_str_has_suffix (event.line, "…"));
}

static void
test_nul_in_line (void)
{
  const char raw[] = "done ok\0hidden";
  g_auto(PpHelperEvent) event = { 0 };

  pp_helper_event_parse (raw, sizeof raw - 1, &event);
  g_assert_cmpint (event.kind, ==, PP_HELPER_EVENT_DONE);
  g_assert_cmpstr (event.text, ==, "ok");
}

static void
test_intents_and_arguments (void)
{
  const char *digest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  g_auto(GStrv) reserve = pp_helper_args_reserve ("0000:01:00.0", "boot-entry", FALSE, digest);
  g_auto(GStrv) override = pp_helper_args_reserve ("0000:01:00.0", "every-boot", TRUE, digest);
  g_auto(GStrv) revert = pp_helper_args_for_intent (PP_HELPER_INTENT_REVERT);
  PpHelperIntent intent;

  g_assert_cmpuint (g_strv_length (reserve), ==, 4);
  g_assert_cmpstr (reserve[0], ==, "reserve");
  g_assert_cmpstr (reserve[1], ==, "0000:01:00.0");
  g_assert_cmpstr (reserve[2], ==, "boot-entry");
  g_assert_cmpstr (reserve[3], ==, digest);
  /* the override is a fixed word between the mode and the digest */
  g_assert_cmpuint (g_strv_length (override), ==, 5);
  g_assert_cmpstr (override[1], ==, "0000:01:00.0");
  g_assert_cmpstr (override[2], ==, "every-boot");
  g_assert_cmpstr (override[3], ==, "acs-override");
  g_assert_cmpstr (override[4], ==, digest);
  g_assert_cmpuint (g_strv_length (revert), ==, 1);
  g_assert_cmpstr (revert[0], ==, "revert");

  for (PpHelperIntent i = PP_HELPER_INTENT_RESERVE; i <= PP_HELPER_INTENT_NEXT_BOOT; i++)
    {
      g_assert_true (pp_helper_intent_from_string (pp_helper_intent_to_string (i), &intent));
      g_assert_cmpint (intent, ==, i);
    }
  g_assert_false (pp_helper_intent_from_string ("Reserve", &intent));
  g_assert_false (pp_helper_intent_from_string ("", &intent));
  g_assert_false (pp_helper_intent_from_string (NULL, &intent));

  g_assert_true (pp_helper_digest_is_valid (digest));
  g_assert_false (pp_helper_digest_is_valid ("0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"));
  g_assert_false (pp_helper_digest_is_valid ("0123"));
  g_assert_false (pp_helper_digest_is_valid ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg"));
  g_assert_false (pp_helper_digest_is_valid ("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0"));
  g_assert_false (pp_helper_digest_is_valid (NULL));
}

static void
test_exit_statuses_avoid_pkexec (void)
{
  /* pkexec's own 126 and 127 must never be ours */
  for (int status = PP_HELPER_EXIT_OK; status <= PP_HELPER_EXIT_LAST; status++)
    g_assert_true (status != 126 && status != 127);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/protocol/events/every-keyword", test_every_event);
  g_test_add_func ("/protocol/events/step-numbers", test_step_numbers);
  g_test_add_func ("/protocol/events/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/protocol/events/control-characters", test_control_characters);
  g_test_add_func ("/protocol/events/over-long-line", test_over_long_line);
  g_test_add_func ("/protocol/events/nul-in-line", test_nul_in_line);
  g_test_add_func ("/protocol/intents-and-arguments", test_intents_and_arguments);
  g_test_add_func ("/protocol/exit-statuses", test_exit_statuses_avoid_pkexec);
  return g_test_run ();
}
