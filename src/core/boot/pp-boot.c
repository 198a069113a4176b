/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-boot.h"
#include "pp-boot-scripts.h"
#include "pp-diff.h"
#include "pp-edit-sdboot.h"
#include "pp-edit-modprobe.h"
#include "pp-host-files.h"

/* Every backend, most specific first: the first whose detect() says yes is
 * the host's. Adding one is a file that defines it and a line here. */
#define PP_BOOT_BACKENDS(X) \
  X (pp_boot_grub_bls)      \
  X (pp_boot_grub)          \
  X (pp_boot_systemd_boot)  \
  X (pp_boot_other)

#define PP_INITRAMFS_BACKENDS(X)  \
  X (pp_initramfs_mkinitcpio)     \
  X (pp_initramfs_dracut)         \
  X (pp_initramfs_tools)          \
  X (pp_initramfs_booster)

#define PP_DECLARE_BOOT(name) extern const PpBootBackend name;
#define PP_DECLARE_INITRAMFS(name) extern const PpInitramfsBackend name;
#define PP_LIST(name) &name,
PP_BOOT_BACKENDS (PP_DECLARE_BOOT)
PP_INITRAMFS_BACKENDS (PP_DECLARE_INITRAMFS)
static const PpBootBackend * const boot_backends[] = { PP_BOOT_BACKENDS (PP_LIST) NULL };
static const PpInitramfsBackend * const initramfs_backends[] = { PP_INITRAMFS_BACKENDS (PP_LIST) NULL };

G_DEFINE_QUARK (pp-boot-error-quark, pp_boot_error)

const char * const pp_loader_entry_dirs[] = {
  "/boot/loader/entries", "/boot/efi/loader/entries", "/efi/loader/entries", NULL,
};

/* ------------------------------------------------------------------ changes */

void
pp_file_edit_free (PpFileEdit *edit)
{
  g_free (edit->path);
  g_free (edit->old_text);
  g_free (edit->new_text);
  g_free (edit->diff);
  g_free (edit);
}

PpChanges *
pp_changes_new (void)
{
  PpChanges *changes = g_new0 (PpChanges, 1);

  changes->files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_file_edit_free);
  changes->commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  changes->undo_commands = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  changes->warnings = g_ptr_array_new_with_free_func (g_free);
  changes->manual_steps = g_ptr_array_new_with_free_func (g_free);
  changes->boot_entries = g_ptr_array_new_with_free_func (g_free);
  return changes;
}

void
pp_changes_free (PpChanges *changes)
{
  if (changes == NULL)
    return;
  g_ptr_array_unref (changes->files);
  g_ptr_array_unref (changes->commands);
  g_ptr_array_unref (changes->undo_commands);
  g_ptr_array_unref (changes->warnings);
  g_ptr_array_unref (changes->manual_steps);
  g_ptr_array_unref (changes->boot_entries);
  g_free (changes->restart_entry);
  g_free (changes);
}

static PpFileEdit *
find_edit (PpChanges  *changes,
           const char *path)
{
  for (guint i = 0; i < changes->files->len; i++)
    {
      PpFileEdit *edit = g_ptr_array_index (changes->files, i);

      if (g_str_equal (edit->path, path))
        return edit;
    }
  return NULL;
}

const char *
pp_changes_planned_text (PpChanges  *changes,
                         const char *path)
{
  PpFileEdit *edit = find_edit (changes, path);

  return edit != NULL ? edit->new_text : NULL;
}

