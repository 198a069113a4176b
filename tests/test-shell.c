/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "pp-edit.h"
#include "pp-shell.h"

typedef struct
{
  const char *name;
  const char *text;
  const char *want;   /* "NAME=value" per assignment ("+=" appends, "-" unset, "?" uncertain,
                       * "[a|b]" arrays), joined by "; "; or the error message */
} ShellCase;

static const ShellCase cases[] = {
  { "plain-and-quoted", "A=1\nB='x y'\nC=\"p $A q\"\n", "A=1@1; B=x y@2; C=p $A q@3" },
  { "comments-not-assignments", "# A=1\n  #B=2\nC=3 # D=4\nE=a#b\n", "C=3@3; E=a#b@4" },
  { "continuation-joins", "A=a\\\nb\nB=\"c\\\nd\"\n", "A=ab@1; B=cd@3" },
  { "newline-in-quotes", "A=\"x\ny\"\n", "A=x\ny@1" },
  { "expansions-kept-as-written", "A=$(echo \"a)b\")`x`${B:-\"}\"}$'q\\'r'\n", "A=$(echo \"a)b\")`x`${B:-\"}\"}$'q\\'r'@1" },
  { "arrays", "M=(a \"b c\" # note\n  'd'\n)\nM+=(e)\n", "M=[a|b c|d]@1; M+=[e]@4" },
  { "prefix-assignment-is-temporary", "A=1 cmd\nB=2\n", "B=2@2" },
  { "export-and-declare", "export A=1 B\ndeclare -a C=(x)\nreadonly D=4\n", "A=1@1; C=[x]@2; D=4@3" },
  { "unset", "A=1\nunset A B\nunset -f A\n", "A=1@1; A-@2; B-@2" },
  { "uncertain-contexts",
    "if x; then A=1; fi\nx && B=2\nx || C=3\nD=4 | cat\n( E=5 )\nf() { F=6; }\nG=7 &\nH=8\n",
    "A=1?@1; B=2?@2; C=3?@3; D=4?@4; E=5?@5; F=6?@6; G=7?@7; H=8@8" },
  { "heredoc-skipped", "cat <<-EOF\n\tA=1\n\tEOF\nB=2\ncat <<'X' >/dev/null\nC=3\nX\n", "B=2@4" },
  { "redirections", "A=1 2>/dev/null\nB=2 >/dev/null\n", "A=1@1; B=2@2" },
  { "dash-plus-equals-word", "A+=x\n", "A+=x@1" },
  { "unterminated-single", "A=1\n\nB='x\n", "/f:3: unterminated single quote" },
  { "unterminated-double", "A=\"x\n\n", "/f:1: unterminated double quote" },
  { "unterminated-command-substitution", "\nA=$(echo\n", "/f:2: unterminated $( or $((" },
  { "unterminated-backquote", "A=`x\n", "/f:1: unterminated backquote" },
  { "unterminated-braces", "A=${x\n", "/f:1: unterminated ${" },
  { "unterminated-array", "A=(x\n# )\n", "/f:1: unterminated array: no closing “)”" },
  { "parenthesis-after-word", "A=x(y)\n", "/f:1: unexpected “(”" },
  { "never-closed-group", "{ A=1\n", "/f:1: this “{” is never closed" },
};

static char *
describe (PpShellScript *script)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < script->assignments->len; i++)
    {
      PpShellAssignment *a = g_ptr_array_index (script->assignments, i);

      if (i > 0)
        g_string_append (out, "; ");
      g_string_append (out, a->name);
      if (a->kind == PP_SHELL_UNSET)
        g_string_append_c (out, '-');
      else
        {
          g_string_append (out, a->kind == PP_SHELL_APPEND ? "+=" : "=");
          if (a->is_array)
            {
              g_string_append_c (out, '[');
              for (guint e = 0; e < a->elements->len; e++)
                {
                  g_autofree char *value = pp_shell_word_dup_value (g_ptr_array_index (a->elements, e));

                  g_string_append_printf (out, "%s%s", e > 0 ? "|" : "", value);
                }
              g_string_append_c (out, ']');
            }
          else
            {
              g_autofree char *value = pp_shell_word_dup_value (a->value);

              g_string_append (out, value);
            }
        }
      if (a->uncertain)
        g_string_append_c (out, '?');
      g_string_append_printf (out, "@%u", a->line);
    }
  return g_string_free (out, FALSE);
}

static void
test_shell_case (gconstpointer data)
{
  const ShellCase *c = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PpShellScript) script = pp_shell_parse ("/f", c->text, &error);
  g_autofree char *got = NULL;

  if (script == NULL)
    {
      g_assert_error (error, PP_EDIT_ERROR, PP_EDIT_ERROR_PARSE);
      g_assert_cmpstr (error->message, ==, c->want);
      return;
    }
  g_assert_no_error (error);
  got = describe (script);
  g_assert_cmpstr (got, ==, c->want);
}

/* The raw ranges point at the bytes as written */
static void
test_shell_ranges (void)
{
  const char *text = "X=1\nGRUB_CMDLINE_LINUX_DEFAULT=\"quiet  'a' \"'b c'\\\nd\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(PpShellScript) script = pp_shell_parse ("/f", text, &error);
  PpShellAssignment *a;
  g_autoptr(GPtrArray) fields = NULL;
  const char *want[] = { "quiet", "'a'", "b", "cd" };
  const gboolean safe[] = { TRUE, TRUE, TRUE, FALSE };

  g_assert_no_error (error);
  a = g_ptr_array_index (script->assignments, 1);
  g_assert_cmpuint (a->value->start, ==, strlen ("X=1\nGRUB_CMDLINE_LINUX_DEFAULT="));
  g_assert_cmpuint (a->value->end, ==, strlen (text) - 1);
  fields = pp_shell_word_split (a->value);
  g_assert_cmpuint (fields->len, ==, G_N_ELEMENTS (want));
  for (guint i = 0; i < fields->len; i++)
    {
      PpShellField *field = g_ptr_array_index (fields, i);

      g_assert_cmpstr (field->text, ==, want[i]);
      g_assert_cmpint (field->splice_safe, ==, safe[i]);
      if (field->splice_safe)
        g_assert_cmpint (strncmp (text + field->start, field->text, field->end - field->start), ==, 0);
    }
  g_assert_cmpuint (pp_shell_script_line_at (script, a->value->end), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/core/shell/", cases[i].name, NULL);

      g_test_add_data_func (path, &cases[i], test_shell_case);
    }
  g_test_add_func ("/core/shell/ranges", test_shell_ranges);
  return g_test_run ();
}
