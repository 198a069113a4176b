/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "pp-edit-initramfs-tools.h"
#include "pp-edit-modprobe.h"
#include "pp-host-files.h"
#include "pp-plan-earlier.h"

/* Whether @list names any of the functions in @ids */
static gboolean
names_any (const char *list,
           const char *ids)
{
  g_auto(GStrv) wanted = g_strsplit (ids, ",", -1);

  for (guint i = 0; wanted[i] != NULL; i++)
    if (pp_vfio_ids_contain (list, wanted[i]))
      return TRUE;
  return FALSE;
}

/* Line @line of @path, as the plan leaves the file so far, with its ids=
 * set to @ids (NULL: taken out of a modprobe.d command) */
static gboolean
replace_text (PpChanges     *changes,
              const PpHost  *host,
              const char    *path,
              guint          line,
              const char    *ids,
              GError       **error)
{
  g_autofree char *old_text = NULL;
  g_autofree char *edited = NULL;
  const char *text = pp_changes_planned_text (changes, path);

  if (text == NULL)
    {
      if (!pp_host_read_file (host, path, &old_text, error))
        return FALSE;
      text = old_text;
    }
  if (text == NULL)
    return TRUE;
  edited = ids != NULL ? pp_modules_line_set_ids (text, line, ids) : pp_modprobe_drop_ids (text, line);
  pp_changes_edit_file (changes, path, old_text, edited);
  return TRUE;
}

/* Later lines first, so that removing a line leaves the numbers of the
 * ones before it as they were read */
static int
compare_lines_descending (gconstpointer a,
                          gconstpointer b)
{
  const PpEarlierVfio *ia = *(PpEarlierVfio * const *) a;
  const PpEarlierVfio *ib = *(PpEarlierVfio * const *) b;
  int by_path = strcmp (ia->path, ib->path);

  if (by_path != 0)
    return by_path;
  return (ia->line < ib->line) - (ia->line > ib->line);
}

gboolean
pp_plan_reconcile_earlier_vfio (PpChanges         *changes,
                                const PpHost      *host,
                                const PpBootSetup *setup,
                                const char        *reserved,
                                const char        *ids,
                                GError           **error)
{
  static const char * const dracut[] = { "dracut", NULL };
  g_autoptr(GPtrArray) items = g_ptr_array_new ();

  for (guint i = 0; i < setup->earlier_vfio->len; i++)
    g_ptr_array_add (items, g_ptr_array_index (setup->earlier_vfio, i));
  g_ptr_array_sort (items, compare_lines_descending);

  for (guint i = 0; i < items->len; i++)
    {
      const PpEarlierVfio *item = g_ptr_array_index (items, i);
      gboolean other_ids = item->ids != NULL && !item->stub && !pp_vfio_ids_same (item->ids, ids);

      if (ids == NULL && item->kind != PP_EARLIER_VFIO_INSTALL)
        continue;
      switch (item->kind)
        {
        case PP_EARLIER_VFIO_INSTALL:
          pp_changes_refuse (changes,
                             _("%s:%u: “%s” runs a command instead of loading vfio-pci, so it is not sure "
                               "which devices it takes. Remove or adapt that line by hand, then plan again."),
                             item->path, item->line, item->text);
          break;
        case PP_EARLIER_VFIO_OPTIONS:
        case PP_EARLIER_VFIO_MODULES:
          if (item->stub)
            {
              if (names_any (item->ids, reserved))
                pp_changes_refuse (changes,
                                   _("%s:%u: gives pci-stub the IDs %s, so pci-stub would hold the reserved "
                                     "functions before vfio-pci. Remove those IDs there by hand, then plan again."),
                                   item->path, item->line, item->ids);
              break;
            }
          if (!other_ids)
            break;
          /* initramfs-tools' own backend edits its modules file */
          if (g_str_equal (item->path, PP_INITRAMFS_TOOLS_MODULES))
            break;
          if (item->kind == PP_EARLIER_VFIO_MODULES)
            {
              if (!replace_text (changes, host, item->path, item->line, ids, error))
                return FALSE;
              break;
            }
          if (!g_str_has_prefix (item->path, "/etc/modprobe.d/") || item->continued)
            {
              pp_changes_refuse (changes,
                                 item->continued
                                 ? _("%s:%u: gives vfio-pci the IDs %s over several lines, which PassthroughPrep "
                                     "does not change. Remove that ids= by hand, then plan again.")
                                 : _("%s:%u: gives vfio-pci the IDs %s in a file installed by a package. Override "
                                     "it with a file of the same name in /etc/modprobe.d, then plan again."),
                                 item->path, item->line, item->ids);
              break;
            }
          if (!replace_text (changes, host, item->path, item->line, NULL, error))
            return FALSE;
          break;
        case PP_EARLIER_VFIO_DRACUT:
          if (!other_ids || pp_host_find_tool (host, dracut) == NULL)
            break;
          if (ids[0] == '\0')
            pp_changes_refuse (changes,
                               _("%s:%u: dracut puts vfio-pci.ids=%s into the initramfs there, which would take the "
                                 "identical card this computer keeps too. Remove it by hand, then plan again."),
                               item->path, item->line, item->ids);
          else
            pp_changes_refuse (changes,
                               _("%s:%u: dracut puts vfio-pci.ids=%s into the initramfs there. Remove it or set it "
                                 "to %s by hand, then plan again."),
                               item->path, item->line, item->ids, ids);
          break;
        case PP_EARLIER_VFIO_SOFTDEP:
        case PP_EARLIER_VFIO_BLACKLIST:
        case PP_EARLIER_VFIO_MKINITCPIO:
        case PP_EARLIER_VFIO_CMDLINE:
        default:
          /* harmless, warned about, or edited with the command line it is on */
          break;
        }
    }
  return TRUE;
}

char *
pp_plan_earlier_binds_every_boot (const PpBootSetup *setup,
                                  const char        *ids)
{
  for (guint i = 0; i < setup->earlier_vfio->len; i++)
    {
      const PpEarlierVfio *item = g_ptr_array_index (setup->earlier_vfio, i);

      switch (item->kind)
        {
        case PP_EARLIER_VFIO_OPTIONS:
        case PP_EARLIER_VFIO_MODULES:
        case PP_EARLIER_VFIO_DRACUT:
        case PP_EARLIER_VFIO_CMDLINE:
          if (item->ids != NULL && names_any (item->ids, ids))
            return g_strdup_printf (_("%s:%u: gives %s the IDs %s in every boot, so no boot entry would leave the "
                                      "GPU to this computer. Remove that by hand for a separate Passthrough "
                                      "entry."),
                                    item->path, item->line, item->stub ? "pci-stub" : "vfio-pci", item->ids);
          break;
        default:
          break;
        }
    }
  return NULL;
}
