/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-boot-grub-private.h"
#include "pp-boot-scripts.h"
#include "pp-edit-grub.h"
#include "pp-host-files.h"
#include "pp-shell-chain.h"

/* GRUB whose grub.cfg grub-mkconfig (update-grub on Debian) writes from
 * /etc/default/grub and /etc/grub.d */

gboolean
pp_boot_grub_detect_files (const PpHost  *host,
                           PpBootSetup   *setup,
                           GError       **error)
{
  static const char * const grub_cfgs[] = { "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg", NULL };
  gboolean exists = FALSE;

  for (guint i = 0; grub_cfgs[i] != NULL; i++)
    {
      if (!pp_host_probe (host, grub_cfgs[i], &exists, error))
        return FALSE;
      if (!exists)
        continue;
      if (!pp_host_probe (host, "/etc/default/grub", &exists, error))
        return FALSE;
      if (!exists)
        return FALSE;
      g_free (setup->grub_cfg);
      setup->grub_cfg = g_strdup (grub_cfgs[i]);
      g_free (setup->boot_evidence);
      setup->boot_evidence = g_strdup_printf (_("%s and /etc/default/grub exist"), grub_cfgs[i]);
      return TRUE;
    }
  return FALSE;
}

GPtrArray *
pp_boot_grub_read_defaults (const PpHost  *host,
                            GError       **error)
{
  g_autoptr(GPtrArray) dropins = pp_host_list_dir (host, "/etc/default/grub.d", ".cfg", NULL, error);

  if (dropins == NULL)
    return NULL;
  return pp_boot_read_files (host, "/etc/default/grub", dropins, error);
}

gboolean
pp_boot_grub_edit_defaults (const PpBootRequest *request,
                            gboolean             prefer_linux,
                            GError             **error)
{
  g_autoptr(GPtrArray) files = pp_boot_grub_read_defaults (request->host, error);
  g_autoptr(PpEditResult) result = NULL;

  if (files == NULL)
    return FALSE;
  result = pp_grub_edit_cmdline (files, request->params, prefer_linux, error);
  if (result == NULL)
    return FALSE;
  pp_changes_take_result (request->changes, files, result);
  return TRUE;
}

static gboolean
host_is_debian_like (const PpHost *host)
{
  const char *ids[] = { host->os_id, host->os_id_like };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    if (ids[i] != NULL && (strstr (ids[i], "debian") != NULL || strstr (ids[i], "ubuntu") != NULL))
      return TRUE;
  return FALSE;
}

static gboolean
grub_detect (const PpHost  *host,
             PpBootSetup   *setup,
             GError       **error)
{
  return pp_boot_grub_detect_files (host, setup, error);
}

static char *
grub_describe (const PpBootSetup *setup,
               char             **next_step)
{
  return g_strdup_printf (_("GRUB (%s)"), setup->grub_cfg);
}

/* grub-mkconfig (update-grub on Debian) writes grub.cfg again from the
 * files the plan changed since @files_before; where neither is installed, a
 * step by hand names GRUB, the changed file and the command */
static void
grub_plan_rebuild (const PpBootRequest *request,
                   guint                files_before)
{
  static const char * const update_grub[] = { "update-grub", NULL };
  /* Fedora and openSUSE name them grub2-*, with grub.cfg in /boot/grub2 */
  static const char * const mkconfig[] = { "grub-mkconfig", "grub2-mkconfig", NULL };
  static const char * const mkconfig2[] = { "grub2-mkconfig", "grub-mkconfig", NULL };
  const char *changed;

  if (request->changes->files->len == files_before)
    return;
  changed = ((PpFileEdit *) g_ptr_array_index (request->changes->files, files_before))->path;
  if (host_is_debian_like (request->host) && pp_host_find_tool (request->host, update_grub) != NULL)
    pp_changes_add_command (request->changes, "update-grub", NULL);
  else
    pp_boot_add_tool_command (request, g_str_has_prefix (request->setup->grub_cfg, "/boot/grub2/") ? mkconfig2 : mkconfig,
                              "GRUB", changed, "-o", request->setup->grub_cfg, NULL);
}

static gboolean
grub_plan_params (const PpBootRequest *request,
                  GError             **error)
{
  guint files_before = request->changes->files->len;

  if (!pp_boot_grub_edit_defaults (request, FALSE, error))
    return FALSE;
  grub_plan_rebuild (request, files_before);
  return TRUE;
}

#define GRUB_ENTRIES_FILE "/etc/grub.d/42_passthrough-prep"
#define GRUB_MENU_SECONDS 5

/* The OS name 10_linux puts in its titles, as far as it can be told without
 * running /etc/default/grub (a GRUB_DISTRIBUTOR that runs a command is not) */
static char *
grub_os_name (const PpHost *host,
              GPtrArray    *files)
{
  g_autoptr(GPtrArray) scripts = pp_shell_parse_files (files, NULL);
  g_autoptr(PpShellChain) chain = scripts != NULL ? pp_shell_chain_find (scripts, files, "GRUB_DISTRIBUTOR", NULL) : NULL;

  if (chain != NULL && chain->links->len == 1)
    {
      PpShellAssignment *assignment = g_array_index (chain->links, PpShellLink, 0).assignment;
      g_autofree char *value = NULL;

      if (assignment->kind == PP_SHELL_ASSIGN && !assignment->is_array && pp_shell_word_is_literal (assignment->value)
          && *(value = pp_shell_word_dup_value (assignment->value)) != '\0')
        /* Arch's 10_linux says Linux where upstream says GNU/Linux */
        return g_strdup_printf ("%s %s", value, g_strcmp0 (host->os_id, "arch") == 0 ? "Linux" : "GNU/Linux");
    }
  return g_strdup (host->os_name != NULL ? host->os_name : "GNU/Linux");
}

