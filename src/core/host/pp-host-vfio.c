/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pp-edit-initramfs-tools.h"
#include "pp-edit-mkinitcpio.h"
#include "pp-edit-modprobe.h"
#include "pp-host-files.h"
#include "pp-host-vfio.h"

void
pp_earlier_vfio_free (PpEarlierVfio *item)
{
  if (item == NULL)
    return;
  g_free (item->path);
  g_free (item->text);
  g_free (item->ids);
  g_free (item);
}

const char *
pp_earlier_vfio_kind_to_string (PpEarlierVfioKind kind)
{
  switch (kind)
    {
    case PP_EARLIER_VFIO_OPTIONS:    return "modprobe-options";
    case PP_EARLIER_VFIO_SOFTDEP:    return "modprobe-softdep";
    case PP_EARLIER_VFIO_INSTALL:    return "modprobe-install";
    case PP_EARLIER_VFIO_BLACKLIST:  return "modprobe-blacklist";
    case PP_EARLIER_VFIO_MODULES:    return "modules";
    case PP_EARLIER_VFIO_DRACUT:     return "dracut";
    case PP_EARLIER_VFIO_MKINITCPIO: return "mkinitcpio";
    case PP_EARLIER_VFIO_CMDLINE:
    default:                         return "kernel-cmdline";
    }
}

/* "10DE:1b80:ffffffff, 10de:10f0" -> sorted unique "10de:10f0", "10de:1b80" */
static GPtrArray *
ids_pairs (const char *ids)
{
  GPtrArray *pairs = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) items = g_strsplit (ids != NULL ? ids : "", ",", -1);

  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (g_strstrip (items[i]), ":", 3);
      g_autofree char *pair = NULL;

      if (g_strv_length (fields) < 2)
        continue;
      pair = g_ascii_strdown (fields[0], -1);
      {
        g_autofree char *device = g_ascii_strdown (fields[1], -1);
        g_autofree char *joined = g_strconcat (pair, ":", device, NULL);

        g_free (pair);
        pair = g_steal_pointer (&joined);
      }
      if (!g_ptr_array_find_with_equal_func (pairs, pair, g_str_equal, NULL))
        g_ptr_array_add (pairs, g_steal_pointer (&pair));
    }
  g_ptr_array_sort (pairs, pp_host_compare_paths);
  return pairs;
}

gboolean
pp_vfio_ids_same (const char *a,
                  const char *b)
{
  g_autoptr(GPtrArray) pa = ids_pairs (a);
  g_autoptr(GPtrArray) pb = ids_pairs (b);

  if (pa->len != pb->len)
    return FALSE;
  for (guint i = 0; i < pa->len; i++)
    if (!g_str_equal (g_ptr_array_index (pa, i), g_ptr_array_index (pb, i)))
      return FALSE;
  return TRUE;
}

gboolean
pp_vfio_ids_contain (const char *ids,
                     const char *id)
{
  g_autoptr(GPtrArray) pairs = ids_pairs (ids);
  g_autoptr(GPtrArray) wanted = ids_pairs (id);

  return wanted->len == 1
         && g_ptr_array_find_with_equal_func (pairs, g_ptr_array_index (wanted, 0), g_str_equal, NULL);
}

static void
add_item (GPtrArray         *items,
          PpEarlierVfioKind  kind,
          const char        *path,
          guint              line,
          const char        *text,
          const char        *ids,
          gboolean           stub)
{
  PpEarlierVfio *item = g_new0 (PpEarlierVfio, 1);
  g_auto(GStrv) words = g_strsplit_set (text, " \t\r", -1);
  g_autoptr(GString) squeezed = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_string_append_printf (squeezed, "%s%s", squeezed->len > 0 ? " " : "", words[i]);
  item->kind = kind;
  item->path = g_strdup (path);
  item->line = line;
  item->text = g_string_free (g_steal_pointer (&squeezed), FALSE);
  item->ids = g_strdup (ids);
  item->stub = stub;
  g_ptr_array_add (items, item);
}

static gboolean
is_vfio_pci (const char *module)
{
  return g_str_equal (module, "vfio-pci") || g_str_equal (module, "vfio_pci");
}

static gboolean
is_pci_stub (const char *module)
{
  return g_str_equal (module, "pci-stub") || g_str_equal (module, "pci_stub");
}

