/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "pp-kernel-params.h"

void
pp_param_token_free (PpParamToken *token)
{
  if (token == NULL)
    return;
  g_free (token->text);
  g_free (token);
}

/* "vfio-pci.ids=a" -> "vfio_pci.ids": the kernel compares names with - and _ alike */
static char *
param_key (const char *param)
{
  const char *eq = strchr (param, '=');
  char *key = eq ? g_strndup (param, eq - param) : g_strdup (param);

  for (char *p = key; *p; p++)
    if (*p == '-')
      *p = '_';
  return key;
}

static const char *
param_value (const char *param)
{
  const char *eq = strchr (param, '=');

  return eq ? eq + 1 : NULL;
}

static gboolean
list_has (char      **items,
          const char *item)
{
  return g_strv_contains ((const char * const *) items, item);
}

/* Merges "on" (or "pt") into an existing comma list, dropping what turns the
 * feature off and keeping the rest ("on,igfx_off" stays as it is). */
static char *
merge_switch (const char  *old_value,
              const char  *wanted,
              const char **disabling)
{
  g_auto(GStrv) items = g_strsplit (old_value ? old_value : "", ",", -1);
  g_autoptr(GPtrArray) kept = g_ptr_array_new ();

  if (list_has (items, wanted))
    return g_strdup (old_value);
  g_ptr_array_add (kept, (char *) wanted);
  for (guint i = 0; items[i]; i++)
    if (items[i][0] != '\0' && !g_strv_contains (disabling, items[i]))
      g_ptr_array_add (kept, items[i]);
  g_ptr_array_add (kept, NULL);
  return g_strjoinv (",", (char **) kept->pdata);
}

/* "a:b" -> "a:b" lower-cased; "a:b:c:d" (with subsystem fields) -> "a:b" */
static char *
vendor_device (const char *id)
{
  g_auto(GStrv) fields = g_strsplit (id, ":", 3);
  g_autofree char *pair = NULL;

  if (g_strv_length (fields) < 2)
    return NULL;
  pair = g_strconcat (g_strstrip (fields[0]), ":", g_strstrip (fields[1]), NULL);
  return g_ascii_strdown (pair, -1);
}

static char *
without_quotes (const char *param)
{
  GString *text = g_string_new (NULL);

  for (const char *p = param; *p != '\0'; p++)
    if (*p != '"')
      g_string_append_c (text, *p);
  return g_string_free (text, FALSE);
}

/* pci-stub.ids= naming a reserved function would take it before vfio-pci:
 * those IDs leave the list, and the list goes when nothing is left */
static void
drop_stub_ids (const char *reserved,
               GPtrArray  *tokens,
               GPtrArray  *decisions)
{
  g_auto(GStrv) wanted = g_strsplit (reserved, ",", -1);

  for (guint i = 0; i < tokens->len; i++)
    {
      PpParamToken *token = g_ptr_array_index (tokens, i);
      g_autofree char *text = NULL;
      g_autofree char *key = NULL;
      g_auto(GStrv) items = NULL;
      g_autoptr(GPtrArray) kept = NULL;
      gboolean dropped = FALSE;

      if (token->opaque || g_ptr_array_index (decisions, i) != NULL)
        continue;
      /* the kernel reads "pci-stub.ids=a,b" and pci-stub.ids="a,b" as
       * pci-stub.ids=a,b; such a token is matched unquoted (and, not being
       * splice-safe, refused by name when it holds a reserved ID) */
      text = without_quotes (token->text);
      key = param_key (text);
      if (!g_str_equal (key, "pci_stub.ids") || param_value (text) == NULL)
        continue;
      items = g_strsplit (param_value (text), ",", -1);
      kept = g_ptr_array_new ();
      for (guint k = 0; items[k] != NULL; k++)
        {
          g_autofree char *pair = vendor_device (items[k]);
          gboolean ours = FALSE;

          for (guint w = 0; pair != NULL && wanted[w] != NULL; w++)
            {
              g_autofree char *wanted_pair = vendor_device (wanted[w]);

              ours |= g_strcmp0 (pair, wanted_pair) == 0;
            }
          if (ours)
            dropped = TRUE;
          else if (items[k][0] != '\0')
            g_ptr_array_add (kept, items[k]);
        }
      if (!dropped)
        continue;
      if (kept->len == 0)
        g_ptr_array_index (decisions, i) = g_strdup ("");
      else
        {
          g_autofree char *list = NULL;
          g_autofree char *spelling = g_strndup (text, strchr (text, '=') - text);

          g_ptr_array_add (kept, NULL);
          list = g_strjoinv (",", (char **) kept->pdata);
          g_ptr_array_index (decisions, i) = g_strconcat (spelling, "=", list, NULL);
        }
    }
}

