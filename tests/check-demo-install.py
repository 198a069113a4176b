#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The demo host's install script, run with a DESTDIR, must copy the built
tree exactly: every symlink (driver, iommu_group, bus/pci/devices, ...) stays
a symlink with the same target, files keep their bytes and modes.

    check-demo-install.py INSTALL_SCRIPT BUILT_TREE TMPDIR
"""

import os
import shutil
import stat
import subprocess
import sys


def walk(top):
    entries = {}
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, top)
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                entries[rel] = ('link', os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                entries[rel] = ('dir', None)
            elif st.st_size == 0 and not os.access(path, os.R_OK):
                # a write-only sysfs attribute (0200), unreadable when not root
                entries[rel] = ('file', stat.S_IMODE(st.st_mode), b'')
            else:
                with open(path, 'rb') as f:
                    entries[rel] = ('file', stat.S_IMODE(st.st_mode), f.read())
    return entries


def main():
    script, tree, tmp = sys.argv[1:4]
    shutil.rmtree(tmp, ignore_errors=True)
    target = '/usr/share/passthrough-prep/demo-host'
    env = dict(os.environ, DESTDIR=tmp)
    for attempt in ('fresh', 'over an earlier install'):
        result = subprocess.run([sys.executable, script, tree, target], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        if result.returncode != 0:
            print('FAIL install (%s): %s' % (attempt, result.stderr.strip()))
            return 1
    want, got = walk(tree), walk(os.path.join(tmp, target.lstrip('/')))
    links = sum(1 for v in want.values() if v[0] == 'link')
    if links < 50:
        print('FAIL the built demo tree has only %d symlinks' % links)
        return 1
    differ = sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))
    if differ:
        print('FAIL installed tree differs at %d paths, e.g. %s' % (len(differ), differ[:5]))
        return 1
    print('ok   installed demo host matches the built tree: %d entries, %d symlinks kept' % (len(want), links))
    return 0


if __name__ == '__main__':
    sys.exit(main())