gboolean
pp_changes_edit_file_mode (PpChanges  *changes,
                           const char *path,
                           const char *old_text,
                           const char *new_text,
                           guint       mode)
{
  PpFileEdit *edit;

  if (new_text == NULL || (old_text != NULL && g_str_equal (old_text, new_text)))
    return FALSE;
  edit = find_edit (changes, path);
  if (edit != NULL)
    {
      /* a later part of the plan edits on top of an earlier one: still one
       * edit, from the host's text */
      g_free (edit->new_text);
      g_free (edit->diff);
      edit->new_text = g_strdup (new_text);
      edit->diff = pp_diff_unified (path, edit->old_text, new_text, 3);
      if (edit->old_text != NULL && g_str_equal (edit->old_text, new_text))
        g_ptr_array_remove (changes->files, edit);
      return TRUE;
    }
  edit = g_new0 (PpFileEdit, 1);
  edit->path = g_strdup (path);
  edit->old_text = g_strdup (old_text);
  edit->new_text = g_strdup (new_text);
  edit->diff = pp_diff_unified (path, old_text, new_text, 3);
  edit->new_mode = mode;
  g_ptr_array_add (changes->files, edit);
  return TRUE;
}

gboolean
pp_changes_edit_file (PpChanges  *changes,
                      const char *path,
                      const char *old_text,
                      const char *new_text)
{
  return pp_changes_edit_file_mode (changes, path, old_text, new_text, 0644);
}

void
pp_changes_take_result (PpChanges    *changes,
                        GPtrArray    *files,
                        PpEditResult *result)
{
  for (guint i = 0; i < files->len; i++)
    {
      PpTextFile *file = g_ptr_array_index (files, i);

      pp_changes_edit_file (changes, file->path, file->text, g_ptr_array_index (result->texts, i));
    }
  for (guint i = 0; i < result->warnings->len; i++)
    g_ptr_array_add (changes->warnings, g_strdup (g_ptr_array_index (result->warnings, i)));
}

void
pp_changes_add_argv_with_undo (PpChanges *changes,
                               GStrv      argv,
                               GStrv      undo)
{
  g_ptr_array_add (changes->commands, argv);
  g_ptr_array_add (changes->undo_commands, undo);
}

void
pp_changes_add_argv (PpChanges *changes,
                     GStrv      argv)
{
  pp_changes_add_argv_with_undo (changes, argv, NULL);
}

void
pp_changes_add_command (PpChanges  *changes,
                        const char *program,
                        ...)
{
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  const char *arg;
  va_list args;

  g_strv_builder_add (argv, program);
  va_start (args, program);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_strv_builder_add (argv, arg);
  va_end (args);
  pp_changes_add_argv (changes, g_strv_builder_end (argv));
}

void
pp_changes_add_manual_step (PpChanges  *changes,
                            const char *format,
                            ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (changes->manual_steps, g_strdup_vprintf (format, args));
  va_end (args);
}

void
pp_changes_add_warning (PpChanges  *changes,
                        const char *format,
                        ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (changes->warnings, g_strdup_vprintf (format, args));
  va_end (args);
}

/* ------------------------------------------------------------------ the unknown boot manager */

static gboolean
unknown_detect (const PpHost  *host,
                PpBootSetup   *setup,
                GError       **error)
{
  return TRUE;
}

static char *
unknown_describe (const PpBootSetup *setup,
                  char             **next_step)
{
  *next_step = g_strdup (_("The kernel parameters must be added by hand; the review lists them."));
  return g_strdup (_("Not found"));
}

static gboolean
unknown_plan_params (const PpBootRequest *request,
                     GError             **error)
{
  return pp_boot_plan_params_by_hand (request, _("PassthroughPrep found no boot loader it knows"), error);
}

static const char * const kernel_cmdline_writes[] = { "/etc/kernel/cmdline", NULL };

static const PpBootBackend pp_boot_unknown = {
  .id = "unknown",
  .bootloader = "unknown",
  .touches = { kernel_cmdline_writes, NULL },
  .detect = unknown_detect,
  .describe = unknown_describe,
  .plan_params = unknown_plan_params,
  .no_boot_entry = N_("PassthroughPrep found no boot loader it knows, so it cannot add a boot entry."),
};

static gboolean
unknown_initramfs_detect (const PpHost  *host,
                          GError       **error)
{
  return TRUE;
}