static const char *
ids_argument (char **words,
              guint  first)
{
  const char *ids = NULL;

  /* a module parameter given twice: the last one counts */
  for (guint i = first; words[i] != NULL; i++)
    if (g_str_has_prefix (words[i], "ids="))
      ids = words[i] + strlen ("ids=");
  return ids;
}

static void
scan_modprobe_file (const char *path,
                    const char *text,
                    GPtrArray  *items)
{
  g_autoptr(GPtrArray) commands = pp_modprobe_parse (text);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; i < commands->len; i++)
    {
      PpModprobeCommand *command = g_ptr_array_index (commands, i);
      char **w = command->words;
      g_autofree char *joined = g_strjoinv (" ", w);
      const char *first = command->line <= g_strv_length (lines) ? lines[command->line - 1] : "";
      gboolean continued = first[0] != '\0' && first[strlen (first) - 1] == '\\';
      guint before = items->len;

      if (w[1] == NULL)
        continue;
      if (g_str_equal (w[0], "options") && is_vfio_pci (w[1]))
        add_item (items, PP_EARLIER_VFIO_OPTIONS, path, command->line, joined, ids_argument (w, 2), FALSE);
      else if (g_str_equal (w[0], "options") && is_pci_stub (w[1]) && ids_argument (w, 2) != NULL)
        add_item (items, PP_EARLIER_VFIO_OPTIONS, path, command->line, joined, ids_argument (w, 2), TRUE);
      else if (g_str_equal (w[0], "install") && is_vfio_pci (w[1]))
        add_item (items, PP_EARLIER_VFIO_INSTALL, path, command->line, joined, NULL, FALSE);
      else if (g_str_equal (w[0], "blacklist")
               && (is_vfio_pci (w[1]) || g_str_equal (w[1], "vfio") || g_str_equal (w[1], "vfio_iommu_type1")))
        add_item (items, PP_EARLIER_VFIO_BLACKLIST, path, command->line, joined, NULL, FALSE);
      else if (g_str_equal (w[0], "softdep"))
        for (guint k = 2; w[k] != NULL; k++)
          if (is_vfio_pci (w[k]))
            {
              add_item (items, PP_EARLIER_VFIO_SOFTDEP, path, command->line, joined, NULL, FALSE);
              break;
            }
      if (items->len > before)
        ((PpEarlierVfio *) g_ptr_array_index (items, items->len - 1))->continued = continued;
    }
}

static int
compare_basenames (gconstpointer a,
                   gconstpointer b)
{
  const char *pa = *(const char * const *) a;
  const char *pb = *(const char * const *) b;

  return strcmp (strrchr (pa, '/'), strrchr (pb, '/'));
}

/* kmod reads each name once, from the first of these directories that has it */
static gboolean
scan_modprobe_d (const PpHost  *host,
                 GPtrArray     *items,
                 GError       **error)
{
  static const char * const dirs[] = {
    "/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d", "/lib/modprobe.d", NULL,
  };
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

  for (guint d = 0; dirs[d] != NULL; d++)
    {
      g_autoptr(GPtrArray) files = pp_host_list_dir (host, dirs[d], ".conf", NULL, error);

      if (files == NULL)
        return FALSE;
      for (guint f = 0; f < files->len; f++)
        {
          const char *path = g_ptr_array_index (files, f);
          g_autofree char *name = g_path_get_basename (path);

          if (g_hash_table_contains (seen, name) || g_str_equal (path, PP_MODPROBE_FILE))
            continue;
          g_hash_table_add (seen, g_steal_pointer (&name));
          g_ptr_array_add (paths, g_strdup (path));
        }
    }
  /* kmod sorts the files by name, whichever directory they are in */
  g_ptr_array_sort (paths, compare_basenames);
  for (guint i = 0; i < paths->len; i++)
    {
      const char *path = g_ptr_array_index (paths, i);
      g_autofree char *text = NULL;

      if (!pp_host_read_file (host, path, &text, error))
        return FALSE;
      if (text != NULL)
        scan_modprobe_file (path, text, items);
    }
  return TRUE;
}

