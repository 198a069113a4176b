/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-boot-systemd-boot-private.h"
#include "pp-host-files.h"

/* systemd-boot starting unified kernel images (UKIs, Type #2 entries): the
 * command line is inside each image, built from /etc/kernel/cmdline by
 * mkinitcpio (presets with *_uki=) or by kernel-install (layout=uki, ukify).
 * The file is edited (or made from the command line in effect, as those
 * tools would use it) and the images are built again. */

static const char * const uki_dirs[] = { "/boot/EFI/Linux", "/efi/EFI/Linux", "/boot/efi/EFI/Linux", NULL };

/* "layout=uki" in kernel-install's configuration (an environment file) */
static gboolean
kernel_install_makes_ukis (const PpHost  *host,
                           gboolean      *ukis,
                           GError       **error)
{
  static const char * const confs[] = { "/etc/kernel/install.conf", "/usr/lib/kernel/install.conf", NULL };

  *ukis = FALSE;
  for (guint c = 0; confs[c] != NULL; c++)
    {
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (!pp_host_read_file (host, confs[c], &text, error))
        return FALSE;
      if (text == NULL)
        continue;
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          g_autofree char *line = g_strstrip (g_strdup (lines[i]));

          if (g_str_equal (line, "layout=uki") || g_str_equal (line, "layout=\"uki\"")
              || g_str_equal (line, "layout='uki'"))
            *ukis = TRUE;
        }
      /* the first file found is the configuration */
      return TRUE;
    }
  return TRUE;
}

/* A mkinitcpio preset that builds a UKI ("default_uki=", "ALL_uki=") */
static gboolean
mkinitcpio_makes_ukis (const PpHost  *host,
                       gboolean      *ukis,
                       GError       **error)
{
  g_autoptr(GPtrArray) presets = pp_host_list_dir (host, "/etc/mkinitcpio.d", ".preset", NULL, error);

  *ukis = FALSE;
  if (presets == NULL)
    return FALSE;
  for (guint p = 0; p < presets->len; p++)
    {
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (!pp_host_read_file (host, g_ptr_array_index (presets, p), &text, error))
        return FALSE;
      lines = g_strsplit (text != NULL ? text : "", "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          const char *line = lines[i] + strspn (lines[i], " \t");
          const char *eq = strchr (line, '=');

          if (line[0] != '#' && eq != NULL && eq - line > 4 && strncmp (eq - 4, "_uki", 4) == 0)
            *ukis = TRUE;
        }
    }
  return TRUE;
}

static gboolean
uki_detect (const PpHost  *host,
            PpBootSetup   *setup,
            GError       **error)
{
  g_autofree char *why = NULL;
  gboolean by_kernel_install = FALSE;
  gboolean by_mkinitcpio = FALSE;

  if (!pp_boot_detect_systemd_boot (host, setup, error))
    return FALSE;
  /* the firmware's word on the entry that started wins over the files */
  if (setup->entry_selected != NULL)
    {
      if (!g_str_has_suffix (setup->entry_selected, ".efi"))
        return FALSE;
      why = g_strdup_printf (_("the firmware says it started the unified kernel image %s"), setup->entry_selected);
    }
  if (why == NULL)
    {
      if (!kernel_install_makes_ukis (host, &by_kernel_install, error)
          || !mkinitcpio_makes_ukis (host, &by_mkinitcpio, error))
        return FALSE;
      if (by_kernel_install)
        why = g_strdup (_("kernel-install builds unified kernel images (layout=uki)"));
      else if (by_mkinitcpio)
        why = g_strdup (_("a mkinitcpio preset builds unified kernel images"));
    }
  for (guint d = 0; why == NULL && uki_dirs[d] != NULL; d++)
    {
      g_autoptr(GPtrArray) images = pp_host_list_dir (host, uki_dirs[d], ".efi", NULL, error);

      if (images == NULL)
        return FALSE;
      if (images->len > 0)
        why = g_strdup_printf (_("%s holds unified kernel images"), uki_dirs[d]);
    }
  if (why == NULL)
    return FALSE;
  {
    char *evidence = g_strdup_printf ("%s; %s", setup->boot_evidence, why);

    g_free (setup->boot_evidence);
    setup->boot_evidence = evidence;
  }
  return TRUE;
}

static char *
uki_describe (const PpBootSetup *setup,
              char             **next_step)
{
  return g_strdup (_("systemd-boot with unified kernel images"));
}

/* /etc/kernel/cmdline where there is none: what the image builders read
 * instead (/usr/lib/kernel/cmdline, else the command line in effect
 * without what the boot loader added), with the parameters */
