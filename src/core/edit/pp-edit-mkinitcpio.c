/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pp-edit-mkinitcpio.h"
#include "pp-shell-chain.h"

static const char * const vfio_modules[] = { "vfio_pci", "vfio", "vfio_iommu_type1", NULL };

typedef struct
{
  guint              file;
  PpShellAssignment *assignment;
  PpShellWord       *word;      /* an array element, or the string's word */
  PpShellField      *field;     /* string syntax: the field */
  char              *name;      /* normalised; NULL for an expansion */
  gboolean           optional;
  gboolean           removed;
} Module;

static void
module_free (gpointer data)
{
  Module *module = data;

  g_free (module->name);
  g_free (module);
}

char *
pp_module_name_normalize (const char *entry,
                          gboolean   *optional)
{
  g_autofree char *name = g_strdup (entry);
  gsize len = strlen (name);
  const char *suffixes[] = { ".ko.zst", ".ko.xz", ".ko.gz", ".ko" };

  *optional = FALSE;
  if (len > 0 && name[len - 1] == '?')
    {
      *optional = TRUE;
      name[--len] = '\0';
    }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (name, suffixes[i]))
      {
        name[len - strlen (suffixes[i])] = '\0';
        break;
      }
  g_strdelimit (name, "-", '_');
  return g_steal_pointer (&name);
}

gboolean
pp_module_is_gpu_driver (const char *normalized)
{
  static const char * const drivers[] = {
    "nvidia", "nvidia_modeset", "nvidia_uvm", "nvidia_drm", "nouveau",
    "amdgpu", "radeon", "i915", "xe", NULL
  };

  return normalized != NULL && g_strv_contains (drivers, normalized);
}

static void
add_module (GPtrArray         *modules,
            guint              file,
            PpShellAssignment *assignment,
            PpShellWord       *word,
            PpShellField      *field,
            const char        *text,
            gboolean           opaque)
{
  Module *module = g_new0 (Module, 1);

  module->file = file;
  module->assignment = assignment;
  module->word = word;
  module->field = field;
  if (!opaque)
    module->name = pp_module_name_normalize (text, &module->optional);
  g_ptr_array_add (modules, module);
}

/* The modules of link @k in order, with "${MODULES[@]}" standing for the
 * links before it */
static void
collect_modules (PpShellChain *chain,
                 guint         k,
                 GPtrArray    *fields_keep,
                 GPtrArray    *modules)
{
  PpShellLink *link = &g_array_index (chain->links, PpShellLink, k);
  PpShellAssignment *assignment = link->assignment;

  if (assignment->kind == PP_SHELL_APPEND && k > 0)
    collect_modules (chain, k - 1, fields_keep, modules);

  if (assignment->is_array)
    for (guint i = 0; i < assignment->elements->len; i++)
      {
        PpShellWord *word = g_ptr_array_index (assignment->elements, i);
        g_autofree char *text = pp_shell_word_dup_value (word);
        PpShellField as_field = { text, !pp_shell_word_is_literal (word) };

        if (pp_shell_field_is_reference (&as_field, chain->name))
          {
            if (assignment->kind != PP_SHELL_APPEND && k > 0)
              collect_modules (chain, k - 1, fields_keep, modules);
            continue;
          }
        add_module (modules, link->file, assignment, word, NULL, text, as_field.opaque);
      }
  else
    {
      GPtrArray *fields = pp_shell_word_split (assignment->value);

      g_ptr_array_add (fields_keep, fields);
      for (guint i = 0; i < fields->len; i++)
        {
          PpShellField *field = g_ptr_array_index (fields, i);

          if (pp_shell_field_is_reference (field, chain->name))
            {
              if (assignment->kind != PP_SHELL_APPEND && k > 0)
                collect_modules (chain, k - 1, fields_keep, modules);
              continue;
            }
          add_module (modules, link->file, assignment, assignment->value, field, field->text, field->opaque);
        }
    }
}

static gboolean
is_blank_run (const char *text,
              gsize       from,
              gsize       to)
{
  for (gsize i = from; i < to; i++)
    if (text[i] != ' ' && text[i] != '\t')
      return FALSE;
  return TRUE;
}