/* "module [args]" lines: /etc/initramfs-tools/modules, /etc/modules */
static gboolean
scan_modules_file (const PpHost  *host,
                   const char    *path,
                   GPtrArray     *items,
                   GError       **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;

  if (!pp_host_read_file (host, path, &text, error))
    return FALSE;
  if (text == NULL)
    return TRUE;
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = NULL;
      g_autofree char *module = NULL;
      gboolean optional;

      if (lines[i][0] == '#')
        continue;
      words = g_strsplit_set (g_strstrip (lines[i]), " \t", -1);
      if (words[0] == NULL || words[0][0] == '\0')
        continue;
      module = pp_module_name_normalize (words[0], &optional);
      if ((g_str_equal (module, "vfio_pci") || g_str_equal (module, "pci_stub")) && ids_argument (words, 1) != NULL)
        add_item (items, PP_EARLIER_VFIO_MODULES, path, i + 1, lines[i], ids_argument (words, 1),
                  g_str_equal (module, "pci_stub"));
    }
  return TRUE;
}

/* A kernel parameter list in any text: each vfio-pci.ids= or pci-stub.ids= */
static void
scan_cmdline_text (const char *path,
                   const char *text,
                   GPtrArray  *items)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = NULL;

      /* a comment line says nothing to the boot manager */
      if (lines[i][strspn (lines[i], " \t")] == '#')
        continue;
      words = g_strsplit_set (lines[i], " \t\r\"'", -1);
      for (guint w = 0; words[w] != NULL; w++)
        {
          const char *eq = strchr (words[w], '=');
          g_autofree char *key = NULL;

          if (eq == NULL)
            continue;
          key = g_strndup (words[w], eq - words[w]);
          g_strdelimit (key, "-", '_');
          /* GRUB_CMDLINE_LINUX="vfio-pci.ids=..." splits into the key and the parameter */
          if (g_str_equal (key, "vfio_pci.ids") || g_str_equal (key, "pci_stub.ids"))
            add_item (items, PP_EARLIER_VFIO_CMDLINE, path, i + 1, words[w], eq + 1,
                      g_str_equal (key, "pci_stub.ids"));
        }
    }
}

static void
scan_cmdline_file (const PpHost *host,
                   const char   *path,
                   GPtrArray    *items)
{
  g_autofree char *text = NULL;

  /* the plan reports an unreadable file where it needs it */
  if (pp_host_read_file (host, path, &text, NULL) && text != NULL)
    scan_cmdline_text (path, text, items);
}

static void
scan_cmdline_dir (const PpHost *host,
                  const char   *dir,
                  const char   *suffix,
                  GPtrArray    *items)
{
  g_autoptr(GPtrArray) files = pp_host_list_dir (host, dir, suffix, NULL, NULL);

  for (guint i = 0; files != NULL && i < files->len; i++)
    {
      const char *path = g_ptr_array_index (files, i);

      /* a Passthrough entry PassthroughPrep made binds the GPU in that
       * entry only: not an earlier setup */
      if (!g_str_has_suffix (path, "-passthrough.conf"))
        scan_cmdline_file (host, path, items);
    }
}

static void
scan_cmdlines (const PpHost *host,
               GPtrArray    *items)
{
  static const char * const files[] = {
    "/etc/default/grub", "/etc/kernel/cmdline", "/etc/sdboot-manage.conf",
    "/etc/default/limine", "/etc/limine-entry-tool.conf", "/boot/limine.conf", "/boot/limine/limine.conf",
    "/boot/EFI/BOOT/limine.conf", "/boot/EFI/limine/limine.conf", "/boot/efi/EFI/BOOT/limine.conf",
    "/boot/efi/EFI/limine/limine.conf", "/efi/EFI/BOOT/limine.conf", "/efi/EFI/limine/limine.conf",
    "/boot/limine.cfg", "/boot/refind_linux.conf", NULL,
  };
  static const char * const entry_dirs[] = {
    "/boot/loader/entries", "/boot/efi/loader/entries", "/efi/loader/entries", NULL,
  };

  for (guint i = 0; files[i] != NULL; i++)
    scan_cmdline_file (host, files[i], items);
  scan_cmdline_dir (host, "/etc/default/grub.d", ".cfg", items);
  scan_cmdline_dir (host, "/etc/limine-entry-tool.d", ".conf", items);
  for (guint i = 0; entry_dirs[i] != NULL; i++)
    scan_cmdline_dir (host, entry_dirs[i], ".conf", items);
}

