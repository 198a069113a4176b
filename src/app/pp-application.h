/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PP_TYPE_APPLICATION (pp_application_get_type ())

G_DECLARE_FINAL_TYPE (PpApplication, pp_application, PP, APPLICATION, AdwApplication)

PpApplication *pp_application_new      (void);
/* The host root the window shows: "/" or the --root directory */
const char    *pp_application_get_root (PpApplication *self);

G_END_DECLS