/* Blanks, then nothing or a comment, up to the end of the line */
static gboolean
rest_is_empty (const char *text,
               gsize       from,
               gsize       line_end)
{
  while (from < line_end && (text[from] == ' ' || text[from] == '\t'))
    from++;
  return from == line_end || text[from] == '#';
}

static gsize
module_start (const Module *module)
{
  return module->field ? module->field->start : module->word->start;
}

static gsize
module_end (const Module *module)
{
  return module->field ? module->field->end : module->word->end;
}

static gboolean
only_blanks_between (const PpShellScript *script,
                     const Module        *a,
                     const Module        *b)
{
  return module_end (a) <= module_start (b) && is_blank_run (script->text, module_end (a), module_start (b));
}

/* Removes a run of neighbouring modules of one assignment together, so the
 * separators around them stay as they were written */
static void
remove_run (PpShellScript *script,
            GPtrArray     *own,
            guint          first,
            guint          last,
            PpSplices     *splices)
{
  const char *text = script->text;
  Module *a = g_ptr_array_index (own, first);
  Module *b = g_ptr_array_index (own, last);
  Module *next = last + 1 < own->len ? g_ptr_array_index (own, last + 1) : NULL;
  Module *prev = first > 0 ? g_ptr_array_index (own, first - 1) : NULL;
  PpShellAssignment *assignment = a->assignment;
  gsize start = module_start (a);
  gsize end = module_end (b);

  if (next != NULL && only_blanks_between (script, b, next))
    {
      pp_splices_add (splices, start, module_start (next), "");
      return;
    }
  if (prev != NULL && only_blanks_between (script, prev, a))
    {
      pp_splices_add (splices, module_end (prev), end, "");
      return;
    }
  if (assignment->is_array)
    {
      gsize line_start = pp_shell_script_line_start (script, start);
      gsize line_end = pp_shell_script_line_end (script, end);

      /* alone on its line (maybe with its comment): the whole line goes */
      if (line_start > assignment->open_paren && line_end < assignment->close_paren
          && is_blank_run (text, line_start, start) && rest_is_empty (text, end, line_end))
        {
          pp_splices_add (splices, line_start, line_end + 1, "");
          return;
        }
    }
  {
    gsize j = end;
    gsize k = start;
    gsize floor = assignment->is_array ? assignment->open_paren + 1 : assignment->value->start;

    while (j < script->len && (text[j] == ' ' || text[j] == '\t'))
      j++;
    if (j > end && j < script->len && strchr (")\n#\"'", text[j]) == NULL)
      {
        pp_splices_add (splices, start, j, "");
        return;
      }
    while (k > floor && (text[k - 1] == ' ' || text[k - 1] == '\t'))
      k--;
    pp_splices_add (splices, k, end, "");
  }
}

static void
remove_marked (GPtrArray  *scripts,
               GPtrArray  *modules,
               PpSplices **splices)
{
  g_autoptr(GPtrArray) done = g_ptr_array_new ();

  for (guint i = 0; i < modules->len; i++)
    {
      Module *module = g_ptr_array_index (modules, i);
      g_autoptr(GPtrArray) own = NULL;
      PpShellScript *script;

      if (!module->removed || g_ptr_array_find (done, module->assignment, NULL))
        continue;
      g_ptr_array_add (done, module->assignment);
      script = g_ptr_array_index (scripts, module->file);
      own = g_ptr_array_new ();
      for (guint j = 0; j < modules->len; j++)
        {
          Module *other = g_ptr_array_index (modules, j);

          if (other->assignment == module->assignment)
            g_ptr_array_add (own, other);
        }
      for (guint j = 0; j < own->len; j++)
        {
          guint last = j;

          if (!((Module *) g_ptr_array_index (own, j))->removed)
            continue;
          while (last + 1 < own->len && ((Module *) g_ptr_array_index (own, last + 1))->removed
                 && only_blanks_between (script, g_ptr_array_index (own, last), g_ptr_array_index (own, last + 1)))
            last++;
          remove_run (script, own, j, last, splices[module->file]);
          j = last;
        }
    }
}