static char *
unknown_initramfs_describe (const PpBootSetup  *setup,
                            char              **next_step)
{
  *next_step = g_strdup (_("Load vfio_pci, vfio and vfio_iommu_type1 early by hand; the review lists them."));
  return g_strdup (_("No known initramfs tool found"));
}

static gboolean
unknown_initramfs_plan_modules (const PpBootRequest *request,
                                GError             **error)
{
  pp_changes_add_manual_step (request->changes,
                              _("Make your initramfs load vfio_pci, vfio and vfio_iommu_type1 before any GPU "
                                "driver and include /etc/modprobe.d, then rebuild it: PassthroughPrep does not "
                                "know this host’s initramfs tool."));
  return TRUE;
}

static void
unknown_initramfs_plan_rebuild (const PpBootRequest *request)
{
}

static gboolean
unknown_initramfs_plan_bind_by_address (const PpBootRequest  *request,
                                        char                **refusal,
                                        GError              **error)
{
  *refusal = g_strdup (_("PassthroughPrep does not know this host’s initramfs tool, so it cannot make the "
                         "initramfs hand the GPU to vfio-pci by its address, which a card with an identical "
                         "twin needs."));
  return TRUE;
}

static const PpInitramfsBackend pp_initramfs_unknown = {
  .id = "unknown",
  .detect = unknown_initramfs_detect,
  .describe = unknown_initramfs_describe,
  .plan_modules = unknown_initramfs_plan_modules,
  .plan_rebuild = unknown_initramfs_plan_rebuild,
  .plan_bind_by_address = unknown_initramfs_plan_bind_by_address,
};

/* ------------------------------------------------------------------ setup */

static void
keep_first_error (PpBootSetup *setup,
                  GError      *error)
{
  if (setup->error == NULL)
    setup->error = error;
  else
    g_error_free (error);
}

PpBootSetup *
pp_boot_setup_detect (const PpHost *host)
{
  PpBootSetup *setup = g_new0 (PpBootSetup, 1);

  for (guint i = 0; setup->boot == NULL && boot_backends[i] != NULL; i++)
    {
      GError *error = NULL;

      if (boot_backends[i]->detect (host, setup, &error))
        setup->boot = boot_backends[i];
      else if (error != NULL)
        keep_first_error (setup, error);
    }
  if (setup->boot == NULL)
    setup->boot = &pp_boot_unknown;

  for (guint i = 0; setup->initramfs == NULL && initramfs_backends[i] != NULL; i++)
    {
      GError *error = NULL;

      if (initramfs_backends[i]->detect (host, &error))
        setup->initramfs = initramfs_backends[i];
      else if (error != NULL)
        keep_first_error (setup, error);
    }
  if (setup->initramfs == NULL)
    setup->initramfs = &pp_initramfs_unknown;
  return setup;
}

void
pp_boot_setup_free (PpBootSetup *setup)
{
  if (setup == NULL)
    return;
  g_free (setup->boot_evidence);
  g_free (setup->grub_cfg);
  g_clear_error (&setup->error);
  g_free (setup);
}

/* Files every plan may write whatever the backends: our modprobe.d file,
 * and for binding by address the script and its addresses */
static const char * const plan_writes[] = { PP_MODPROBE_FILE, PP_VFIO_BIND_SCRIPT, PP_VFIO_ADDRESSES_FILE, NULL };

gboolean
pp_boot_path_matches (const char *pattern,
                      const char *path)
{
  while (*pattern != '\0')
    {
      if (*pattern == '*')
        {
          /* the shortest run that lets the rest match, within this component */
          for (const char *p = path;; p++)
            {
              if (pp_boot_path_matches (pattern + 1, p))
                return TRUE;
              if (*p == '\0' || *p == '/')
                return FALSE;
            }
        }
      if (*pattern != *path)
        return FALSE;
      pattern++;
      path++;
    }
  return *path == '\0';
}