typedef struct
{
  const char *key;         /* normalised */
  const char *spelling;    /* as we write it */
  char       *wanted;      /* value, NULL: not managed by this intent */
} Managed;

GPtrArray *
pp_kernel_params_plan (const PpKernelParamsIntent *intent,
                       GPtrArray                  *tokens,
                       GPtrArray                  *append)
{
  static const char *iommu_off[] = { "off", NULL };
  static const char *passthrough_off[] = { "off", "nopt", "soft", NULL };
  static const char *no_values[] = { NULL };
  GPtrArray *decisions = g_ptr_array_new_with_free_func (g_free);
  Managed managed[] = {
    { "intel_iommu", "intel_iommu", NULL },
    { "amd_iommu", "amd_iommu", NULL },
    { "iommu", "iommu", NULL },
    { "vfio_pci.ids", "vfio-pci.ids", NULL },
    { "pcie_acs_override", "pcie_acs_override", NULL },
  };

  g_ptr_array_set_size (decisions, tokens->len);

  for (guint m = 0; m < G_N_ELEMENTS (managed); m++)
    {
      Managed *key = &managed[m];
      int last = -1;
      gboolean drop_all = m == 3 && intent->no_vfio_ids;

      if ((m == 0 && intent->cpu_vendor != PP_CPU_VENDOR_INTEL)
          || (m == 1 && intent->cpu_vendor != PP_CPU_VENDOR_AMD)
          || (m == 2 && !intent->iommu_pt)
          || (m == 3 && intent->vfio_ids == NULL && !drop_all)
          || (m == 4 && !intent->acs_override))
        continue;

      for (guint i = 0; i < tokens->len; i++)
        {
          PpParamToken *token = g_ptr_array_index (tokens, i);
          g_autofree char *token_key = NULL;

          if (token->opaque)
            continue;
          token_key = param_key (token->text);
          if (g_str_equal (token_key, key->key))
            {
              if (last >= 0)
                g_ptr_array_index (decisions, last) = g_strdup ("");
              last = i;
            }
        }
      if (drop_all)
        {
          if (last >= 0)
            g_ptr_array_index (decisions, last) = g_strdup ("");
          continue;
        }

      {
        const char *old_value = NULL;
        g_autofree char *value = NULL;
        g_autofree char *param = NULL;

        if (last >= 0)
          old_value = param_value (((PpParamToken *) g_ptr_array_index (tokens, last))->text);
        if (m <= 1)
          value = merge_switch (old_value, "on", iommu_off);
        else if (m == 2)
          value = merge_switch (old_value, "pt", passthrough_off);
        else if (m == 3)
          value = g_strdup (intent->vfio_ids);
        else
          {
            g_autofree char *multifunction = merge_switch (old_value, "multifunction", no_values);

            value = merge_switch (multifunction, "downstream", no_values);
          }
        param = g_strconcat (key->spelling, "=", value, NULL);

        if (last < 0)
          g_ptr_array_add (append, g_steal_pointer (&param));
        else
          {
            PpParamToken *token = g_ptr_array_index (tokens, last);
            /* a module parameter may keep its spelling; a boot option must be exact */
            gboolean spelled_ok = m == 3 || strncmp (token->text, key->spelling, strlen (key->spelling)) == 0;

            if (old_value == NULL || !g_str_equal (old_value, value) || !spelled_ok)
              g_ptr_array_index (decisions, last) = g_steal_pointer (&param);
          }
      }
    }
  if (intent->vfio_ids != NULL)
    drop_stub_ids (intent->vfio_ids, tokens, decisions);
  return decisions;
}