static char *
join_modules (GPtrArray  *names,
              const char *separator,
              const char *prefix,
              const char *suffix)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < names->len; i++)
    {
      if (i > 0)
        g_string_append (out, separator);
      g_string_append_printf (out, "%s%s%s", prefix, (const char *) g_ptr_array_index (names, i), suffix);
    }
  return g_string_free (out, FALSE);
}

static gboolean
insert_before_module (PpShellScript *script,
                      const char    *path,
                      Module        *anchor,
                      GPtrArray     *names,
                      PpSplices     *splices,
                      GError       **error)
{
  if (anchor->field != NULL)
    {
      PpShellWord *word = anchor->word;
      g_autofree char *inserted = join_modules (names, " ", "", "");
      g_autofree char *piece = g_strconcat (inserted, " ", NULL);

      if (anchor->field->quote != PP_SHELL_QUOTE_NONE)
        pp_splices_add (splices, anchor->field->start, anchor->field->start, piece);
      else if (pp_shell_word_can_be_double_quoted (word))
        {
          pp_splices_add (splices, word->start, word->start, "\"");
          pp_splices_add (splices, anchor->field->start, anchor->field->start, piece);
          pp_splices_add (splices, word->end, word->end, "\"");
        }
      else
        {
          g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                       _("%s:%u: cannot insert into this unquoted MODULES value safely; edit it by hand"),
                       path, anchor->assignment->line);
          return FALSE;
        }
      return TRUE;
    }

  {
    PpShellWord *word = anchor->word;
    gsize line_start = pp_shell_script_line_start (script, word->start);
    g_autofree char *piece = NULL;

    if (line_start > anchor->assignment->open_paren && is_blank_run (script->text, line_start, word->start))
      {
        g_autofree char *indent = g_strndup (script->text + line_start, word->start - line_start);
        g_autofree char *suffix = g_strconcat ("\n", indent, NULL);

        piece = join_modules (names, "", "", suffix);
      }
    else
      piece = join_modules (names, "", "", " ");
    pp_splices_add (splices, word->start, word->start, piece);
  }
  return TRUE;
}

static void
append_to_array (PpShellScript     *script,
                 PpShellAssignment *assignment,
                 GPtrArray         *names,
                 PpSplices         *splices)
{
  const char *text = script->text;
  gsize close_line = pp_shell_script_line_start (script, assignment->close_paren);
  gboolean close_alone = close_line > assignment->open_paren
                         && is_blank_run (text, close_line, assignment->close_paren);
  PpShellWord *last = assignment->elements->len > 0
                      ? g_ptr_array_index (assignment->elements, assignment->elements->len - 1) : NULL;
  g_autofree char *indent = NULL;
  g_autofree char *piece = NULL;

  if (close_alone && (last == NULL || last->end < close_line))
    {
      if (last != NULL)
        {
          gsize last_line = pp_shell_script_line_start (script, last->start);
          gsize i = last_line;

          while (i < last->start && (text[i] == ' ' || text[i] == '\t'))
            i++;
          indent = g_strndup (text + last_line, i - last_line);
        }
      else
        indent = g_strdup ("  ");
      {
        g_autofree char *prefix = g_strdup (indent);

        piece = join_modules (names, "", prefix, "\n");
      }
      pp_splices_add (splices, close_line, close_line, piece);
    }
  else if (last != NULL)
    {
      g_autofree char *joined = join_modules (names, " ", "", "");

      piece = g_strconcat (" ", joined, NULL);
      pp_splices_add (splices, last->end, last->end, piece);
    }
  else
    {
      piece = join_modules (names, " ", "", "");
      pp_splices_add (splices, assignment->close_paren, assignment->close_paren, piece);
    }
}

static void
append_to_last_link (GPtrArray     *scripts,
                     PpShellChain  *chain,
                     GPtrArray     *names,
                     PpSplices    **splices)
{
  PpShellLink *last = &g_array_index (chain->links, PpShellLink, chain->links->len - 1);
  PpShellScript *script = g_ptr_array_index (scripts, last->file);

  if (last->assignment->is_array)
    append_to_array (script, last->assignment, names, splices[last->file]);
  else
    {
      g_autofree char *joined = join_modules (names, " ", "", "");

      pp_shell_word_append (script, last->assignment->value, joined, splices[last->file]);
    }
}

