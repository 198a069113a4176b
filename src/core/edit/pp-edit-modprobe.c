/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pp-edit-modprobe.h"
#include "pp-shell-chain.h"

void
pp_modprobe_command_free (PpModprobeCommand *command)
{
  if (command == NULL)
    return;
  g_strfreev (command->words);
  g_free (command);
}

GPtrArray *
pp_modprobe_parse (const char *text)
{
  GPtrArray *commands = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_modprobe_command_free);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr(GString) joined = g_string_new (NULL);
  guint first_line = 0;

  for (guint i = 0; lines[i]; i++)
    {
      const char *line = lines[i];
      gsize len = strlen (line);

      if (joined->len == 0)
        {
          first_line = i + 1;
          /* kmod: a comment is a line whose first non-blank is '#' */
          if (line[strspn (line, " \t")] == '#')
            continue;
        }
      if (len > 0 && line[len - 1] == '\\')
        {
          g_string_append_len (joined, line, len - 1);
          g_string_append_c (joined, ' ');
          continue;
        }
      g_string_append (joined, line);
      {
        g_auto(GStrv) words = g_strsplit_set (joined->str, " \t\r", -1);
        g_autoptr(GStrvBuilder) kept = g_strv_builder_new ();
        PpModprobeCommand *command;
        g_auto(GStrv) list = NULL;

        for (guint w = 0; words[w]; w++)
          if (words[w][0] != '\0')
            g_strv_builder_add (kept, words[w]);
        list = g_strv_builder_end (kept);
        g_string_truncate (joined, 0);
        if (list[0] == NULL)
          continue;
        command = g_new0 (PpModprobeCommand, 1);
        command->line = first_line;
        command->words = g_steal_pointer (&list);
        g_ptr_array_add (commands, command);
      }
    }
  return commands;
}

static void
add_unique (GPtrArray  *modules,
            const char *name)
{
  g_autofree char *normalized = g_strdup (name);

  g_strdelimit (normalized, "-", '_');
  if (g_str_equal (normalized, "vfio_pci") || g_str_equal (normalized, "pcieport"))
    return;
  for (guint i = 0; i < modules->len; i++)
    if (g_str_equal (g_ptr_array_index (modules, i), normalized))
      return;
  g_ptr_array_add (modules, g_steal_pointer (&normalized));
}

