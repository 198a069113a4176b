/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-helper"

#include "config.h"

#include <string.h>

#include "pp-helper-args.h"
#include "pp-pci.h"

#define MAX_QUOTED_ARG 64

static const char usage[] =
  "usage: passthrough-prep-helper reserve ADDRESS [every-boot|boot-entry] [acs-override] DIGEST | revert | "
  "status | next-boot-passthrough | save-rom ADDRESS";

/* Callers may be hostile: quote an argument only when it is short printable
 * ASCII, else describe it. */
static char *
describe_arg (const char *arg)
{
  gsize len = strlen (arg);

  if (len == 0)
    return g_strdup ("an empty argument");
  if (len > MAX_QUOTED_ARG)
    return g_strdup_printf ("an argument of %" G_GSIZE_FORMAT " bytes", len);
  for (const char *p = arg; *p != '\0'; p++)
    if (*p < 0x20 || *p > 0x7e)
      return g_strdup ("an argument with non-ASCII or control characters");

  return g_strdup_printf ("\"%s\"", arg);
}

static gboolean
parse_address (int                 argc,
               const char * const *args,
               int                *i,
               const char         *missing,
               PpHelperArgs       *out,
               GError            **error)
{
  g_autofree char *what = NULL;

  if (*i >= argc)
    return pp_helper_fail (error, PP_HELPER_EXIT_USAGE, "%s", missing);
  if (!pp_pci_address_is_valid (args[*i]))
    {
      what = describe_arg (args[*i]);
      return pp_helper_fail (error, PP_HELPER_EXIT_USAGE,
                             "%s is not a PCI address of the form 0000:01:00.0 (lower-case hex, function 0-7)",
                             what);
    }
  out->address = g_strdup (args[(*i)++]);
  return TRUE;
}

static gboolean
parse_reserve (int                 argc,
               const char * const *args,
               int                *i,
               PpHelperArgs       *out,
               GError            **error)
{
  g_autofree char *what = NULL;

  if (!parse_address (argc, args, i,
                      "reserve needs the PCI address of a GPU, like 0000:01:00.0, and the digest of its plan",
                      out, error))
    return FALSE;
  out->mode = PP_BOOT_MODE_DEFAULT;
  if (*i < argc && (g_str_equal (args[*i], "every-boot") || g_str_equal (args[*i], "boot-entry")))
    pp_boot_mode_from_string (args[(*i)++], &out->mode);
  /* a fixed word, never free text: the plan with the ACS override */
  if (*i < argc && g_str_equal (args[*i], PP_HELPER_ACS_OVERRIDE))
    {
      out->acs_override = TRUE;
      (*i)++;
    }
  if (*i >= argc)
    return pp_helper_fail (error, PP_HELPER_EXIT_USAGE,
                           "reserve needs the digest of the plan that was reviewed after the address "
                           "(passthrough-prep --plan %s --json prints it)", out->address);
  if (!pp_helper_digest_is_valid (args[*i]))
    {
      what = describe_arg (args[*i]);
      return pp_helper_fail (error, PP_HELPER_EXIT_USAGE,
                             "%s is not a plan digest (64 lower-case hex digits)", what);
    }
  out->digest = g_strdup (args[(*i)++]);
  return TRUE;
}

static gboolean
parse_into (int                 argc,
            const char * const *args,
            gboolean            under_pkexec,
            PpHelperArgs       *out,
            GError            **error)
{
  int i = 0;
  const char *intent;

#ifdef PP_HELPER_TEST_BUILD
  if (argc > 0 && g_strcmp0 (args[0], "--root") == 0)
    {
      if (under_pkexec)
        return pp_helper_fail (error, PP_HELPER_EXIT_NOT_PERMITTED,
                               "--root is a test hook and is refused when run through pkexec");
      if (argc < 2 || args[1][0] == '\0')
        return pp_helper_fail (error, PP_HELPER_EXIT_USAGE, "--root needs a directory; %s", usage);
      out->test_root = g_strdup (args[1]);
      i = 2;
    }
#endif

  if (i >= argc)
    return pp_helper_fail (error, PP_HELPER_EXIT_USAGE, "no intent given; %s", usage);

  intent = args[i++];
  if (!pp_helper_intent_from_string (intent, &out->intent))
    {
      g_autofree char *what = describe_arg (intent);

      return pp_helper_fail (error, PP_HELPER_EXIT_USAGE,
                             "unknown intent %s; expected reserve, revert, status, next-boot-passthrough or "
                             "save-rom", what);
    }
  if (out->intent == PP_HELPER_INTENT_RESERVE && !parse_reserve (argc, args, &i, out, error))
    return FALSE;
  if (out->intent == PP_HELPER_INTENT_SAVE_ROM
      && !parse_address (argc, args, &i, "save-rom needs the PCI address of a reserved GPU, like 0000:01:00.0",
                         out, error))
    return FALSE;

  if (i < argc)
    {
      g_autofree char *what = describe_arg (args[i]);

      return pp_helper_fail (error, PP_HELPER_EXIT_USAGE,
                             "unexpected %s after %s; %s", what, intent, usage);
    }

  return TRUE;
}

gboolean
pp_helper_args_parse (int                 argc,
                      const char * const *args,
                      gboolean            under_pkexec,
                      PpHelperArgs       *out,
                      GError            **error)
{
  memset (out, 0, sizeof *out);

  if (parse_into (argc, args, under_pkexec, out, error))
    return TRUE;

  pp_helper_args_clear (out);
  return FALSE;
}

void
pp_helper_args_clear (PpHelperArgs *args)
{
  g_clear_pointer (&args->address, g_free);
  g_clear_pointer (&args->digest, g_free);
  g_clear_pointer (&args->test_root, g_free);
  args->acs_override = FALSE;
}