gboolean
pp_kernel_params_splice (GPtrArray           *tokens,
                         GPtrArray           *decisions,
                         PpSplices          **splices,
                         const char * const  *paths,
                         GError             **error)
{
  for (guint i = 0; i < tokens->len; i++)
    {
      PpParamToken *token = g_ptr_array_index (tokens, i);
      const char *decision = g_ptr_array_index (decisions, i);

      if (decision == NULL)
        continue;
      if (decision[0] == '\0')
        pp_splices_add (splices[token->segment], token->cut_start, token->cut_end, "");
      else if (!token->splice_safe)
        {
          g_set_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_UNSUPPORTED,
                       _("%s: cannot safely replace “%s”: it is written with quotes or escapes inside; edit it by hand"),
                       paths[token->segment], token->text);
          return FALSE;
        }
      else
        pp_splices_add (splices[token->segment], token->start, token->end, decision);
    }
  return TRUE;
}

/* what the kernel's isspace () takes for a blank between parameters
 * (g_ascii_isspace () leaves out the vertical tab) */
PpParamToken *
pp_kernel_params_first_opaque (GPtrArray *tokens)
{
  for (guint i = 0; i < tokens->len; i++)
    if (((PpParamToken *) g_ptr_array_index (tokens, i))->opaque)
      return g_ptr_array_index (tokens, i);
  return NULL;
}

gboolean
pp_kernel_params_is_blank (char c)
{
  return c != '\0' && strchr (" \t\n\v\f\r", c) != NULL;
}

void
pp_kernel_params_tokenize (const char *text,
                           gsize       base,
                           gsize       len,
                           guint       segment,
                           GPtrArray  *tokens)
{
  gsize i = 0;

  while (i < len)
    {
      PpParamToken *token;
      gsize first;
      gsize j;

      while (i < len && pp_kernel_params_is_blank (text[i]))
        i++;
      if (i >= len)
        break;
      first = i;
      while (i < len && !pp_kernel_params_is_blank (text[i]))
        i++;
      token = g_new0 (PpParamToken, 1);
      token->text = g_strndup (text + first, i - first);
      /* the kernel reads quotes in a parameter: what it holds is not plain text */
      token->splice_safe = strchr (token->text, '"') == NULL;
      token->segment = segment;
      token->start = token->cut_start = base + first;
      token->end = token->cut_end = base + i;
      j = i;
      while (j < len && (text[j] == ' ' || text[j] == '\t'))
        j++;
      if (j > i && j < len && !pp_kernel_params_is_blank (text[j]))
        token->cut_end = base + j;
      else
        {
          gsize k = first;

          while (k > 0 && (text[k - 1] == ' ' || text[k - 1] == '\t'))
            k--;
          token->cut_start = base + k;
        }
      g_ptr_array_add (tokens, token);
    }
}

char *
pp_kernel_params_edit_line (const PpKernelParamsIntent *intent,
                            const char                 *path,
                            const char                 *text,
                            GError                    **error)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) pp_param_token_free);
  g_autoptr(GPtrArray) append = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(PpSplices) splices = pp_splices_new ();
  gsize len = strlen (text);

  pp_kernel_params_tokenize (text, 0, len, 0, tokens);
  decisions = pp_kernel_params_plan (intent, tokens, append);
  if (!pp_kernel_params_splice (tokens, decisions, &splices, &path, error))
    return NULL;
  if (append->len > 0)
    {
      g_autofree char *joined = NULL;
      gsize at = len;

      g_ptr_array_add (append, NULL);
      joined = g_strjoinv (" ", (char **) append->pdata);
      while (at > 0 && pp_kernel_params_is_blank (text[at - 1]))
        at--;
      if (at > 0)
        {
          g_autofree char *piece = g_strconcat (" ", joined, NULL);

          pp_splices_add (splices, at, at, piece);
        }
      else
        pp_splices_add (splices, 0, 0, joined);
    }
  return pp_splices_apply (splices, path, text, error);
}

char *
pp_kernel_params_intent_args (const PpKernelParamsIntent *intent)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new ();
  g_autoptr(GPtrArray) append = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) decisions = pp_kernel_params_plan (intent, tokens, append);

  g_assert (decisions->len == 0);
  g_ptr_array_add (append, NULL);
  return g_strjoinv (" ", (char **) append->pdata);
}
