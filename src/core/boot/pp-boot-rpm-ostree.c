/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-boot.h"
#include "pp-edit-modprobe.h"
#include "pp-host-files.h"
#include "pp-initramfs-private.h"

/* rpm-ostree systems (Fedora Silverblue, Kinoite, Bazzite, CoreOS): /boot's
 * entries and initramfs belong to ostree deployments and are never edited.
 * Kernel arguments go through "rpm-ostree kargs", which stages a new
 * deployment (the restart starts it; the one before stays in the menu);
 * its undo is the kargs command that takes exactly those changes back.
 * The early modules: the shipped initramfs is generic and has no vfio
 * modules, and "rpm-ostree initramfs-etc --track" only adds /etc files, not
 * modules, so our dracut drop-in goes to /etc/dracut.conf.d and rpm-ostree
 * builds the initramfs on the host ("rpm-ostree initramfs --enable", undone
 * by --disable; where that is already on, the deployment is built again
 * with its own arguments and the restored files on revert). */

#define OSTREE_BOOTED "/run/ostree-booted"

static gboolean
ostree_booted (const PpHost  *host,
               GError       **error)
{
  gboolean exists = FALSE;

  return pp_host_probe (host, OSTREE_BOOTED, &exists, error) && exists;
}

/* The options of the default deployment's entry (ostree-N-OS.conf or
 * ostree-N.conf with the highest N); the command line in effect where
 * there is none. */
static gboolean
default_options (const PpHost  *host,
                 char         **options,
                 GError       **error)
{
  g_autoptr(GPtrArray) entries = pp_boot_list_loader_entries (host, error);
  guint64 best = 0;

  *options = NULL;
  if (entries == NULL)
    return FALSE;
  for (guint e = 0; e < entries->len; e++)
    {
      const char *path = g_ptr_array_index (entries, e);
      g_autofree char *name = g_path_get_basename (path);
      g_autofree char *text = NULL;
      g_autofree char *line_options = NULL;
      char *end = NULL;
      guint64 index;

      if (!g_str_has_prefix (name, "ostree-"))
        continue;
      index = g_ascii_strtoull (name + strlen ("ostree-"), &end, 10);
      if (end == name + strlen ("ostree-") || (*end != '-' && *end != '.') || index <= best)
        continue;
      if (!pp_host_read_file (host, path, &text, error))
        return FALSE;
      line_options = pp_boot_entry_options (text);
      if (line_options == NULL)
        continue;
      best = index;
      g_free (*options);
      *options = g_steal_pointer (&line_options);
    }
  if (*options == NULL)
    *options = g_strdup (host->cmdline);
  return TRUE;
}

static gboolean
rpm_ostree_detect (const PpHost  *host,
                   PpBootSetup   *setup,
                   GError       **error)
{
  if (!ostree_booted (host, error))
    return FALSE;
  g_free (setup->boot_evidence);
  /* TRANSLATORS: %s is /run/ostree-booted */
  setup->boot_evidence = g_strdup_printf (_("%s exists: an rpm-ostree system, whose kernel arguments belong to its "
                                            "deployments"), OSTREE_BOOTED);
  return TRUE;
}

static char *
rpm_ostree_describe (const PpBootSetup *setup,
                     char             **next_step)
{
  return g_strdup (_("rpm-ostree deployments (kernel arguments with rpm-ostree kargs)"));
}

static gboolean
same_key (const char *a,
          const char *b)
{
  return strcspn (a, "=") == strcspn (b, "=") && strncmp (a, b, strcspn (a, "=")) == 0;
}

static void
add_option (GStrvBuilder *argv,
            const char   *option,
            const char   *value)
{
  g_autofree char *arg = g_strconcat (option, value, NULL);

  g_strv_builder_add (argv, arg);
}

