/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-advice.h"
#include "pp-cli.h"
#include "pp-host.h"
#include "pp-json.h"
#include "pp-readiness.h"

#if __has_include("pp-cli-plan.h")
# include "pp-cli-plan.h"
# define PP_HAVE_PLAN 1
#else
# define PP_HAVE_PLAN 0
#endif

typedef enum
{
  PP_COMMAND_WINDOW,
  PP_COMMAND_LIST,
  PP_COMMAND_CHECK,
  PP_COMMAND_PLAN,
  PP_COMMAND_HELP,
  PP_COMMAND_VERSION,
} PpCommand;

typedef struct
{
  PpCommand   command;
  gboolean    json;
  const char *root;
  const char *address;
} PpCliOptions;

static const char usage_text[] =
  N_("Usage:\n"
     "  passthrough-prep [--root DIR]                 open the window\n"
     "  passthrough-prep --list [--json] [--root DIR]  IOMMU groups and their devices\n"
     "  passthrough-prep --check [--json] [--root DIR] the readiness report\n"
     "  passthrough-prep --plan ADDR [--json] [--root DIR]\n"
     "                                                what reserving the GPU at ADDR would change\n"
     "\n"
     "  --root DIR   read the host under DIR (DIR/sys, DIR/proc, DIR/etc, DIR/boot)\n"
     "  --json       machine-readable output (keys documented in README.md)\n"
     "\n"
     "Exit status: 0 done, 1 failed, 2 bad usage.\n");

static gboolean
pp_cli_set_command (PpCliOptions *options,
                    PpCommand     command,
                    const char   *arg)
{
  if (options->command != PP_COMMAND_WINDOW && options->command != command)
    {
      g_printerr (_("passthrough-prep: %s cannot be combined with another command\n"), arg);
      return FALSE;
    }
  options->command = command;
  return TRUE;
}

/* "--root DIR" and "--root=DIR" alike; *index moves past a separate value */
static const char *
pp_cli_option_value (int          argc,
                     char       **argv,
                     int         *index,
                     const char  *name)
{
  const char *arg = argv[*index];
  gsize len = strlen (name);

  if (strncmp (arg, name, len) != 0)
    return NULL;
  if (arg[len] == '=')
    return arg + len + 1;
  if (arg[len] != '\0')
    return NULL;
  if (*index + 1 >= argc)
    return "";
  return argv[++*index];
}

static gboolean
pp_cli_parse (int           argc,
              char        **argv,
              PpCliOptions *options)
{
  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *value;

      if (strcmp (arg, "--list") == 0)
        {
          if (!pp_cli_set_command (options, PP_COMMAND_LIST, arg))
            return FALSE;
        }
      else if (strcmp (arg, "--check") == 0)
        {
          if (!pp_cli_set_command (options, PP_COMMAND_CHECK, arg))
            return FALSE;
        }
      else if (strcmp (arg, "--json") == 0)
        options->json = TRUE;
      else if (strcmp (arg, "--help") == 0 || strcmp (arg, "-h") == 0)
        options->command = PP_COMMAND_HELP;
      else if (strcmp (arg, "--version") == 0)
        options->command = PP_COMMAND_VERSION;
      else if ((value = pp_cli_option_value (argc, argv, &i, "--plan")) != NULL)
        {
          if (!pp_cli_set_command (options, PP_COMMAND_PLAN, "--plan"))
            return FALSE;
          if (*value == '\0')
            {
              g_printerr (_("passthrough-prep: --plan needs a PCI address such as 0000:01:00.0\n"));
              return FALSE;
            }
          options->address = value;
        }
      else if ((value = pp_cli_option_value (argc, argv, &i, "--root")) != NULL)
        {
          if (*value == '\0')
            {
              g_printerr (_("passthrough-prep: --root needs a directory\n"));
              return FALSE;
            }
          options->root = value;
        }
      else
        {
          g_printerr (_("passthrough-prep: unknown argument “%s”\n"), arg);
          return FALSE;
        }
    }
  if (options->json && options->command == PP_COMMAND_WINDOW)
    {
      g_printerr (_("passthrough-prep: --json goes with --list, --check or --plan\n"));
      return FALSE;
    }
  return TRUE;
}

static void
pp_cli_print_warnings (const PpHost *host)
{
  for (guint i = 0; i < host->warnings->len; i++)
    g_printerr (_("passthrough-prep: warning: %s\n"), (const char *) g_ptr_array_index (host->warnings, i));
}

