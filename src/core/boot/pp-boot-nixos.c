/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pp-boot.h"
#include "pp-edit-modprobe.h"
#include "pp-host-files.h"

/* NixOS builds /etc (links into the read-only store) and its boot entries
 * from its configuration: nothing is edited. The plan is a refusal that
 * gives the configuration to add, ready to paste. */

static gboolean
is_nixos (const PpHost  *host,
          const char   **evidence,
          GError       **error)
{
  gboolean exists = FALSE;

  if (!pp_host_probe (host, "/etc/NIXOS", &exists, error))
    return FALSE;
  if (exists)
    *evidence = _("/etc/NIXOS exists: this is NixOS");
  else if (g_strcmp0 (host->os_id, "nixos") == 0)
    *evidence = _("/etc/os-release says this is NixOS");
  return *evidence != NULL;
}

static gboolean
nixos_detect (const PpHost  *host,
              PpBootSetup   *setup,
              GError       **error)
{
  const char *evidence = NULL;

  if (!is_nixos (host, &evidence, error))
    return FALSE;
  g_free (setup->boot_evidence);
  setup->boot_evidence = g_strdup (evidence);
  return TRUE;
}

static char *
nixos_describe (const PpBootSetup *setup,
                char             **next_step)
{
  *next_step = g_strdup (_("NixOS sets kernel parameters in its configuration: reserving a GPU gives the lines "
                           "to add to configuration.nix."));
  return g_strdup (_("NixOS (configuration.nix)"));
}

static void
append_nix_list (GString            *out,
                 const char         *option,
                 const char * const *items)
{
  g_string_append_printf (out, "  %s = [", option);
  for (guint i = 0; items[i] != NULL; i++)
    g_string_append_printf (out, " \"%s\"", items[i]);
  g_string_append (out, " ];\n");
}

/* Binding by address in NixOS's (scripted) stage 1: before udev starts,
 * each reserved function goes to vfio-pci by driver_override, only while
 * its address holds the same vendor:device ID, and vfio-pci is asked to
 * probe it (it is loaded already, from boot.initrd.kernelModules) */
static void
append_nix_bind_commands (GString   *out,
                          GPtrArray *reserve)
{
  g_string_append (out, "  # run by the scripted stage 1 before udev starts (not with boot.initrd.systemd.enable)\n"
                        "  boot.initrd.preDeviceCommands = ''\n");
  for (guint i = 0; i < reserve->len; i++)
    {
      const PpPciDevice *device = g_ptr_array_index (reserve, i);
      g_autofree char *sysfs = g_strconcat ("/sys/bus/pci/devices/", device->address, NULL);

      g_string_append_printf (out,
                              "    if [ \"$(cat %s/vendor):$(cat %s/device)\" = 0x%04x:0x%04x ]; then\n"
                              "      echo vfio-pci > %s/driver_override\n"
                              "      echo %s > /sys/bus/pci/drivers_probe\n"
                              "    fi\n",
                              sysfs, sysfs, device->vendor_id, device->device_id, sysfs, device->address);
    }
  g_string_append (out, "  '';\n");
}

static gboolean
nixos_plan_params (const PpBootRequest *request,
                   GError             **error)
{
  static const char * const initrd_modules[] = { "vfio_pci", "vfio", "vfio_iommu_type1", NULL };
  static const char * const kvmgt[] = { "kvmgt", NULL };
  g_autofree char *args = pp_kernel_params_intent_args (request->params);
  g_auto(GStrv) params = g_strsplit (args, " ", -1);
  g_autoptr(GPtrArray) softdeps = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) snippet = g_string_new (NULL);

  append_nix_list (snippet, "boot.kernelParams", (const char * const *) params);
  append_nix_list (snippet, "boot.initrd.kernelModules", initrd_modules);
  if (request->kvmgt)
    append_nix_list (snippet, "boot.kernelModules", kvmgt);
  for (guint i = 0; i < request->reserve->len; i++)
    if (!pp_modprobe_competing_modules (g_ptr_array_index (request->reserve, i), softdeps, error))
      return FALSE;
  if (request->binding == PP_BINDING_ADDRESS)
    append_nix_bind_commands (snippet, request->reserve);
  if (request->binding == PP_BINDING_IDS || softdeps->len > 0)
    {
      g_string_append (snippet, "  boot.extraModprobeConfig = ''\n");
      if (request->binding == PP_BINDING_IDS)
        g_string_append_printf (snippet, "    options vfio-pci ids=%s\n", request->ids);
      for (guint i = 0; i < softdeps->len; i++)
        g_string_append_printf (snippet, "    softdep %s pre: vfio-pci\n",
                                (const char *) g_ptr_array_index (softdeps, i));
      g_string_append (snippet, "  '';\n");
    }

  /* TRANSLATORS: the %s at the end is a block of Nix configuration, one setting a line */
  pp_changes_refuse (request->changes,
                     _("NixOS builds /etc and its boot entries from its configuration, so PassthroughPrep changes "
                       "nothing here. Add these lines to /etc/nixos/configuration.nix (or a module it imports; "
                       "merge them with any boot.kernelParams or vfio-pci setting you have), then run “sudo "
                       "nixos-rebuild boot” and restart:\n\n%s"), snippet->str);
  return TRUE;
}

const PpBootBackend pp_boot_nixos = {
  .id = "nixos",
  .bootloader = NULL,
  .whole_system = TRUE,
  .touches = { NULL, NULL },
  .detect = nixos_detect,
  .describe = nixos_describe,
  .plan_params = nixos_plan_params,  .no_boot_entry = N_("NixOS makes its boot entries from configuration.nix, which PassthroughPrep does not change."),
};

static gboolean
nixos_initramfs_detect (const PpHost  *host,
                        GError       **error)
{
  const char *evidence = NULL;

  return is_nixos (host, &evidence, error);
}

static char *
nixos_initramfs_describe (const PpBootSetup  *setup,
                          char              **next_step)
{
  return g_strdup (_("NixOS (boot.initrd in configuration.nix)"));
}

/* the boot backend refuses first, with the whole configuration */
static gboolean
nixos_plan_modules (const PpBootRequest *request,
                    GError             **error)
{
  return TRUE;
}

static void
nixos_plan_rebuild (const PpBootRequest *request)
{
}

/* The boot backend's configuration binds by address already (in stage 1);
 * nothing here is PassthroughPrep's to write */
static gboolean
nixos_plan_bind_by_address (const PpBootRequest  *request,
                            char                **refusal,
                            GError              **error)
{
  *refusal = g_strdup (_("NixOS builds its initramfs from configuration.nix, so PassthroughPrep cannot put the "
                         "script that binds the GPU by its address into it; the configuration.nix lines it gives "
                         "do that instead."));
  return TRUE;
}

const PpInitramfsBackend pp_initramfs_nixos = {
  .id = "nixos",
  .touches = { NULL, NULL },
  .detect = nixos_initramfs_detect,
  .describe = nixos_initramfs_describe,
  .plan_modules = nixos_plan_modules,
  .plan_rebuild = nixos_plan_rebuild,
  .plan_bind_by_address = nixos_plan_bind_by_address,
};