static gboolean
rpm_ostree_plan_params (const PpBootRequest *request,
                        GError             **error)
{
  g_autofree char *options = NULL;
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_param_token_free);
  g_autoptr(GPtrArray) append = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) undo = g_strv_builder_new ();
  guint changes = 0;

  if (!default_options (request->host, &options, error))
    return FALSE;
  pp_kernel_params_tokenize (options, 0, strlen (options), 0, tokens);
  decisions = pp_kernel_params_plan (request->params, tokens, append);

  g_strv_builder_add (argv, "rpm-ostree");
  g_strv_builder_add (argv, "kargs");
  g_strv_builder_add (undo, "rpm-ostree");
  g_strv_builder_add (undo, "kargs");
  for (guint t = 0; t < tokens->len; t++)
    {
      const char *decision = g_ptr_array_index (decisions, t);
      const char *old = ((PpParamToken *) g_ptr_array_index (tokens, t))->text;

      if (decision == NULL)
        continue;
      changes++;
      if (decision[0] != '\0' && same_key (decision, old) && strchr (old, '=') != NULL)
        {
          /* KEY=OLD=NEW replaces just that value */
          g_autofree char *forward = g_strconcat (old, strchr (decision, '='), NULL);
          g_autofree char *back = g_strconcat (decision, strchr (old, '='), NULL);

          add_option (argv, "--replace=", forward);
          add_option (undo, "--replace=", back);
          continue;
        }
      add_option (argv, "--delete-if-present=", old);
      add_option (undo, "--append=", old);
      if (decision[0] != '\0')
        {
          add_option (argv, "--append-if-missing=", decision);
          add_option (undo, "--delete-if-present=", decision);
        }
    }
  for (guint a = 0; a < append->len; a++)
    {
      changes++;
      add_option (argv, "--append-if-missing=", g_ptr_array_index (append, a));
      add_option (undo, "--delete-if-present=", g_ptr_array_index (append, a));
    }
  if (changes == 0)
    return TRUE;

  pp_boot_add_state_command (request, g_strv_builder_end (argv), g_strv_builder_end (undo));
  pp_changes_add_warning (request->changes,
                          _("rpm-ostree stages a new deployment with these kernel arguments: the restart starts "
                            "it, and the deployment before it stays in the boot menu as the way back."));
  return TRUE;
}

static const char * const rpm_ostree_runs[] = { "rpm-ostree", NULL };

const PpBootBackend pp_boot_rpm_ostree = {
  .id = "rpm-ostree",
  .bootloader = NULL,
  .whole_system = TRUE,
  .touches = { NULL, rpm_ostree_runs },
  .detect = rpm_ostree_detect,
  .describe = rpm_ostree_describe,
  .plan_params = rpm_ostree_plan_params,  .no_boot_entry = N_("rpm-ostree keeps one kernel command line for each deployment: a separate Passthrough entry is not possible."),
};

/* ------------------------------------------------------------------ the initramfs */

static gboolean
rpm_ostree_initramfs_detect (const PpHost  *host,
                             GError       **error)
{
  return ostree_booted (host, error);
}

static char *
rpm_ostree_initramfs_describe (const PpBootSetup  *setup,
                               char              **next_step)
{
  return g_strdup (_("rpm-ostree (dracut on the host, rpm-ostree initramfs)"));
}

/* The origin file of the deployment the default entry starts: its ostree=
 * argument names /ostree/boot.N/OS/CHECKSUM/SERIAL, which links to
 * /ostree/deploy/OS/deploy/CHECKSUM.SERIAL, beside DEPLOYMENT.origin. NULL
 * when that cannot be followed. */