static void
pp_json_device (PpJson            *json,
                const PpPciDevice *device)
{
  g_autofree char *vendor_id = g_strdup_printf ("%04x", device->vendor_id);
  g_autofree char *device_id = g_strdup_printf ("%04x", device->device_id);
  g_autofree char *subsys_vendor_id = g_strdup_printf ("%04x", device->subsys_vendor_id);
  g_autofree char *subsys_device_id = g_strdup_printf ("%04x", device->subsys_device_id);
  g_autofree char *class_hex = pp_pci_device_dup_class_hex (device);
  g_autofree char *revision = g_strdup_printf ("%02x", device->revision);

  pp_json_begin_object (json, NULL);
  pp_json_string (json, "address", device->address);
  pp_json_string (json, "vendor_id", vendor_id);
  pp_json_string (json, "device_id", device_id);
  pp_json_string (json, "subsystem_vendor_id", subsys_vendor_id);
  pp_json_string (json, "subsystem_device_id", subsys_device_id);
  pp_json_string (json, "class", class_hex);
  pp_json_string (json, "revision", revision);
  pp_json_string (json, "vendor", device->vendor_name);
  pp_json_string (json, "name", device->device_name);
  pp_json_string (json, "class_name", device->class_name);
  pp_json_string (json, "driver", device->driver);
  pp_json_bool (json, "boot_vga", device->boot_vga);
  if (device->iommu_group == PP_NO_IOMMU_GROUP)
    pp_json_null (json, "iommu_group");
  else
    pp_json_int (json, "iommu_group", device->iommu_group);
  pp_json_end_object (json);
}

static void
pp_json_warnings (PpJson       *json,
                  const PpHost *host)
{
  pp_json_begin_array (json, "warnings");
  for (guint i = 0; i < host->warnings->len; i++)
    pp_json_string (json, NULL, g_ptr_array_index (host->warnings, i));
  pp_json_end_array (json);
}

static void
pp_text_device (GString           *out,
                const PpPciDevice *device)
{
  g_string_append_printf (out, "  %s %s [%04x]: %s %s [%04x:%04x]",
                          device->address, device->class_name, device->class_id,
                          device->vendor_name, device->device_name,
                          device->vendor_id, device->device_id);
  if (device->revision != 0)
    g_string_append_printf (out, " (rev %02x)", device->revision);
  if (device->driver != NULL)
    g_string_append_printf (out, _(" driver: %s"), device->driver);
  else
    g_string_append (out, _(" no driver"));
  if (device->boot_vga)
    g_string_append (out, _(" [boot VGA]"));
  g_string_append_c (out, '\n');
}

static void
pp_cli_list (const PpHost *host,
             gboolean      json_output)
{
  if (json_output)
    {
      g_autoptr(PpJson) json = pp_json_new (TRUE);
      g_autofree char *text = NULL;

      pp_json_begin_object (json, NULL);
      pp_json_begin_array (json, "groups");
      for (guint i = 0; i < host->groups->len; i++)
        {
          PpIommuGroup *group = g_ptr_array_index (host->groups, i);

          pp_json_begin_object (json, NULL);
          pp_json_int (json, "id", group->id);
          pp_json_begin_array (json, "devices");
          for (guint j = 0; j < group->devices->len; j++)
            pp_json_device (json, g_ptr_array_index (group->devices, j));
          pp_json_end_array (json);
          pp_json_end_object (json);
        }
      pp_json_end_array (json);
      pp_json_begin_array (json, "ungrouped");
      for (guint i = 0; i < host->ungrouped->len; i++)
        pp_json_device (json, g_ptr_array_index (host->ungrouped, i));
      pp_json_end_array (json);
      pp_json_warnings (json, host);
      pp_json_end_object (json);
      text = pp_json_steal_text (g_steal_pointer (&json));
      fputs (text, stdout);
    }
  else
    {
      g_autoptr(GString) out = g_string_new (NULL);

      for (guint i = 0; i < host->groups->len; i++)
        {
          PpIommuGroup *group = g_ptr_array_index (host->groups, i);

          g_string_append_printf (out, _("IOMMU group %d\n"), group->id);
          for (guint j = 0; j < group->devices->len; j++)
            pp_text_device (out, g_ptr_array_index (group->devices, j));
        }
      if (host->ungrouped->len > 0)
        {
          g_string_append (out, pp_host_iommu_enabled (host)
                                ? _("No IOMMU group\n")
                                : _("No IOMMU group (the IOMMU is off)\n"));
          for (guint i = 0; i < host->ungrouped->len; i++)
            pp_text_device (out, g_ptr_array_index (host->ungrouped, i));
        }
      fwrite (out->str, 1, out->len, stdout);
    }
}

