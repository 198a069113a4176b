#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every translation in po/LINGUAS is valid (msgfmt -c) and complete: it has
every message that xgettext finds in po/POTFILES.in today, all translated.

Usage: check-po.py SRCDIR"""

import os
import subprocess
import sys
import tempfile

# the keywords and flags of meson's i18n.gettext(preset: 'glib')
XGETTEXT_ARGS = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_printerr:1:c-format', '--flag=g_print:1:c-format',
]


def main():
    srcdir = sys.argv[1]
    po_dir = os.path.join(srcdir, 'po')
    with open(os.path.join(po_dir, 'POTFILES.in'), encoding='utf-8') as f:
        listed = [l.strip() for l in f if l.strip() and not l.startswith('#')]
    check_sorted = listed == sorted(listed)
    # files another branch adds (the polkit policy) may not be here yet
    present = [p for p in listed if os.path.exists(os.path.join(srcdir, p))]
    failures = 0
    print('1..%d' % (2 + 2 * len(open(os.path.join(po_dir, 'LINGUAS')).read().split())))
    print('%s 1 - POTFILES.in is sorted' % ('ok' if check_sorted else 'not ok'))
    failures += not check_sorted

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'passthrough-prep.pot')
        files = os.path.join(tmp, 'files')
        with open(files, 'w') as f:
            f.write('\n'.join(present) + '\n')
        r = subprocess.run(['xgettext', *XGETTEXT_ARGS, '-D', srcdir, '-f', files, '-o', pot],
                           capture_output=True, text=True)
        print('%s 2 - xgettext reads every listed file' % ('ok' if r.returncode == 0 else 'not ok'))
        if r.returncode != 0:
            print('# ' + r.stderr.replace('\n', '\n# '))
            return 1
        n = 2
        for lang in open(os.path.join(po_dir, 'LINGUAS')).read().split():
            po = os.path.join(po_dir, lang + '.po')
            r = subprocess.run(['msgfmt', '-c', '--statistics', '-o', os.devnull, po],
                               capture_output=True, text=True)
            n += 1
            valid = r.returncode == 0 and 'untranslated' not in r.stderr and 'fuzzy' not in r.stderr
            print('%s %d - %s.po is valid and has no fuzzy or untranslated message (%s)'
                  % ('ok' if valid else 'not ok', n, lang, r.stderr.strip()))
            failures += not valid
            r = subprocess.run(['msgcmp', po, pot], capture_output=True, text=True)
            n += 1
            print('%s %d - %s.po covers every message in the sources' % ('ok' if r.returncode == 0 else 'not ok', n, lang))
            if r.returncode != 0:
                print('# ' + r.stderr.strip().replace('\n', '\n# '))
            failures += r.returncode != 0
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