static void
check_hooks (GPtrArray    *scripts,
             GPtrArray    *files,
             PpEditResult *result)
{
  g_autoptr(PpShellChain) hooks = pp_shell_chain_find (scripts, files, "HOOKS", NULL);
  g_autoptr(GPtrArray) fields_keep = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) modules = g_ptr_array_new_with_free_func (module_free);
  gboolean modconf = FALSE;
  PpShellLink *last;

  if (hooks == NULL || hooks->links->len == 0)
    return;
  collect_modules (hooks, hooks->links->len - 1, fields_keep, modules);
  for (guint i = 0; i < modules->len; i++)
    {
      Module *hook = g_ptr_array_index (modules, i);

      if (hook->name == NULL)
        return;  /* an expansion might hold it */
      if (g_str_equal (hook->name, "modconf"))
        modconf = TRUE;
    }
  if (modconf)
    return;
  last = &g_array_index (hooks->links, PpShellLink, hooks->links->len - 1);
  g_ptr_array_add (result->warnings,
                   g_strdup_printf (_("%s:%u: HOOKS has no “modconf”: the initramfs will not carry /etc/modprobe.d, "
                                      "so the vfio-pci options and softdeps there do not apply at boot (the kernel "
                                      "command line still does). Add modconf after udev or systemd."),
                                    ((PpTextFile *) g_ptr_array_index (files, last->file))->path,
                                    last->assignment->line));
}

static void
add_new_assignment (GPtrArray    *scripts,
                    PpShellChain *chain,
                    GPtrArray    *names,
                    PpSplices   **splices)
{
  g_autofree char *joined = join_modules (names, " ", "", "");
  g_autofree char *line = g_strdup_printf ("MODULES=(%s)\n", joined);
  guint file = chain->unset != NULL ? chain->unset_file : 0;
  PpShellScript *script = g_ptr_array_index (scripts, file);
  gsize at;

  if (script == NULL)
    {
      pp_splices_add (splices[file], 0, 0, line);
      return;
    }
  at = chain->unset != NULL ? pp_shell_script_line_end (script, chain->unset->end) : script->len;
  if (at < script->len)
    pp_splices_add (splices[file], at + 1, at + 1, line);
  else
    {
      g_autofree char *separated = g_strconcat (pp_edit_append_separator (script->text), line, NULL);

      pp_splices_add (splices[file], at, at, separated);
    }
}

static gboolean
check_chain_shape (PpShellChain *chain,
                   GPtrArray    *files,
                   GError      **error)
{
  for (guint k = 0; k < chain->links->len; k++)
    {
      PpShellLink *link = &g_array_index (chain->links, PpShellLink, k);
      const char *path = ((PpTextFile *) g_ptr_array_index (files, link->file))->path;

      if (link->assignment->indexed)
        {
          g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                       _("%s:%u: MODULES uses [index]= elements; edit it by hand"), path, link->assignment->line);
          return FALSE;
        }
      /* MODULES+="x" on an array appends to its first element */
      if (k > 0 && link->assignment->kind == PP_SHELL_APPEND && !link->assignment->is_array && chain->is_array)
        {
          g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                       _("%s:%u: MODULES+=\"...\" on an array changes its first element; edit it by hand"),
                       path, link->assignment->line);
          return FALSE;
        }
      if (!link->assignment->is_array)
        {
          g_autofree char *value = pp_shell_word_dup_value (link->assignment->value);

          /* mkinitcpio reads the string with `read`, which stops at a newline */
          if (strchr (value, '\n') != NULL)
            {
              g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                           _("%s:%u: MODULES is a string spanning lines, which mkinitcpio cuts at the first newline; "
                             "write it as an array: MODULES=(...)"), path, link->assignment->line);
              return FALSE;
            }
        }
    }
  return TRUE;
}