static void
pp_json_addresses (PpJson     *json,
                   const char *key,
                   GPtrArray  *devices)
{
  pp_json_begin_array (json, key);
  for (guint i = 0; i < devices->len; i++)
    pp_json_string (json, NULL, ((PpPciDevice *) g_ptr_array_index (devices, i))->address);
  pp_json_end_array (json);
}

static void
pp_cli_check_json (const PpHost   *host,
                   const PpAdvice *advice,
                   GPtrArray      *checks)
{
  g_autoptr(PpJson) json = pp_json_new (TRUE);
  g_autofree char *text = NULL;

  pp_json_begin_object (json, NULL);
  pp_json_begin_object (json, "cpu");
  pp_json_string (json, "vendor", pp_cpu_vendor_to_string (host->cpu_vendor));
  pp_json_bool (json, "virtualization", host->cpu_virtualization);
  pp_json_string (json, "model", host->cpu_model);
  pp_json_end_object (json);
  pp_json_begin_object (json, "iommu");
  pp_json_bool (json, "enabled", pp_host_iommu_enabled (host));
  pp_json_int (json, "groups", host->groups->len);
  pp_json_end_object (json);
  pp_json_string (json, "cmdline", host->cmdline);
  pp_json_begin_object (json, "modules");
  pp_json_string (json, "vfio", pp_module_state_to_string (host->mod_vfio));
  pp_json_string (json, "vfio_pci", pp_module_state_to_string (host->mod_vfio_pci));
  pp_json_string (json, "vfio_iommu_type1", pp_module_state_to_string (host->mod_vfio_iommu_type1));
  pp_json_end_object (json);
  pp_json_bool (json, "uefi", host->uefi);
  pp_json_begin_object (json, "os");
  pp_json_string (json, "id", host->os_id);
  pp_json_string (json, "id_like", host->os_id_like);
  pp_json_string (json, "name", host->os_name);
  pp_json_end_object (json);
  pp_json_string (json, "bootloader", pp_bootloader_to_string (host->bootloader));
  pp_json_string (json, "grub_cfg", host->grub_cfg);
  pp_json_bool (json, "grub_bls", host->grub_bls);
  pp_json_string (json, "initramfs", pp_initramfs_to_string (host->initramfs));
  pp_json_string (json, "scenario", pp_scenario_to_string (advice->scenario));
  pp_json_string (json, "scenario_summary", advice->scenario_summary);

  pp_json_begin_array (json, "gpus");
  for (guint i = 0; i < advice->gpus->len; i++)
    {
      PpGpuAdvice *gpu = g_ptr_array_index (advice->gpus, i);
      g_autofree char *ids = pp_pci_device_dup_ids (gpu->gpu);

      pp_json_begin_object (json, NULL);
      pp_json_string (json, "address", gpu->gpu->address);
      pp_json_string (json, "ids", ids);
      pp_json_string (json, "vendor", gpu->gpu->vendor_name);
      pp_json_string (json, "name", gpu->gpu->device_name);
      pp_json_string (json, "driver", gpu->gpu->driver);
      pp_json_bool (json, "boot_vga", gpu->gpu->boot_vga);
      pp_json_bool (json, "integrated", gpu->integrated);
      pp_json_bool (json, "viable", gpu->viable);
      pp_json_addresses (json, "reserve", gpu->reserve);
      pp_json_addresses (json, "blockers", gpu->blockers);
      pp_json_begin_array (json, "groups");
      for (guint j = 0; j < gpu->groups->len; j++)
        pp_json_int (json, NULL, g_array_index (gpu->groups, int, j));
      pp_json_end_array (json);
      pp_json_string (json, "verdict", gpu->verdict);
      pp_json_string (json, "macos", pp_macos_support_to_string (gpu->macos));
      pp_json_string (json, "macos_note", gpu->macos_note);
      pp_json_end_object (json);
    }
  pp_json_end_array (json);

  pp_json_begin_array (json, "checks");
  for (guint i = 0; i < checks->len; i++)
    {
      PpCheck *check = g_ptr_array_index (checks, i);

      pp_json_begin_object (json, NULL);
      pp_json_string (json, "id", check->id);
      pp_json_string (json, "status", pp_check_status_to_string (check->status));
      pp_json_string (json, "title", check->title);
      pp_json_string (json, "summary", check->summary);
      pp_json_string (json, "next_step", check->next_step);
      pp_json_end_object (json);
    }
  pp_json_end_array (json);
  pp_json_warnings (json, host);
  pp_json_end_object (json);
  text = pp_json_steal_text (g_steal_pointer (&json));
  fputs (text, stdout);
}