static char *
find_origin (const PpHost *host)
{
  g_autofree char *options = NULL;
  g_auto(GStrv) words = NULL;
  const char *ostree = NULL;

  if (!default_options (host, &options, NULL))
    return NULL;
  words = g_strsplit_set (options, " \t", -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (g_str_has_prefix (words[i], "ostree=/"))
      ostree = words[i] + strlen ("ostree=");
  if (ostree == NULL)
    return NULL;
  {
    g_autofree char *path = pp_host_path (host, ostree);
    g_autofree char *resolved = realpath (path, NULL);
    g_autofree char *root = realpath (host->root, NULL);

    /* links inside the root only: an absolute one would leave it */
    if (resolved == NULL || root == NULL
        || !(g_str_equal (root, "/") || g_str_has_prefix (resolved, root))
        || (!g_str_equal (root, "/") && resolved[strlen (root)] != '/'))
      return NULL;
    return g_strconcat (g_str_equal (root, "/") ? resolved : resolved + strlen (root), ".origin", NULL);
  }
}

/* Binding by address: /usr is read-only here, so no dracut module of ours
 * can run the script, and the image is generic (dracut leaves /etc/modprobe.d
 * out of it). Our drop-in has dracut carry the script, its addresses and our
 * modprobe.d file instead: force_drivers loads vfio-pci with modprobe before
 * udev starts, and modprobe.d's install line runs the script first. */
static const char * const bind_items[] = { PP_VFIO_BIND_SCRIPT, PP_VFIO_ADDRESSES_FILE, PP_MODPROBE_FILE, NULL };

static gboolean
rpm_ostree_plan_modules (const PpBootRequest *request,
                         GError             **error)
{
  return pp_initramfs_dracut_plan_dropin (request, request->binding == PP_BINDING_ADDRESS ? bind_items : NULL,
                                          error);
}

/* The drop-in plan_modules wrote carries the files; that is enough unless
 * vfio-pci is built in, when no modprobe install line ever runs */
static gboolean
rpm_ostree_plan_bind_by_address (const PpBootRequest  *request,
                                 char                **refusal,
                                 GError              **error)
{
  if (request->host->mod_vfio_pci == PP_MODULE_BUILTIN)
    *refusal = g_strdup (_("vfio-pci is built into this kernel, so modprobe.d’s install line never runs, and "
                           "rpm-ostree’s read-only /usr takes no dracut module that could run a script early: "
                           "nothing could hand the GPU to vfio-pci by its address before the GPU drivers take "
                           "both identical cards. Reserve a card whose vendor:device ID no other device has."));
  return TRUE;
}

static void
rpm_ostree_plan_rebuild (const PpBootRequest *request)
{
  g_autofree char *origin = find_origin (request->host);
  g_autofree char *text = NULL;
  g_autoptr(GKeyFile) keys = g_key_file_new ();
  g_auto(GStrv) args = NULL;
  gboolean regenerating = FALSE;
  g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();

  if (origin != NULL && pp_host_read_file (request->host, origin, &text, NULL) && text != NULL
      && g_key_file_load_from_data (keys, text, -1, G_KEY_FILE_NONE, NULL))
    {
      regenerating = g_key_file_get_boolean (keys, "rpmostree", "regenerate-initramfs", NULL);
      args = g_key_file_get_string_list (keys, "rpmostree", "initramfs-args", NULL, NULL);
    }
  else
    pp_changes_add_warning (request->changes,
                            _("The origin file of the default deployment could not be read, so PassthroughPrep "
                              "takes it that rpm-ostree does not build the initramfs on this host yet. If it does, "
                              "“rpm-ostree initramfs --enable” fails and nothing is changed."));

  g_strv_builder_add (argv, "rpm-ostree");
  if (regenerating && args != NULL && args[0] != NULL)
    {
      /* --enable with the same arguments builds the deployment again */
      g_strv_builder_add (argv, "initramfs");
      g_strv_builder_add (argv, "--enable");
      for (guint i = 0; args[i] != NULL; i++)
        add_option (argv, "--arg=", args[i]);
    }
  else if (regenerating)
    {
      /* --enable without arguments would fail ("already enabled"): a new
       * deployment is built with the initramfs made again */
      g_strv_builder_add (argv, "initramfs-etc");
      g_strv_builder_add (argv, "--force-sync");
    }
  else
    {
      g_strv_builder_add (argv, "initramfs");
      g_strv_builder_add (argv, "--enable");
    }

  if (regenerating)
    pp_boot_add_state_command (request, g_strv_builder_end (argv), NULL);
  else
    {
      static const char * const disable[] = { "rpm-ostree", "initramfs", "--disable", NULL };

      pp_boot_add_state_command (request, g_strv_builder_end (argv), g_strdupv ((char **) disable));
    }
}

static const char * const rpm_ostree_initramfs_writes[] = { PP_DRACUT_FILE, NULL };

const PpInitramfsBackend pp_initramfs_rpm_ostree = {
  .id = "rpm-ostree",
  .touches = { rpm_ostree_initramfs_writes, rpm_ostree_runs },
  .detect = rpm_ostree_initramfs_detect,
  .describe = rpm_ostree_initramfs_describe,
  .plan_modules = rpm_ostree_plan_modules,
  .plan_rebuild = rpm_ostree_plan_rebuild,
  .plan_bind_by_address = rpm_ostree_plan_bind_by_address,
};
