/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "pp-boot.h"
#include "pp-edit-refind.h"
#include "pp-host-files.h"

/* rEFInd: the kernels it finds take their options from refind_linux.conf
 * beside them (read at every boot; nothing is rebuilt), whose option
 * strings are edited. Stanzas written by hand in refind.conf carry their
 * own options: those are a step by hand that names them. */

#define REFIND_LINUX_CONF "/boot/refind_linux.conf"

static const char * const refind_confs[] = {
  "/boot/efi/EFI/refind/refind.conf", "/boot/EFI/refind/refind.conf", "/efi/EFI/refind/refind.conf",
  "/boot/efi/EFI/BOOT/refind.conf", "/boot/EFI/BOOT/refind.conf", "/efi/EFI/BOOT/refind.conf", NULL,
};

static gboolean
refind_detect (const PpHost  *host,
               PpBootSetup   *setup,
               GError       **error)
{
  static const char * const linux_conf[] = { REFIND_LINUX_CONF, NULL };
  const char *found = NULL;

  if (!pp_boot_find_first (host, refind_confs, &found, error))
    return FALSE;
  if (found == NULL && (!pp_boot_find_first (host, linux_conf, &found, error) || found == NULL))
    return FALSE;
  g_free (setup->boot_evidence);
  setup->boot_evidence = g_strdup_printf (_("%s exists"), found);
  return TRUE;
}

static char *
refind_describe (const PpBootSetup *setup,
                 char             **next_step)
{
  return g_strdup (_("rEFInd"));
}

static gboolean
refind_plan_params (const PpBootRequest *request,
                    GError             **error)
{
  g_autofree char *args = pp_kernel_params_intent_args (request->params);
  g_autofree char *text = NULL;
  g_autofree char *edited = NULL;
  g_autoptr(GError) local_error = NULL;
  guint stanzas_found = 0;

  if (!pp_host_read_file (request->host, REFIND_LINUX_CONF, &text, error))
    return FALSE;
  if (text != NULL)
    {
      edited = pp_refind_edit_linux_conf (REFIND_LINUX_CONF, text, request->params, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      pp_changes_edit_file (request->changes, REFIND_LINUX_CONF, text, edited);
    }

  for (guint i = 0; refind_confs[i] != NULL; i++)
    {
      g_autofree char *conf = NULL;
      g_autoptr(GPtrArray) stanzas = NULL;

      if (!pp_host_read_file (request->host, refind_confs[i], &conf, error))
        return FALSE;
      if (conf == NULL)
        continue;
      stanzas = pp_refind_linux_stanzas (conf);
      for (guint s = 0; s < stanzas->len; s++)
        {
          PpRefindStanza *stanza = g_ptr_array_index (stanzas, s);

          /* TRANSLATORS: "rEFInd: the menu entry “Arch Linux” written by hand in FILE:LINE ..." */
          pp_changes_add_manual_step (request->changes,
                                      _("rEFInd: the menu entry “%s” written by hand in %s:%u has options of its "
                                        "own; add these parameters inside its options quotes: %s"),
                                      stanza->title, refind_confs[i], stanza->line, args);
          stanzas_found++;
        }
    }
  if (text == NULL && stanzas_found == 0)
    pp_changes_add_manual_step (request->changes,
                                _("rEFInd: there is no %s, so rEFInd guesses the kernel options. Create it "
                                  "(mkrlconf does) and add these parameters to each option string: %s"),
                                REFIND_LINUX_CONF, args);
  return TRUE;
}

static const char * const refind_writes[] = { REFIND_LINUX_CONF, NULL };

const PpBootBackend pp_boot_refind = {
  .id = "refind",
  .bootloader = "refind",
  .touches = { refind_writes, NULL },
  .detect = refind_detect,
  .describe = refind_describe,
  .plan_params = refind_plan_params,  .no_boot_entry = N_("PassthroughPrep does not add boot entries to rEFInd, so it changes every option string."),
};
