/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "pp-advice.h"
#include "pp-boot.h"
#include "pp-cli.h"
#include "pp-format.h"
#include "pp-host.h"
#include "pp-plan.h"
#include "pp-readiness.h"

typedef struct
{
  gboolean  list;
  gboolean  check;
  char     *plan;
  char     *mode;
  char     *vm_config;
  gboolean  acs_override;
  gboolean  json;
  char     *root;
  gboolean  version;
  gboolean  help;
} PpCliOptions;

static void
pp_cli_options_clear (PpCliOptions *options)
{
  g_clear_pointer (&options->plan, g_free);
  g_clear_pointer (&options->mode, g_free);
  g_clear_pointer (&options->vm_config, g_free);
  g_clear_pointer (&options->root, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (PpCliOptions, pp_cli_options_clear)

static GOptionContext *
pp_cli_context_new (PpCliOptions *options)
{
  const GOptionEntry entries[] = {
    { "list", 0, 0, G_OPTION_ARG_NONE, &options->list,
      N_("Print the IOMMU groups and their devices"), NULL },
    { "check", 0, 0, G_OPTION_ARG_NONE, &options->check,
      N_("Print the readiness report"), NULL },
    { "plan", 0, 0, G_OPTION_ARG_STRING, &options->plan,
      N_("Print what reserving the GPU at ADDR would change, changing nothing"), N_("ADDR") },
    { "acs-override", 0, 0, G_OPTION_ARG_NONE, &options->acs_override,
      N_("With --plan: also boot with the ACS override, which splits IOMMU groups by weakening their isolation"),
      NULL },
    { "mode", 0, 0, G_OPTION_ARG_STRING, &options->mode,
      N_("With --plan: boot-entry (only a Passthrough boot entry takes the GPU; the default where the host "
         "can have one) or every-boot"), N_("MODE") },
    { "vm-config", 0, 0, G_OPTION_ARG_STRING, &options->vm_config,
      N_("Print the VM configuration (ultmos, libvirt or qemu) of the GPU at ADDR once it is on vfio-pci"),
      N_("FORMAT ADDR") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &options->json,
      N_("Machine-readable output (keys documented in README.md)"), NULL },
    { "root", 0, 0, G_OPTION_ARG_FILENAME, &options->root,
      N_("Read the host under DIR (DIR/sys, DIR/proc, DIR/etc, DIR/boot)"), N_("DIR") },
    { "version", 0, 0, G_OPTION_ARG_NONE, &options->version,
      N_("Print the version"), NULL },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &options->help,
      N_("Show this help"), NULL },
    { NULL }
  };
  GOptionContext *context = g_option_context_new (NULL);

  g_option_context_set_summary (context,
                                _("Without a command, opens the window. Exit status: 0 done, 1 failed or "
                                  "refused, 2 bad usage."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  /* the window's own options (GTK's, GApplication's) are the window's business */
  g_option_context_set_ignore_unknown_options (context, TRUE);
  g_option_context_set_help_enabled (context, FALSE);
  return context;
}

static int
pp_cli_usage_error (GOptionContext *context,
                    const char     *message)
{
  g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

  g_printerr ("passthrough-prep: %s\n\n%s", message, help);
  return PP_EXIT_USAGE;
}

static void
pp_cli_print_warnings (const PpHost *host)
{
  for (guint i = 0; i < host->warnings->len; i++)
    g_printerr (_("passthrough-prep: warning: %s\n"), (const char *) g_ptr_array_index (host->warnings, i));
}

static int
pp_cli_print (char *text)
{
  g_autofree char *owned = text;

  fputs (owned, stdout);
  return fflush (stdout) == 0 ? PP_EXIT_OK : PP_EXIT_FAILED;
}

static int
pp_cli_plan (const PpHost *host,
             const char   *address,
             PpBootMode    mode,
             gboolean      acs_override,
             gboolean      json)
{
  g_autoptr(PpBootSetup) setup = pp_boot_setup_detect (host);
  g_autoptr(PpAdvice) advice = pp_advice_new (host);
  g_autoptr(PpPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  PpPlanRequest request = { address, mode, acs_override };
  int status;

  plan = pp_plan_reserve (host, setup, advice, &request, &error);
  if (plan == NULL)
    {
      g_printerr ("passthrough-prep: %s\n", error->message);
      return PP_EXIT_FAILED;
    }
  /* a refusal in text goes to stderr only; JSON readers get it in the JSON too */
  if (json)
    status = pp_cli_print (pp_format_plan_json (plan));
  else
    status = plan->refused == NULL ? pp_cli_print (pp_format_plan_text (plan, host)) : PP_EXIT_OK;
  if (plan->refused != NULL)
    {
      g_printerr ("passthrough-prep: %s\n", plan->refused);
      return PP_EXIT_FAILED;
    }
  return status;
}

static int
pp_cli_vm_config (const PpHost *host,
                  PpVmFormat    format,
                  const char   *address)
{
  g_autoptr(PpAdvice) advice = pp_advice_new (host);
  g_autoptr(GError) error = NULL;
  g_autoptr(PpVmDevices) vm = pp_vm_devices_new (host, advice, address, &error);
  g_autofree char *note = NULL;

  if (vm == NULL)
    {
      g_printerr ("passthrough-prep: %s\n", error->message);
      return PP_EXIT_FAILED;
    }
  /* stdout is only what is pasted; where it goes is for the reader */
  note = pp_format_vm_note (vm, format);
  g_printerr ("%s\n", note);
  return pp_cli_print (pp_format_vm (vm, format));
}

static int
pp_cli_run_command (const PpCliOptions *options,
                    PpBootMode          mode,
                    PpVmFormat          vm_format,
                    const char         *vm_address)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = pp_host_read (options->root, &error);

  if (host == NULL)
    {
      g_printerr ("passthrough-prep: %s\n", error->message);
      return PP_EXIT_FAILED;
    }
  pp_cli_print_warnings (host);

  if (options->plan != NULL)
    return pp_cli_plan (host, options->plan, mode, options->acs_override, options->json);
  if (options->vm_config != NULL)
    return pp_cli_vm_config (host, vm_format, vm_address);
  if (options->list)
    return pp_cli_print (options->json ? pp_format_list_json (host) : pp_format_list_text (host));

  {
    g_autoptr(PpBootSetup) setup = pp_boot_setup_detect (host);
    g_autoptr(PpAdvice) advice = pp_advice_new (host);
    g_autoptr(GPtrArray) checks = pp_readiness_checks (host, setup, advice);

    return pp_cli_print (options->json ? pp_format_check_json (host, setup, advice, checks)
                                       : pp_format_check_text (advice, checks));
  }
}

gboolean
pp_cli_run (int    argc,
            char **argv,
            int   *exit_status)
{
  g_auto(PpCliOptions) options = { 0 };
  g_autoptr(GOptionContext) context = pp_cli_context_new (&options);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) args = g_new0 (char *, argc + 1);
  guint n_args;
  guint commands;
  guint wanted_args = 1;
  PpVmFormat vm_format = PP_VM_FORMAT_ULTMOS;
  PpBootMode mode = PP_BOOT_MODE_DEFAULT;

  /* parse a copy: the window gets argv whole */
  for (int i = 0; i < argc; i++)
    args[i] = g_strdup (argv[i]);
  if (!g_option_context_parse_strv (context, &args, &error))
    {
      *exit_status = pp_cli_usage_error (context, error->message);
      return TRUE;
    }

  if (options.help)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_print ("%s", help);
      *exit_status = PP_EXIT_OK;
      return TRUE;
    }
  if (options.version)
    {
      g_print ("passthrough-prep %s\n", PACKAGE_VERSION);
      *exit_status = PP_EXIT_OK;
      return TRUE;
    }

  n_args = g_strv_length (args);
  commands = (options.list ? 1 : 0) + (options.check ? 1 : 0) + (options.plan != NULL ? 1 : 0)
             + (options.vm_config != NULL ? 1 : 0);
  if (options.acs_override && options.plan == NULL)
    {
      *exit_status = pp_cli_usage_error (context, _("--acs-override goes with --plan"));
      return TRUE;
    }
  if (commands == 0)
    {
      if (options.json)
        {
          *exit_status = pp_cli_usage_error (context, _("--json goes with --list, --check or --plan"));
          return TRUE;
        }
      return FALSE;
    }
  if (commands > 1)
    {
      *exit_status = pp_cli_usage_error (context, _("--list, --check, --plan and --vm-config cannot be combined"));
      return TRUE;
    }
  if (options.vm_config != NULL)
    {
      g_autofree char *message = NULL;

      if (!pp_vm_format_from_string (options.vm_config, &vm_format))
        message = g_strdup_printf (_("--vm-config takes ultmos, libvirt or qemu, not “%s”"), options.vm_config);
      else if (options.json)
        message = g_strdup (_("--json goes with --list, --check or --plan"));
      else if (n_args < 2)
        message = g_strdup (_("--vm-config needs the GPU’s PCI address after the format"));
      else if (!pp_pci_address_is_valid (args[1]))
        message = g_strdup_printf (_("“%s” is not a PCI address such as 0000:01:00.0"), args[1]);
      if (message != NULL)
        {
          *exit_status = pp_cli_usage_error (context, message);
          return TRUE;
        }
      wanted_args = 2;
    }
  if (n_args > wanted_args)
    {
      g_autofree char *message = g_strdup_printf (_("unknown argument “%s”"), args[wanted_args]);

      *exit_status = pp_cli_usage_error (context, message);
      return TRUE;
    }
  if (options.root != NULL && options.root[0] == '\0')
    {
      *exit_status = pp_cli_usage_error (context, _("--root needs a directory"));
      return TRUE;
    }
  if (options.plan != NULL && !pp_pci_address_is_valid (options.plan))
    {
      g_autofree char *message = g_strdup_printf (_("“%s” is not a PCI address such as 0000:01:00.0"), options.plan);

      *exit_status = pp_cli_usage_error (context, message);
      return TRUE;
    }

  if (options.mode != NULL
      && (options.plan == NULL || !pp_boot_mode_from_string (options.mode, &mode) || mode == PP_BOOT_MODE_DEFAULT))
    {
      *exit_status = pp_cli_usage_error (context, options.plan == NULL ? _("--mode goes with --plan")
                                                                        : _("--mode is boot-entry or every-boot"));
      return TRUE;
    }

  *exit_status = pp_cli_run_command (&options, mode, vm_format,
                                     options.vm_config != NULL ? args[1] : NULL);
  return TRUE;
}