static PpEditResult *
edit_modules (GPtrArray     *files,
              gconstpointer  data,
              GError       **error)
{
  const PpMkinitcpioIntent *intent = data;
  g_autoptr(PpEditResult) result = pp_edit_result_new (files->len);
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(PpShellChain) chain = NULL;
  g_autoptr(GPtrArray) fields_keep = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) modules = g_ptr_array_new_with_free_func (module_free);
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();
  g_autofree PpSplices **splices = g_new0 (PpSplices *, files->len);
  Module *gpu_driver = NULL;
  gboolean ok = TRUE;
  gboolean has_kvmgt = FALSE;

  g_return_val_if_fail (files->len > 0, NULL);

  scripts = pp_shell_parse_files (files, error);
  if (scripts == NULL)
    return NULL;
  chain = pp_shell_chain_find (scripts, files, "MODULES", error);
  if (chain == NULL || !check_chain_shape (chain, files, error))
    return NULL;
  if (chain->links->len > 0)
    collect_modules (chain, chain->links->len - 1, fields_keep, modules);

  for (guint f = 0; f < files->len; f++)
    splices[f] = pp_splices_new ();

  for (guint i = 0; i < modules->len; i++)
    {
      Module *module = g_ptr_array_index (modules, i);
      if (module->name == NULL)
        continue;
      if (g_str_equal (module->name, "vfio_virqfd"))
        module->removed = TRUE;
      else if (g_str_equal (module->name, "kvmgt"))
        {
          has_kvmgt = TRUE;
          if (!module->optional && !intent->kvmgt)
            {
              gsize end = module->field ? module->field->end : module->word->end;

              pp_splices_add (splices[module->file], end, end, "?");
            }
        }
      else if (gpu_driver == NULL && pp_module_is_gpu_driver (module->name))
        gpu_driver = module;
    }

  for (guint w = 0; vfio_modules[w]; w++)
    {
      gboolean before_driver = TRUE;
      gboolean found = FALSE;

      for (guint i = 0; i < modules->len; i++)
        {
          Module *module = g_ptr_array_index (modules, i);

          if (module == gpu_driver)
            before_driver = FALSE;
          if (module->name == NULL || module->removed || !g_str_equal (module->name, vfio_modules[w]))
            continue;
          if (before_driver)
            found = TRUE;
          else if (!found)
            /* loaded after a GPU driver: too late to claim the device first */
            module->removed = TRUE;
        }
      if (!found)
        g_ptr_array_add (missing, (char *) vfio_modules[w]);
    }
  remove_marked (scripts, modules, splices);
  if (intent->kvmgt && !has_kvmgt)
    g_ptr_array_add (missing, (char *) "kvmgt?");

  if (missing->len > 0)
    {
      if (gpu_driver != NULL)
        ok = insert_before_module (g_ptr_array_index (scripts, gpu_driver->file),
                                   ((PpTextFile *) g_ptr_array_index (files, gpu_driver->file))->path,
                                   gpu_driver, missing, splices[gpu_driver->file], error);
      else if (chain->links->len > 0)
        append_to_last_link (scripts, chain, missing, splices);
      else
        add_new_assignment (scripts, chain, missing, splices);
    }

  if (ok && chain->links->len > 0)
    {
      PpShellLink *last = &g_array_index (chain->links, PpShellLink, chain->links->len - 1);

      if (last->file > 0)
        g_ptr_array_add (result->warnings,
                         g_strdup_printf (_("MODULES is set in %s, which mkinitcpio reads after %s: the change is made there."),
                                          ((PpTextFile *) g_ptr_array_index (files, last->file))->path,
                                          ((PpTextFile *) g_ptr_array_index (files, 0))->path));
    }
  if (ok)
    check_hooks (scripts, files, result);

  return pp_edit_result_finish (g_steal_pointer (&result), files, splices, ok, error);
}

PpEditResult *
pp_mkinitcpio_edit_modules (GPtrArray                *files,
                            const PpMkinitcpioIntent *intent,
                            GError                  **error)
{
  return pp_edit_read_back (edit_modules, files, intent, "MODULES", error);
}

/* HOOKS as mkinitcpio reads it: its elements (Module*) in order, with the
 * chain and the fields they point into kept alive by the caller */
