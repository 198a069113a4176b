/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "pp-advice.h"
#include "pp-cli.h"
#include "pp-cli-plan.h"
#include "pp-json.h"

static void
json_strings (PpJson     *json,
              const char *key,
              GPtrArray  *strings)
{
  pp_json_begin_array (json, key);
  for (guint i = 0; i < strings->len; i++)
    pp_json_string (json, NULL, g_ptr_array_index (strings, i));
  pp_json_end_array (json);
}

char *
pp_plan_to_json (const PpPlan *plan)
{
  g_autoptr(PpJson) json = pp_json_new (TRUE);

  pp_json_begin_object (json, NULL);
  pp_json_string (json, "gpu", plan->gpu);
  json_strings (json, "reserve", plan->reserve);
  json_strings (json, "ids", plan->ids);
  pp_json_begin_array (json, "files");
  for (guint i = 0; i < plan->files->len; i++)
    {
      PpFileEdit *edit = g_ptr_array_index (plan->files, i);

      pp_json_begin_object (json, NULL);
      pp_json_string (json, "path", edit->path);
      pp_json_bool (json, "new", edit->old_text == NULL);
      pp_json_string (json, "diff", edit->diff);
      pp_json_end_object (json);
    }
  pp_json_end_array (json);
  pp_json_begin_array (json, "commands");
  for (guint i = 0; i < plan->commands->len; i++)
    {
      char **argv = g_ptr_array_index (plan->commands, i);

      pp_json_begin_array (json, NULL);
      for (guint a = 0; argv[a]; a++)
        pp_json_string (json, NULL, argv[a]);
      pp_json_end_array (json);
    }
  pp_json_end_array (json);
  json_strings (json, "warnings", plan->warnings);
  json_strings (json, "manual_steps", plan->manual_steps);
  pp_json_string (json, "refused", plan->refused);
  pp_json_end_object (json);
  return pp_json_steal_text (g_steal_pointer (&json));
}

static char *
command_line (char **argv)
{
  GString *line = g_string_new (NULL);

  for (guint a = 0; argv[a]; a++)
    {
      g_autofree char *quoted = NULL;
      gboolean plain = argv[a][0] != '\0';

      for (const char *p = argv[a]; *p && plain; p++)
        plain = g_ascii_isalnum (*p) || strchr ("-_./=:,+@%", *p) != NULL;
      quoted = plain ? g_strdup (argv[a]) : g_shell_quote (argv[a]);
      g_string_append_printf (line, "%s%s", a > 0 ? " " : "", quoted);
    }
  return g_string_free (line, FALSE);
}

char *
pp_plan_to_text (const PpPlan *plan,
                 const PpHost *host)
{
  GString *out = g_string_new (NULL);
  PpPciDevice *gpu = host ? pp_host_find_device (host, plan->gpu) : NULL;
  g_autofree char *reserve = NULL;
  g_autofree char *ids = NULL;

  g_ptr_array_add (plan->reserve, NULL);
  reserve = g_strjoinv (", ", (char **) plan->reserve->pdata);
  g_ptr_array_remove_index (plan->reserve, plan->reserve->len - 1);
  g_ptr_array_add (plan->ids, NULL);
  ids = g_strjoinv (",", (char **) plan->ids->pdata);
  g_ptr_array_remove_index (plan->ids, plan->ids->len - 1);

  if (gpu != NULL)
    g_string_append_printf (out, _("Reserve %s (%s %s) for a virtual machine\n"),
                            plan->gpu, gpu->vendor_name, gpu->device_name);
  else
    g_string_append_printf (out, _("Reserve %s for a virtual machine\n"), plan->gpu);

  if (plan->refused != NULL)
    {
      g_string_append_printf (out, _("Refused: %s\n"), plan->refused);
      return g_string_free (out, FALSE);
    }

  g_string_append_printf (out, _("Functions: %s\nIDs: %s\n"), reserve, ids);

  g_string_append_c (out, '\n');
  if (plan->files->len == 0)
    g_string_append (out, _("Files: none to change (already prepared)\n"));
  else
    {
      g_string_append (out, _("Files:\n"));
      for (guint i = 0; i < plan->files->len; i++)
        {
          PpFileEdit *edit = g_ptr_array_index (plan->files, i);

          g_string_append (out, edit->diff);
        }
    }

  if (plan->commands->len > 0)
    {
      g_string_append (out, _("\nCommands:\n"));
      for (guint i = 0; i < plan->commands->len; i++)
        {
          g_autofree char *line = command_line (g_ptr_array_index (plan->commands, i));

          g_string_append_printf (out, "  %s\n", line);
        }
    }
  if (plan->warnings->len > 0)
    {
      g_string_append (out, _("\nWarnings:\n"));
      for (guint i = 0; i < plan->warnings->len; i++)
        g_string_append_printf (out, "  - %s\n", (const char *) g_ptr_array_index (plan->warnings, i));
    }
  if (plan->manual_steps->len > 0)
    {
      g_string_append (out, _("\nBy hand:\n"));
      for (guint i = 0; i < plan->manual_steps->len; i++)
        g_string_append_printf (out, "  - %s\n", (const char *) g_ptr_array_index (plan->manual_steps, i));
    }
  return g_string_free (out, FALSE);
}

int
pp_cli_plan (const char *root,
             const char *address,
             gboolean    json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;
  g_autoptr(PpAdvice) advice = NULL;
  g_autoptr(PpPlan) plan = NULL;
  g_autofree char *text = NULL;

  if (!pp_pci_address_is_valid (address))
    {
      g_printerr (_("passthrough-prep: “%s” is not a PCI address such as 0000:01:00.0\n"), address);
      return PP_EXIT_USAGE;
    }
  host = pp_host_read (root, &error);
  if (host == NULL)
    {
      g_printerr ("passthrough-prep: %s\n", error->message);
      return PP_EXIT_FAILED;
    }
  for (guint i = 0; i < host->warnings->len; i++)
    g_printerr (_("passthrough-prep: warning: %s\n"), (const char *) g_ptr_array_index (host->warnings, i));
  advice = pp_advice_new (host);
  plan = pp_plan_reserve (host, advice, address, &error);
  if (plan == NULL)
    {
      g_printerr ("passthrough-prep: %s\n", error->message);
      return PP_EXIT_FAILED;
    }

  /* a refusal in text goes to stderr only; JSON readers get it in the JSON too */
  if (json || plan->refused == NULL)
    {
      text = json ? pp_plan_to_json (plan) : pp_plan_to_text (plan, host);
      fputs (text, stdout);
    }
  if (plan->refused != NULL)
    {
      g_printerr ("passthrough-prep: %s\n", plan->refused);
      return PP_EXIT_FAILED;
    }
  return PP_EXIT_OK;
}