static gboolean
plan_new_kernel_cmdline (const PpBootRequest *request,
                         GError             **error)
{
  g_autofree char *base = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autofree char *edited = NULL;
  g_auto(GStrv) words = NULL;
  const char *source = "/usr/lib/kernel/cmdline";

  if (!pp_host_read_file (request->host, source, &base, error))
    return FALSE;
  if (base == NULL)
    {
      base = g_strdup (request->host->cmdline);
      source = "/proc/cmdline";
    }
  words = g_strsplit_set (base, " \t\n", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0' && !g_str_has_prefix (words[i], "BOOT_IMAGE=") && !g_str_has_prefix (words[i], "initrd="))
      g_string_append_printf (line, "%s%s", line->len > 0 ? " " : "", words[i]);
  g_string_append_c (line, '\n');
  edited = pp_kernel_params_edit_line (request->params, source, line->str, error);
  if (edited == NULL)
    return FALSE;
  pp_changes_edit_file (request->changes, "/etc/kernel/cmdline", NULL, edited);
  return TRUE;
}

/* kernel-install add VERSION IMAGE for every installed kernel */
static gboolean
plan_kernel_install (const PpBootRequest *request,
                     GError             **error)
{
  static const char * const module_dirs[] = { "/usr/lib/modules", "/lib/modules", NULL };
  static const char * const kernel_install[] = { "kernel-install", NULL };
  guint added = 0;

  for (guint d = 0; module_dirs[d] != NULL && added == 0; d++)
    {
      g_autoptr(GPtrArray) versions = pp_host_list_subdirs (request->host, module_dirs[d], error);

      if (versions == NULL)
        return FALSE;
      for (guint v = 0; v < versions->len; v++)
        {
          const char *version = g_ptr_array_index (versions, v);
          g_autofree char *image = g_build_filename (module_dirs[d], version, "vmlinuz", NULL);
          gboolean exists = FALSE;

          if (!pp_host_probe (request->host, image, &exists, error))
            return FALSE;
          if (!exists)
            continue;
          pp_boot_add_tool_command (request, kernel_install, "systemd-boot", "/etc/kernel/cmdline",
                                    "add", version, image, NULL);
          added++;
        }
    }
  if (added == 0)
    pp_changes_add_manual_step (request->changes,
                                _("systemd-boot: no kernel with a vmlinuz was found in /usr/lib/modules, so the "
                                  "unified kernel images cannot be built again here. Rebuild them after "
                                  "/etc/kernel/cmdline changes (kernel-install add VERSION IMAGE)."));
  return TRUE;
}

static gboolean
uki_plan_params (const PpBootRequest *request,
                 GError             **error)
{
  static const char * const mkinitcpio[] = { "mkinitcpio", NULL };
  guint files_before = request->changes->files->len;
  gboolean exists = FALSE;
  gboolean by_mkinitcpio = FALSE;
  gboolean by_kernel_install = FALSE;
  gboolean changed;

  if (!pp_host_probe (request->host, "/etc/kernel/cmdline", &exists, error)
      || !(exists ? pp_boot_plan_kernel_cmdline (request, error) : plan_new_kernel_cmdline (request, error)))
    return FALSE;
  changed = request->changes->files->len > files_before;
  /* Type #1 entries beside the images */
  if (!pp_boot_plan_loader_entries (request, error))
    return FALSE;
  if (!changed)
    return TRUE;

  if (!mkinitcpio_makes_ukis (request->host, &by_mkinitcpio, error)
      || !kernel_install_makes_ukis (request->host, &by_kernel_install, error))
    return FALSE;
  if (by_mkinitcpio)
    pp_boot_add_tool_command (request, mkinitcpio, "systemd-boot", "/etc/kernel/cmdline", "-P", NULL);
  else if (by_kernel_install)
    return plan_kernel_install (request, error);
  else
    pp_changes_add_manual_step (request->changes,
                                _("systemd-boot: each unified kernel image carries its own command line, and "
                                  "PassthroughPrep could not tell which tool builds them (no mkinitcpio preset "
                                  "with _uki=, no layout=uki for kernel-install). Rebuild them with that tool "
                                  "after /etc/kernel/cmdline changes, before restarting."));
  return TRUE;
}

static const char * const uki_writes[] = { "/etc/kernel/cmdline", PP_LOADER_ENTRY_WRITES, NULL };
static const char * const uki_runs[] = { "mkinitcpio", "kernel-install", NULL };

const PpBootBackend pp_boot_systemd_boot_uki = {
  .id = "systemd-boot-uki",
  .bootloader = "systemd-boot",
  .touches = { uki_writes, uki_runs },
  .detect = uki_detect,
  .describe = uki_describe,
  .plan_params = uki_plan_params,  .no_boot_entry = N_("This computer boots unified kernel images, whose kernel command line cannot be changed for one boot entry."),
};
