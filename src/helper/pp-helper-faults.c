/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pp-helper"

#include "config.h"

#include <signal.h>
#include <string.h>

#include "pp-helper-protocol.h"
#include "pp-helper-faults.h"

static const char * const fault_names[PP_N_FAULTS] = {
  [PP_FAULT_BACKUP] = "backup",
  [PP_FAULT_WRITE] = "write",
  [PP_FAULT_RENAME] = "rename",
  [PP_FAULT_COMMAND] = "command",
  [PP_FAULT_COMMAND_AFTER] = "command-after",
  [PP_FAULT_SIGINT] = "sigint",
  [PP_FAULT_SIGTERM] = "sigterm",
  [PP_FAULT_SIGHUP] = "sighup",
};

struct _PpFaults
{
  guint fail_at[PP_N_FAULTS];   /* 0: never */
  guint seen[PP_N_FAULTS];
};

PpFaults *
pp_faults_parse (const char  *spec,
                 GError     **error)
{
  g_autoptr(PpFaults) faults = g_new0 (PpFaults, 1);
  g_auto(GStrv) items = g_strsplit (spec, ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *colon = strchr (items[i], ':');
      gboolean known = FALSE;
      guint64 n = 0;

      if (colon != NULL && g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXUINT, &n, NULL))
        for (guint kind = 0; kind < PP_N_FAULTS; kind++)
          if (strncmp (items[i], fault_names[kind], colon - items[i]) == 0
              && fault_names[kind][colon - items[i]] == '\0')
            {
              faults->fail_at[kind] = n;
              known = TRUE;
            }

      if (!known)
        {
          g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_USAGE,
                       "PP_HELPER_FAIL_AT: \"%s\" is not KIND:N with KIND backup, write, rename, command, "
                       "command-after, sigint, sigterm or sighup",
                       items[i]);
          return NULL;
        }
    }

  return g_steal_pointer (&faults);
}

void
pp_faults_free (PpFaults *faults)
{
  g_free (faults);
}

gboolean
pp_faults_check (PpFaults     *faults,
                 PpFaultKind   kind,
                 GError      **error)
{
  if (faults == NULL)
    return TRUE;

  faults->seen[kind]++;
  if (faults->seen[kind] != faults->fail_at[kind])
    return TRUE;

  g_set_error (error, PP_HELPER_ERROR, PP_HELPER_EXIT_FAILED,
               "injected failure at %s %u (PP_HELPER_FAIL_AT)",
               fault_names[kind], faults->seen[kind]);
  return FALSE;
}

void
pp_faults_step (PpFaults *faults)
{
  static const struct { PpFaultKind kind; int signum; } signals[] = {
    { PP_FAULT_SIGINT, SIGINT },
    { PP_FAULT_SIGTERM, SIGTERM },
    { PP_FAULT_SIGHUP, SIGHUP },
  };

  if (faults == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (signals); i++)
    if (++faults->seen[signals[i].kind] == faults->fail_at[signals[i].kind])
      /* delivered to this thread before raise() returns, as at a step boundary */
      raise (signals[i].signum);
}