static const char *
pp_check_mark (PpCheckStatus status)
{
  switch (status)
    {
    case PP_CHECK_OK:      return "[ok]  ";
    case PP_CHECK_INFO:    return "[info]";
    case PP_CHECK_WARNING: return "[warn]";
    case PP_CHECK_ERROR:
    default:               return "[fail]";
    }
}

static void
pp_text_addresses (GString   *out,
                   GPtrArray *devices)
{
  for (guint i = 0; i < devices->len; i++)
    g_string_append_printf (out, "%s%s", i > 0 ? " " : "",
                            ((PpPciDevice *) g_ptr_array_index (devices, i))->address);
}

static void
pp_cli_check_text (const PpAdvice *advice,
                   GPtrArray      *checks)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < checks->len; i++)
    {
      PpCheck *check = g_ptr_array_index (checks, i);

      g_string_append_printf (out, "%s %s: %s\n", pp_check_mark (check->status),
                              check->title, check->summary);
      if (check->next_step != NULL)
        g_string_append_printf (out, _("       next: %s\n"), check->next_step);
    }

  for (guint i = 0; i < advice->gpus->len; i++)
    {
      PpGpuAdvice *gpu = g_ptr_array_index (advice->gpus, i);

      g_string_append_printf (out, _("\nGPU %s: %s %s [%04x:%04x]%s%s\n"), gpu->gpu->address,
                              gpu->gpu->vendor_name, gpu->gpu->device_name,
                              gpu->gpu->vendor_id, gpu->gpu->device_id,
                              gpu->integrated ? _(", integrated") : "",
                              gpu->gpu->boot_vga ? _(", drives the display") : "");
      g_string_append_printf (out, "  %s\n", gpu->verdict);
      g_string_append (out, _("  reserve: "));
      pp_text_addresses (out, gpu->reserve);
      g_string_append_c (out, '\n');
      g_string_append_printf (out, _("  macOS: %s (%s)\n"),
                              pp_macos_support_to_string (gpu->macos), gpu->macos_note);
    }
  fwrite (out->str, 1, out->len, stdout);
}

static int
pp_cli_run_command (const PpCliOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PpHost) host = NULL;

  if (options->command == PP_COMMAND_PLAN)
    {
#if PP_HAVE_PLAN
      return pp_cli_plan (options->root, options->address, options->json);
#else
      g_printerr (_("passthrough-prep: --plan is not available in this build\n"));
      return PP_EXIT_FAILED;
#endif
    }

  host = pp_host_read (options->root, &error);
  if (host == NULL)
    {
      g_printerr ("passthrough-prep: %s\n", error->message);
      return PP_EXIT_FAILED;
    }
  pp_cli_print_warnings (host);

  if (options->command == PP_COMMAND_LIST)
    pp_cli_list (host, options->json);
  else
    {
      g_autoptr(PpAdvice) advice = pp_advice_new (host);
      g_autoptr(GPtrArray) checks = pp_readiness_checks (host, advice);

      if (options->json)
        pp_cli_check_json (host, advice, checks);
      else
        pp_cli_check_text (advice, checks);
    }
  return fflush (stdout) == 0 ? PP_EXIT_OK : PP_EXIT_FAILED;
}

gboolean
pp_cli_run (int    argc,
            char **argv,
            int   *exit_status)
{
  PpCliOptions options = { PP_COMMAND_WINDOW, FALSE, NULL, NULL };

  if (!pp_cli_parse (argc, argv, &options))
    {
      g_printerr ("%s", _(usage_text));
      *exit_status = PP_EXIT_USAGE;
      return TRUE;
    }

  switch (options.command)
    {
    case PP_COMMAND_WINDOW:
      return FALSE;
    case PP_COMMAND_HELP:
      g_print ("%s", _(usage_text));
      *exit_status = PP_EXIT_OK;
      return TRUE;
    case PP_COMMAND_VERSION:
      g_print ("passthrough-prep %s\n", PACKAGE_VERSION);
      *exit_status = PP_EXIT_OK;
      return TRUE;
    case PP_COMMAND_LIST:
    case PP_COMMAND_CHECK:
    case PP_COMMAND_PLAN:
    default:
      *exit_status = pp_cli_run_command (&options);
      return TRUE;
    }
}
