#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Meson install script: copy the generated demo host tree to its installed
place, keeping its symlinks (driver, iommu_group, bus/pci/devices, ...) as
symlinks and its modes, which meson's own directory install would not.

    install-demo-host.py BUILT_TREE INSTALL_DIR

INSTALL_DIR is absolute; $DESTDIR, when set, is put in front of it.
"""

import os
import shutil
import sys

MARKER = '.mkhost-root'


def copy_file(source, target):
    """shutil.copy2, except for a write-only sysfs attribute (bind, rescan:
    empty, mode 0200), which its owner cannot read when not root: it is
    created empty with the same mode."""
    try:
        return shutil.copy2(source, target)
    except PermissionError:
        if os.lstat(source).st_size != 0:
            raise
        open(target, 'wb').close()
        shutil.copystat(source, target)
        return target


def main():
    if len(sys.argv) != 3:
        sys.stderr.write('usage: install-demo-host.py BUILT_TREE INSTALL_DIR\n')
        return 2
    source, target = sys.argv[1], sys.argv[2]
    destdir = os.environ.get('DESTDIR', '')
    if destdir:
        target = os.path.join(destdir, os.path.relpath(target, os.sep) if os.path.isabs(target) else target)
    if not os.path.exists(os.path.join(source, MARKER)):
        sys.stderr.write('%s is not a generated host tree (no %s)\n' % (source, MARKER))
        return 1
    if os.path.lexists(target):
        if not os.path.exists(os.path.join(target, MARKER)):
            sys.stderr.write('%s exists and is not a host tree; not replacing it\n' % target)
            return 1
        shutil.rmtree(target)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copytree(source, target, symlinks=True, copy_function=copy_file)
    print('Installing demo host tree %s to %s' % (source, target))
    return 0


if __name__ == '__main__':
    sys.exit(main())