static int
compare_versions_newest_first (gconstpointer a,
                               gconstpointer b)
{
  return -pp_edit_version_compare (*(const char * const *) a, *(const char * const *) b);
}

/* The kernels 10_linux finds in /boot, newest first (host paths) */
static GPtrArray *
grub_kernels (const PpHost  *host,
              GError       **error)
{
  g_autoptr(GPtrArray) all = pp_host_list_dir (host, "/boot", "", compare_versions_newest_first, error);
  GPtrArray *kernels;

  if (all == NULL)
    return NULL;
  kernels = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < all->len; i++)
    {
      const char *path = g_ptr_array_index (all, i);

      if (g_str_has_prefix (path, "/boot/vmlinuz-") && strstr (path, ".dpkg-") == NULL
          && !g_str_has_suffix (path, ".rpmsave") && !g_str_has_suffix (path, ".rpmnew")
          && !g_str_has_suffix (path, ".sig"))
        g_ptr_array_add (kernels, g_strdup (path));
    }
  return kernels;
}

/* An executable generator in /etc/grub.d makes, at every grub-mkconfig, a
 * Passthrough entry for each kernel 10_linux finds; a hidden menu shows */
static gboolean
grub_plan_boot_entry (const PpBootRequest *request,
                      GError             **error)
{
  g_autoptr(GPtrArray) files = pp_boot_grub_read_defaults (request->host, error);
  g_autoptr(GPtrArray) kernels = NULL;
  g_autoptr(PpEditResult) shown = NULL;
  g_autofree char *old_generator = NULL;
  g_autofree char *generator = pp_boot_script_render (pp_script_grub_entries, request->passthrough_args);
  g_autofree char *os = NULL;
  guint files_before = request->changes->files->len;

  if (files == NULL || (kernels = grub_kernels (request->host, error)) == NULL
      || !pp_host_read_file (request->host, GRUB_ENTRIES_FILE, &old_generator, error))
    return FALSE;
  shown = pp_grub_edit_show_menu (files, GRUB_MENU_SECONDS, error);
  if (shown == NULL)
    return FALSE;
  pp_changes_take_result (request->changes, files, shown);
  pp_changes_edit_file_mode (request->changes, GRUB_ENTRIES_FILE, old_generator, generator, 0755);
  grub_plan_rebuild (request, files_before);

  os = grub_os_name (request->host, files);
  for (guint i = 0; i < kernels->len; i++)
    {
      const char *kernel = (const char *) g_ptr_array_index (kernels, i) + strlen ("/boot/");

      g_ptr_array_add (request->changes->boot_entries,
                       g_strdup_printf (_("%s, with Linux %s (Passthrough)"), os, kernel + strlen ("vmlinuz-")));
      if (i == 0)
        {
          request->changes->restart_method = PP_RESTART_HELPER;
          request->changes->restart_entry = g_strconcat ("passthrough-prep-", kernel, NULL);
        }
    }
  return TRUE;
}

static gboolean
is_entry_id (const char *id)
{
  if (*id == '\0')
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._+-", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* grub-reboot with the id of the first Passthrough entry grub.cfg holds */
static GStrv
grub_next_boot_command (const PpHost       *host,
                        const PpBootSetup  *setup,
                        GError            **error)
{
  static const char * const reboot_tools[] = { "grub-reboot", "grub2-reboot", NULL };
  const char *marker = "$menuentry_id_option 'passthrough-prep-";
  g_autofree char *cfg = NULL;
  const char *tool = pp_host_find_tool (host, reboot_tools);
  const char *found;
  g_autofree char *id = NULL;
  GStrv argv;

  if (!pp_host_read_file (host, setup->grub_cfg, &cfg, error))
    return NULL;
  found = cfg != NULL ? strstr (cfg, marker) : NULL;
  if (found != NULL)
    {
      const char *start = found + strlen (marker) - strlen ("passthrough-prep-");
      const char *end = strchr (start, '\'');

      id = end != NULL ? g_strndup (start, end - start) : NULL;
    }
  if (id == NULL || !is_entry_id (id))
    {
      g_set_error (error, PP_BOOT_ERROR, PP_BOOT_ERROR_NO_BOOT_ENTRY,
                   _("%s holds no Passthrough entry: reserve the GPU again so that GRUB’s configuration is "
                     "rebuilt."), setup->grub_cfg);
      return NULL;
    }
  if (tool == NULL)
    {
      g_set_error (error, PP_BOOT_ERROR, PP_BOOT_ERROR_NO_BOOT_ENTRY,
                   _("grub-reboot is not installed: choose the Passthrough entry in the boot menu."));
      return NULL;
    }
  argv = g_new0 (char *, 3);
  argv[0] = g_strdup (tool);
  argv[1] = g_steal_pointer (&id);
  return argv;
}

static const char * const grub_writes[] = {
  "/etc/default/grub", "/etc/default/grub.d/*.cfg", GRUB_ENTRIES_FILE, NULL,
};
static const char * const grub_runs[] = {
  "update-grub", "grub-mkconfig", "grub2-mkconfig", "grub-reboot", "grub2-reboot", NULL,
};

const PpBootBackend pp_boot_grub = {
  .id = "grub",
  .bootloader = "grub",
  .touches = { grub_writes, grub_runs },
  .detect = grub_detect,
  .describe = grub_describe,
  .plan_params = grub_plan_params,
  .plan_boot_entry = grub_plan_boot_entry,
  .next_boot_command = grub_next_boot_command,
};