static gboolean
path_is_canonical (const char *path)
{
  if (path == NULL || path[0] != '/' || strstr (path, "//") != NULL || g_str_has_suffix (path, "/"))
    return FALSE;
  for (const char *p = path; p != NULL; p = strchr (p + 1, '/'))
    if (g_str_has_prefix (p, "/./") || g_str_has_prefix (p, "/../") || g_str_equal (p, "/.")
        || g_str_equal (p, "/.."))
      return FALSE;
  return TRUE;
}

static gboolean
touches_write (const PpBootTouches *touches,
               const char          *path)
{
  for (guint i = 0; touches->writes != NULL && touches->writes[i] != NULL; i++)
    if (pp_boot_path_matches (touches->writes[i], path))
      return TRUE;
  return FALSE;
}

static gboolean
touches_run (const PpBootTouches *touches,
             const char          *program)
{
  return touches->runs != NULL && g_strv_contains (touches->runs, program);
}

gboolean
pp_boot_may_write (const char *host_path)
{
  const PpBootTouches plan = { plan_writes, NULL };

  if (!path_is_canonical (host_path))
    return FALSE;
  if (touches_write (&plan, host_path) || touches_write (&pp_boot_unknown.touches, host_path))
    return TRUE;
  for (guint i = 0; boot_backends[i] != NULL; i++)
    if (touches_write (&boot_backends[i]->touches, host_path))
      return TRUE;
  for (guint i = 0; initramfs_backends[i] != NULL; i++)
    if (touches_write (&initramfs_backends[i]->touches, host_path))
      return TRUE;
  return FALSE;
}

gboolean
pp_boot_may_run (const char *program)
{
  if (program == NULL || *program == '\0' || strchr (program, '/') != NULL)
    return FALSE;
  for (guint i = 0; boot_backends[i] != NULL; i++)
    if (touches_run (&boot_backends[i]->touches, program))
      return TRUE;
  for (guint i = 0; initramfs_backends[i] != NULL; i++)
    if (touches_run (&initramfs_backends[i]->touches, program))
      return TRUE;
  return FALSE;
}

const char *
pp_restart_method_to_string (PpRestartMethod method)
{
  switch (method)
    {
    case PP_RESTART_LOGIND: return "logind";
    case PP_RESTART_HELPER: return "helper";
    case PP_RESTART_MENU:
    default:                return "menu";
    }
}

const char *
pp_binding_to_string (PpBinding binding)
{
  return binding == PP_BINDING_ADDRESS ? "address" : "ids";
}

const char *
pp_boot_mode_to_string (PpBootMode mode)
{
  switch (mode)
    {
    case PP_BOOT_MODE_BOOT_ENTRY: return "boot-entry";
    case PP_BOOT_MODE_DEFAULT:    return "default";
    case PP_BOOT_MODE_EVERY_BOOT:
    default:                      return "every-boot";
    }
}

gboolean
pp_boot_mode_from_string (const char *text,
                          PpBootMode *mode)
{
  if (g_strcmp0 (text, "every-boot") == 0)
    *mode = PP_BOOT_MODE_EVERY_BOOT;
  else if (g_strcmp0 (text, "boot-entry") == 0)
    *mode = PP_BOOT_MODE_BOOT_ENTRY;
  else if (g_strcmp0 (text, "default") == 0)
    *mode = PP_BOOT_MODE_DEFAULT;
  else
    return FALSE;
  return TRUE;
}

/* ------------------------------------------------------------------ shared by backends */

gboolean
pp_boot_find_first (const PpHost        *host,
                    const char * const  *host_paths,
                    const char         **found,
                    GError             **error)
{
  *found = NULL;
  for (guint i = 0; host_paths[i] != NULL; i++)
    {
      gboolean exists = FALSE;

      if (!pp_host_probe (host, host_paths[i], &exists, error))
        return FALSE;
      if (exists)
        {
          *found = host_paths[i];
          return TRUE;
        }
    }
  return TRUE;
}

