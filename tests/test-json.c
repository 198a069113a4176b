/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "pp-json.h"

static void
test_nesting_and_commas (void)
{
  g_autoptr(PpJson) json = pp_json_new (FALSE);
  g_autofree char *text = NULL;

  pp_json_begin_object (json, NULL);
  pp_json_int (json, "id", 7);
  pp_json_begin_array (json, "devices");
  pp_json_string (json, NULL, "a");
  pp_json_null (json, NULL);
  pp_json_bool (json, NULL, TRUE);
  pp_json_end_array (json);
  pp_json_begin_array (json, "empty");
  pp_json_end_array (json);
  pp_json_begin_object (json, "o");
  pp_json_end_object (json);
  pp_json_string (json, "driver", NULL);
  pp_json_end_object (json);
  text = pp_json_steal_text (g_steal_pointer (&json));
  g_assert_cmpstr (text, ==,
                   "{\"id\":7,\"devices\":[\"a\",null,true],\"empty\":[],\"o\":{},\"driver\":null}");
}

static void
test_escaping (void)
{
  g_autoptr(GString) out = g_string_new (NULL);

  pp_json_escape (out, "a\"b\\c\nd\te\x01 “f”");
  g_assert_cmpstr (out->str, ==, "\"a\\\"b\\\\c\\nd\\te\\u0001 “f”\"");
}

static void
test_pretty (void)
{
  g_autoptr(PpJson) json = pp_json_new (TRUE);
  g_autofree char *text = NULL;

  pp_json_begin_object (json, NULL);
  pp_json_begin_array (json, "groups");
  pp_json_int (json, NULL, 1);
  pp_json_end_array (json);
  pp_json_end_object (json);
  text = pp_json_steal_text (g_steal_pointer (&json));
  g_assert_cmpstr (text, ==, "{\n  \"groups\": [\n    1\n  ]\n}\n");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/json/nesting-and-commas", test_nesting_and_commas);
  g_test_add_func ("/core/json/escaping", test_escaping);
  g_test_add_func ("/core/json/pretty", test_pretty);
  return g_test_run ();
}