/* A PCI driver's name is not always its module's */
static const char *
module_of_driver (const char *driver)
{
  static const struct { const char *driver; const char *module; } known[] = {
    { "xhci_hcd", "xhci_pci" },
    { "ehci-pci", "ehci_pci" },
    { "nvidia-gpu", "i2c_nvidia_gpu" },
    { "ccp", "ccp" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_str_equal (driver, known[i].driver))
      return known[i].module;
  return driver;
}

gboolean
pp_modprobe_name_is_valid (const char *name)
{
  gsize length = name != NULL ? strlen (name) : 0;

  return length >= 1 && length <= 64
         && strspn (name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == length;
}

gboolean
pp_modprobe_competing_modules (const PpPciDevice *device,
                               GPtrArray         *modules,
                               GError           **error)
{
  guint8 base_class = device->class_id >> 8;

  if (device->driver != NULL)
    {
      if (!pp_modprobe_name_is_valid (device->driver))
        {
          g_autofree char *shown = g_strescape (device->driver, NULL);

          g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                       _("%s is bound to a driver named “%s”, which is not a kernel module name (letters, digits, "
                         "_ and - only, at most 64): it cannot go into %s"),
                       device->address, shown, PP_MODPROBE_FILE);
          return FALSE;
        }
      add_unique (modules, module_of_driver (device->driver));
    }

  if (base_class == 0x03)
    {
      if (device->vendor_id == 0x10de)
        {
          add_unique (modules, "nouveau");
          add_unique (modules, "nvidia");
        }
      else if (device->vendor_id == 0x1002)
        {
          add_unique (modules, "amdgpu");
          add_unique (modules, "radeon");
        }
      else if (device->vendor_id == 0x8086)
        {
          add_unique (modules, "i915");
          add_unique (modules, "xe");
        }
    }
  else if (device->class_id == 0x0403)
    add_unique (modules, "snd_hda_intel");
  else if (device->class_id == 0x0c03)
    add_unique (modules, "xhci_pci");
  else if (device->class_id == 0x0c80 && device->vendor_id == 0x10de)
    add_unique (modules, "i2c_nvidia_gpu");
  return TRUE;
}

char *
pp_modprobe_render (const char         *gpu_address,
                    const char * const *ids,
                    const char         *bind_script,
                    gboolean            boot_entry,
                    const char * const *softdep_modules)
{
  GString *out = NULL;

  for (guint i = 0; softdep_modules && softdep_modules[i]; i++)
    g_return_val_if_fail (pp_modprobe_name_is_valid (softdep_modules[i]), NULL);

  out = g_string_new (NULL);
  g_string_append_printf (out,
                          "# Written by PassthroughPrep (%s) to reserve the GPU at %s for a virtual machine.\n"
                          "# It is replaced when you reserve again and removed by Revert; do not edit.\n",
                          APP_ID, gpu_address);
  if (ids != NULL)
    {
      g_autofree char *joined = g_strjoinv (",", (char **) ids);

      g_string_append_printf (out, "options vfio-pci ids=%s\n", joined);
    }
  if (boot_entry)
    g_string_append (out, PP_MODPROBE_BOOT_ENTRY_NOTE "\n");
  if (bind_script != NULL)
    /* modprobe --ignore-install loads it without running this line again */
    g_string_append_printf (out,
                            "# Bound by address: %s gives vfio-pci exactly the reserved functions first.\n"
                            "install vfio-pci %s; /sbin/modprobe --ignore-install vfio-pci $CMDLINE_OPTS\n",
                            bind_script, bind_script);
  for (guint i = 0; softdep_modules && softdep_modules[i]; i++)
    g_string_append_printf (out, "softdep %s pre: vfio-pci\n", softdep_modules[i]);
  return g_string_free (out, FALSE);
}

char *
pp_vfio_addresses_render (const char *gpu_address,
                          const char *bind_script,
                          GPtrArray  *reserve)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out,
                          "# Written by PassthroughPrep (%s) to reserve the GPU at %s for a virtual machine.\n"
                          "# At boot %s hands each function below to vfio-pci by its address,\n"
                          "# only while the device there has this vendor:device ID. It is replaced when you\n"
                          "# reserve again and removed by Revert; do not edit.\n",
                          APP_ID, gpu_address, bind_script);
  if (reserve == NULL)
    g_string_append (out, PP_VFIO_ADDRESSES_BOOT_ENTRY_NOTE "\n");
  for (guint i = 0; reserve != NULL && i < reserve->len; i++)
    {
      const PpPciDevice *device = g_ptr_array_index (reserve, i);

      g_string_append_printf (out, "%s@%04x:%04x\n", device->address, device->vendor_id, device->device_id);
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_vfio_pci (const char *module)
{
  return g_str_equal (module, "vfio-pci") || g_str_equal (module, "vfio_pci");
}

void
pp_modprobe_check_others (GPtrArray *files,
                          GPtrArray *warnings)
{
  for (guint f = 0; f < files->len; f++)
    {
      PpTextFile *file = g_ptr_array_index (files, f);
      g_autoptr(GPtrArray) commands = NULL;

      if (file->text == NULL || g_str_equal (file->path, PP_MODPROBE_FILE))
        continue;
      commands = pp_modprobe_parse (file->text);
      for (guint i = 0; i < commands->len; i++)
        {
          PpModprobeCommand *command = g_ptr_array_index (commands, i);
          char **w = command->words;

          if (g_str_equal (w[0], "blacklist") && w[1]
              && (is_vfio_pci (w[1]) || g_str_equal (w[1], "vfio") || g_str_equal (w[1], "vfio_iommu_type1")))
            g_ptr_array_add (warnings,
                             g_strdup_printf (_("%s:%u: blacklists %s, which the reservation needs."),
                                              file->path, command->line, w[1]));
        }
    }
}

/* Offsets of line @line (1-based): its first byte and its newline (or the end) */
static gboolean
find_line (const char *text,
           guint       line,
           gsize      *start,
           gsize      *end)
{
  const char *p = text;

  for (guint i = 1; i < line; i++)
    {
      p = strchr (p, '\n');
      if (p == NULL)
        return FALSE;
      p++;
    }
  *start = p - text;
  *end = strchr (p, '\n') != NULL ? (gsize) (strchr (p, '\n') - text) : strlen (text);
  return TRUE;
}

char *
pp_modprobe_drop_ids (const char *text,
                      guint       line)
{
  g_autoptr(PpSplices) splices = pp_splices_new ();
  gsize start, end;
  guint words = 0;
  guint dropped = 0;

  if (!find_line (text, line, &start, &end))
    return NULL;
  for (gsize i = start; i < end;)
    {
      gsize word_start, word_end, cut_start, cut_end;

      while (i < end && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r'))
        i++;
      if (i >= end)
        break;
      word_start = i;
      while (i < end && text[i] != ' ' && text[i] != '\t' && text[i] != '\r')
        i++;
      word_end = i;
      words++;
      if (words < 3 || word_end - word_start < 4 || strncmp (text + word_start, "ids=", 4) != 0)
        continue;
      /* with the blanks before it, so the rest of the line stays as it was */
      cut_start = word_start;
      while (cut_start > start && (text[cut_start - 1] == ' ' || text[cut_start - 1] == '\t'))
        cut_start--;
      cut_end = word_end;
      pp_splices_add (splices, cut_start, cut_end, "");
      dropped++;
    }
  if (dropped == 0)
    return NULL;
  if (words - dropped <= 2)
    {
      g_autoptr(PpSplices) whole = pp_splices_new ();

      pp_splices_add (whole, start, text[end] == '\n' ? end + 1 : end, "");
      return pp_splices_apply (whole, "", text, NULL);
    }
  return pp_splices_apply (splices, "", text, NULL);
}

char *
pp_dracut_render (const char         *gpu_address,
                  const char * const *install_items)
{
  GString *out = g_string_new (NULL);

  /* dracut sources its files as shell: a list needs a space at both ends
   * or it glues to what other files add */
  g_string_append_printf (out,
                          "# Written by PassthroughPrep (%s) to reserve the GPU at %s for a virtual machine.\n"
                          "# It is replaced when you reserve again and removed by Revert; do not edit.\n"
                          "force_drivers+=\" vfio_pci vfio vfio_iommu_type1 \"\n",
                          APP_ID, gpu_address);
  if (install_items != NULL && install_items[0] != NULL)
    {
      g_autofree char *items = g_strjoinv (" ", (char **) install_items);

      g_string_append_printf (out,
                              "# Bound by address: the image carries these, and modprobe runs the script when it\n"
                              "# loads vfio-pci.\n"
                              "install_items+=\" %s \"\n", items);
    }
  return g_string_free (out, FALSE);
}

gboolean
pp_dracut_check_others (GPtrArray  *files,
                        GPtrArray  *warnings,
                        GError    **error)
{
  g_autoptr(GPtrArray) scripts = pp_shell_parse_files (files, error);
  gboolean after_ours = FALSE;
  gboolean ours_carries = FALSE;

  if (scripts == NULL)
    return FALSE;
  for (guint f = 0; f < files->len; f++)
    {
      PpTextFile *file = g_ptr_array_index (files, f);
      PpShellScript *script = g_ptr_array_index (scripts, f);

      if (g_str_equal (file->path, PP_DRACUT_FILE))
        {
          after_ours = TRUE;
          for (guint i = 0; script != NULL && i < script->assignments->len; i++)
            ours_carries |= g_str_equal (((PpShellAssignment *) g_ptr_array_index (script->assignments, i))->name,
                                         "install_items");
          continue;
        }
      if (!after_ours || script == NULL)
        continue;
      for (guint i = 0; i < script->assignments->len; i++)
        {
          PpShellAssignment *assignment = g_ptr_array_index (script->assignments, i);

          if (assignment->kind == PP_SHELL_APPEND)
            continue;
          if (g_str_equal (assignment->name, "force_drivers"))
            g_ptr_array_add (warnings,
                             g_strdup_printf (_("%s:%u: sets force_drivers= after %s and so drops the vfio modules; "
                                                "write force_drivers+=\" ... \" there instead."),
                                              file->path, assignment->line, PP_DRACUT_FILE));
          else if (ours_carries && g_str_equal (assignment->name, "install_items"))
            g_ptr_array_add (warnings,
                             g_strdup_printf (_("%s:%u: sets install_items= after %s and so leaves out of the "
                                                "initramfs what binds the GPU by its address; write "
                                                "install_items+=\" ... \" there instead."),
                                              file->path, assignment->line, PP_DRACUT_FILE));
        }
    }
  return TRUE;
}