GPtrArray *
pp_boot_read_files (const PpHost  *host,
                    const char    *main_path,
                    GPtrArray     *more,
                    GError       **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_text_file_free);

  for (guint i = main_path != NULL ? 0 : 1; i <= (more != NULL ? more->len : 0); i++)
    {
      const char *path = i == 0 ? main_path : g_ptr_array_index (more, i - 1);
      g_autofree char *text = NULL;

      if (!pp_host_read_file (host, path, &text, error))
        return NULL;
      g_ptr_array_add (files, pp_text_file_new (path, text));
    }
  return g_steal_pointer (&files);
}

GPtrArray *
pp_boot_read_planned_files (const PpHost  *host,
                            PpChanges     *changes,
                            const char    *main_path,
                            GPtrArray     *more,
                            GError       **error)
{
  GPtrArray *files = pp_boot_read_files (host, main_path, more, error);

  for (guint i = 0; files != NULL && i < files->len; i++)
    {
      PpTextFile *file = g_ptr_array_index (files, i);
      const char *planned = pp_changes_planned_text (changes, file->path);

      if (planned != NULL)
        {
          g_free (file->text);
          file->text = g_strdup (planned);
        }
    }
  return files;
}

GPtrArray *
pp_boot_list_loader_entries (const PpHost  *host,
                             GError       **error)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_free);

  for (guint d = 0; pp_loader_entry_dirs[d] != NULL; d++)
    {
      g_autoptr(GPtrArray) entries = pp_host_list_dir (host, pp_loader_entry_dirs[d], ".conf", NULL, error);

      if (entries == NULL)
        return NULL;
      for (guint e = 0; e < entries->len; e++)
        g_ptr_array_add (all, g_strdup (g_ptr_array_index (entries, e)));
    }
  return g_steal_pointer (&all);
}

gboolean
pp_boot_plan_whole_files (const PpBootRequest   *request,
                          const PpBootFileText  *files,
                          GError               **error)
{
  for (guint i = 0; files[i].path != NULL; i++)
    {
      g_autofree char *old_text = NULL;

      if (!pp_host_read_file (request->host, files[i].path, &old_text, error))
        return FALSE;
      pp_changes_edit_file_mode (request->changes, files[i].path, old_text, files[i].text, files[i].mode);
    }
  return TRUE;
}

gboolean
pp_boot_plan_params_by_hand (const PpBootRequest *request,
                             const char          *why,
                             GError             **error)
{
  g_autofree char *args = pp_kernel_params_intent_args (request->params);

  if (!pp_boot_plan_kernel_cmdline (request, error))
    return FALSE;
  /* TRANSLATORS: the first %s says why it is by hand, the second lists the parameters */
  pp_changes_add_manual_step (request->changes,
                              _("Add these parameters to your boot loader’s kernel command line (%s): %s"),
                              why, args);
  if (request->params->no_vfio_ids)
    pp_changes_add_manual_step (request->changes,
                                _("Remove every vfio-pci.ids= from your boot loader’s kernel command line: it "
                                  "would take the identical card the host keeps too."));
  return TRUE;
}

gboolean
pp_boot_plan_kernel_cmdline (const PpBootRequest *request,
                             GError             **error)
{
  g_autofree char *text = NULL;
  g_autofree char *edited = NULL;

  if (!pp_host_read_file (request->host, "/etc/kernel/cmdline", &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  edited = pp_kernel_params_edit_line (request->params, text);
  pp_changes_edit_file (request->changes, "/etc/kernel/cmdline", text, edited);
  return TRUE;
}

char *
pp_boot_script_render (const char *script,
                       const char *params)
{
  g_auto(GStrv) parts = g_strsplit (script, "@PASSTHROUGH_PARAMS@", -1);

  g_return_val_if_fail (strchr (params, '\'') == NULL, NULL);
  return g_strjoinv (params, parts);
}

/* "title" of an entry's text, or its file name */
static char *
entry_title (const char *path,
             const char *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i] + strspn (lines[i], " \t");

      if (g_str_has_prefix (line, "title") && (line[5] == ' ' || line[5] == '\t'))
        return g_strstrip (g_strdup (line + 5));
    }
  return g_path_get_basename (path);
}