/* Sourced shell files read line by line: enough to say where vfio is named */
static gboolean
scan_shell_config (const PpHost       *host,
                   const char         *main_path,
                   const char         *dropin_dir,
                   const char * const *variables,
                   PpEarlierVfioKind   kind,
                   const char         *skip,
                   GPtrArray          *items,
                   GError            **error)
{
  g_autoptr(GPtrArray) paths = pp_host_list_dir (host, dropin_dir, ".conf", NULL, error);

  if (paths == NULL)
    return FALSE;
  g_ptr_array_insert (paths, 0, g_strdup (main_path));
  for (guint p = 0; p < paths->len; p++)
    {
      const char *path = g_ptr_array_index (paths, p);
      g_autofree char *text = NULL;
      g_auto(GStrv) lines = NULL;

      if (g_strcmp0 (path, skip) == 0)
        continue;
      if (!pp_host_read_file (host, path, &text, error))
        return FALSE;
      if (text == NULL)
        continue;
      lines = g_strsplit (text, "\n", -1);
      for (guint i = 0; lines[i] != NULL; i++)
        {
          const char *line = lines[i] + strspn (lines[i], " \t");
          g_autoptr(GPtrArray) cmdline_items = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_earlier_vfio_free);

          if (line[0] == '#' || strstr (line, "vfio") == NULL)
            continue;
          for (guint v = 0; variables[v] != NULL; v++)
            if (g_str_has_prefix (line, variables[v])
                && (line[strlen (variables[v])] == '=' || line[strlen (variables[v])] == '+'))
              {
                const char *ids = NULL;

                /* dracut's kernel_cmdline may carry vfio-pci.ids into the image */
                scan_cmdline_text (path, line, cmdline_items);
                for (guint c = 0; c < cmdline_items->len; c++)
                  if (!((PpEarlierVfio *) g_ptr_array_index (cmdline_items, c))->stub)
                    ids = ((PpEarlierVfio *) g_ptr_array_index (cmdline_items, c))->ids;
                add_item (items, kind, path, i + 1, line, ids, FALSE);
                break;
              }
        }
    }
  return TRUE;
}

/* What a reservation already made agrees with: leave it out */
static void
keep_disagreeing (const PpHost *host,
                  GPtrArray    *items)
{
  g_autofree char *ours = NULL;
  const char *ours_ids = NULL;

  if (!pp_host_read_file (host, PP_MODPROBE_FILE, &ours, NULL) || ours == NULL)
    return;
  {
    g_autoptr(GPtrArray) commands = pp_modprobe_parse (ours);

    for (guint i = 0; i < commands->len; i++)
      {
        char **w = ((PpModprobeCommand *) g_ptr_array_index (commands, i))->words;

        if (g_str_equal (w[0], "options") && w[1] != NULL && is_vfio_pci (w[1]) && ids_argument (w, 2) != NULL)
          ours_ids = ids_argument (w, 2);
      }
    for (guint i = items->len; i > 0; i--)
      {
        PpEarlierVfio *item = g_ptr_array_index (items, i - 1);
        gboolean agrees;

        switch (item->kind)
          {
          case PP_EARLIER_VFIO_INSTALL:
          case PP_EARLIER_VFIO_BLACKLIST:
            agrees = FALSE;
            break;
          case PP_EARLIER_VFIO_SOFTDEP:
          case PP_EARLIER_VFIO_MKINITCPIO:
            agrees = TRUE;
            break;
          default:
            agrees = item->ids == NULL || (!item->stub && pp_vfio_ids_same (item->ids, ours_ids));
            break;
          }
        if (agrees)
          g_ptr_array_remove_index (items, i - 1);
      }
  }
}

GPtrArray *
pp_host_find_earlier_vfio (const PpHost  *host,
                           GError       **error)
{
  static const char * const dracut_variables[] = { "add_drivers", "force_drivers", "drivers", "kernel_cmdline", NULL };
  static const char * const mkinitcpio_variables[] = { "MODULES", "HOOKS", NULL };
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_earlier_vfio_free);

  if (!scan_modprobe_d (host, items, error)
      || !scan_modules_file (host, PP_INITRAMFS_TOOLS_MODULES, items, error)
      || !scan_modules_file (host, "/etc/modules", items, error)
      || !scan_shell_config (host, "/etc/dracut.conf", "/etc/dracut.conf.d", dracut_variables,
                             PP_EARLIER_VFIO_DRACUT, PP_DRACUT_FILE, items, error)
      || !scan_shell_config (host, "/etc/mkinitcpio.conf", "/etc/mkinitcpio.conf.d", mkinitcpio_variables,
                             PP_EARLIER_VFIO_MKINITCPIO, NULL, items, error))
    return NULL;
  scan_cmdlines (host, items);
  keep_disagreeing (host, items);
  return g_steal_pointer (&items);
}