static GPtrArray *
collect_hooks (GPtrArray     *files,
               GPtrArray    **scripts,
               PpShellChain **chain,
               GPtrArray     *fields_keep,
               GError       **error)
{
  g_autoptr(GPtrArray) hooks = g_ptr_array_new_with_free_func (module_free);

  *scripts = pp_shell_parse_files (files, error);
  if (*scripts == NULL)
    return NULL;
  *chain = pp_shell_chain_find (*scripts, files, "HOOKS", error);
  if (*chain == NULL)
    return NULL;
  for (guint k = 0; k < (*chain)->links->len; k++)
    {
      PpShellLink *link = &g_array_index ((*chain)->links, PpShellLink, k);
      const char *path = ((PpTextFile *) g_ptr_array_index (files, link->file))->path;

      if (link->assignment->indexed
          || (k > 0 && link->assignment->kind == PP_SHELL_APPEND && !link->assignment->is_array
              && (*chain)->is_array))
        {
          g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                       _("%s:%u: HOOKS is written in a way PassthroughPrep cannot edit safely; edit it by hand"),
                       path, link->assignment->line);
          return NULL;
        }
    }
  if ((*chain)->links->len > 0)
    collect_modules (*chain, (*chain)->links->len - 1, fields_keep, hooks);
  return g_steal_pointer (&hooks);
}

GPtrArray *
pp_mkinitcpio_read_hooks (GPtrArray  *files,
                          GError    **error)
{
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(PpShellChain) chain = NULL;
  g_autoptr(GPtrArray) fields_keep = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) hooks = collect_hooks (files, &scripts, &chain, fields_keep, error);
  GPtrArray *names;

  if (hooks == NULL)
    return NULL;
  names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < hooks->len; i++)
    g_ptr_array_add (names, g_strdup (((Module *) g_ptr_array_index (hooks, i))->name));
  return names;
}

static PpEditResult *
edit_hooks (GPtrArray      *files,
            gconstpointer   data,
            GError        **error)
{
  const char *hook = data;
  g_autoptr(PpEditResult) result = pp_edit_result_new (files->len);
  g_autoptr(GPtrArray) scripts = NULL;
  g_autoptr(PpShellChain) chain = NULL;
  g_autoptr(GPtrArray) fields_keep = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) hooks = collect_hooks (files, &scripts, &chain, fields_keep, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autofree PpSplices **splices = NULL;
  g_autofree char *wanted = NULL;
  gboolean optional;
  Module *anchor = NULL;
  gboolean ok = TRUE;
  guint after = 0;

  if (hooks == NULL)
    return NULL;
  if (chain->links->len == 0)
    {
      g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                   _("%s: HOOKS is not set; add %s after base by hand"),
                   ((PpTextFile *) g_ptr_array_index (files, 0))->path, hook);
      return NULL;
    }
  wanted = pp_module_name_normalize (hook, &optional);
  for (guint i = 0; i < hooks->len; i++)
    {
      Module *element = g_ptr_array_index (hooks, i);

      if (g_strcmp0 (element->name, wanted) == 0)
        return g_steal_pointer (&result);
      if (g_strcmp0 (element->name, "base") == 0 && after == 0)
        after = i + 1;
    }
  /* right after base: its runtime part runs before udev starts */
  if (after < hooks->len)
    anchor = g_ptr_array_index (hooks, after);

  splices = pp_edit_splices_new (files, NULL);
  g_ptr_array_add (names, (char *) hook);
  if (anchor != NULL)
    ok = insert_before_module (g_ptr_array_index (scripts, anchor->file),
                               ((PpTextFile *) g_ptr_array_index (files, anchor->file))->path,
                               anchor, names, splices[anchor->file], error);
  else
    append_to_last_link (scripts, chain, names, splices);
  return pp_edit_result_finish (g_steal_pointer (&result), files, splices, ok, error);
}

PpEditResult *
pp_mkinitcpio_edit_hooks (GPtrArray   *files,
                          const char  *hook,
                          GError     **error)
{
  return pp_edit_read_back (edit_hooks, files, hook, "HOOKS", error);
}
