/* SPDX-License-Identifier: GPL-3.0-or-later */
/* placeholder until the core lands */
#include "pp-host.h"