/* Entries kernel-install wrote are named TOKEN-VERSION.conf, TOKEN the
 * machine id or /etc/kernel/entry-token */
static gboolean
made_by_kernel_install (const PpHost  *host,
                        GPtrArray     *entries,
                        gboolean      *made,
                        GError       **error)
{
  static const char * const token_files[] = { "/etc/kernel/entry-token", "/etc/machine-id", NULL };

  *made = FALSE;
  for (guint t = 0; token_files[t] != NULL && !*made; t++)
    {
      g_autofree char *token = NULL;
      g_autofree char *prefix = NULL;

      if (!pp_host_read_file (host, token_files[t], &token, error))
        return FALSE;
      if (token == NULL || *g_strstrip (token) == '\0')
        continue;
      prefix = g_strdup_printf ("/%s-", token);
      for (guint e = 0; e < entries->len && !*made; e++)
        *made = strstr (g_ptr_array_index (entries, e), prefix) != NULL;
    }
  return TRUE;
}

/* A sibling "…-passthrough.conf" beside each Linux entry, and where
 * kernel-install writes the entries, a plugin that gives each kernel
 * installed later its own; restart_entry is the newest normal entry's
 * sibling (host path) */
gboolean
pp_boot_plan_passthrough_entries (const PpBootRequest *request,
                                  GError             **error)
{
  g_autoptr(GPtrArray) entries = pp_boot_list_loader_entries (request->host, error);
  gboolean plugin = FALSE;
  guint made = 0;

  if (entries == NULL)
    return FALSE;
  for (guint e = 0; e < entries->len; e++)
    {
      const char *path = g_ptr_array_index (entries, e);
      g_autofree char *text = NULL;
      g_autofree char *sibling = NULL;
      g_autofree char *sibling_path = NULL;
      g_autofree char *old_sibling = NULL;
      g_autoptr(GError) local_error = NULL;

      /* a fallback or rescue image is for when the normal one fails: none of ours */
      if (g_str_has_suffix (path, "-passthrough.conf") || strstr (path, "fallback") != NULL
          || strstr (path, "rescue") != NULL)
        continue;
      if (!pp_host_read_file (request->host, path, &text, error))
        return FALSE;
      sibling = pp_sdboot_passthrough_entry (path, text, request->params, PP_PASSTHROUGH_MARKER, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (sibling == NULL)
        continue;
      sibling_path = g_strdup_printf ("%.*s-passthrough.conf", (int) (strlen (path) - strlen (".conf")), path);
      if (!pp_host_read_file (request->host, sibling_path, &old_sibling, error))
        return FALSE;
      pp_changes_edit_file (request->changes, sibling_path, old_sibling, sibling);
      g_ptr_array_add (request->changes->boot_entries, entry_title (sibling_path, sibling));
      if (request->changes->restart_entry == NULL
          || pp_edit_version_compare (sibling_path, request->changes->restart_entry) > 0)
        {
          g_free (request->changes->restart_entry);
          request->changes->restart_entry = g_strdup (sibling_path);
        }
      made++;
    }
  if (made == 0)
    {
      g_set_error_literal (error, PP_BOOT_ERROR, PP_BOOT_ERROR_NO_BOOT_ENTRY,
                           _("This computer boots unified kernel images (or no Linux boot entry was found), whose "
                             "kernel command line cannot be changed for one boot entry."));
      return FALSE;
    }

  if (!made_by_kernel_install (request->host, entries, &plugin, error))
    return FALSE;
  if (plugin)
    {
      g_autofree char *old_plugin = NULL;
      g_autofree char *script = pp_boot_script_render (pp_script_kernel_install, request->passthrough_args);

      if (!pp_host_read_file (request->host, PP_KERNEL_INSTALL_PLUGIN, &old_plugin, error))
        return FALSE;
      pp_changes_edit_file_mode (request->changes, PP_KERNEL_INSTALL_PLUGIN, old_plugin, script, 0755);
    }
  return TRUE;
}
