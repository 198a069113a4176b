#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The packaging agrees with the meson build, without building a package:

- the Arch PKGBUILD's pkgver and the top entry of debian/changelog are the
  project's version;
- both package builds turn off every test-only option of meson_options.txt
  (NAME_tests);
- meson installs nothing test-only: no installed file of this build has
  "test" in its name.

usage: check-packaging.py SRCDIR BUILDDIR VERSION
"""
import json
import os
import re
import sys


def main():
    srcdir, builddir, version = sys.argv[1:4]
    failures = []

    def check(ok, what, detail=''):
        print(('ok   ' if ok else 'FAIL ') + what + (': %s' % detail if detail and not ok else ''))
        if not ok:
            failures.append(what)

    packaging = os.path.join(srcdir, 'build-aux', 'packaging')
    pkgbuild = open(os.path.join(packaging, 'arch', 'PKGBUILD')).read()
    rules = open(os.path.join(packaging, 'debian', 'rules')).read()
    changelog = open(os.path.join(packaging, 'debian', 'changelog')).readline()

    pkgver = re.search(r'^pkgver=(\S+)$', pkgbuild, re.M)
    check(pkgver is not None and pkgver.group(1) == version, 'PKGBUILD pkgver is %s' % version,
          pkgver.group(1) if pkgver else 'none')
    top = re.match(r'^passthrough-prep \(([^)]+)\) ', changelog)
    debian_version = top.group(1) if top else ''
    check(re.sub(r'-[^-]*$', '', debian_version) == version,
          'debian/changelog\'s top entry is %s' % version, debian_version or changelog.strip())

    options = re.findall(r"^option\('(\w+_tests)'", open(os.path.join(srcdir, 'meson_options.txt')).read(), re.M)
    check(options, 'meson_options.txt has test options')
    for option in options:
        check(re.search(r'-D ?%s=false\b' % option, pkgbuild) is not None, 'PKGBUILD sets -D %s=false' % option)
        check(re.search(r'-D%s=false\b' % option, rules) is not None, 'debian/rules sets -D%s=false' % option)

    installed = json.load(open(os.path.join(builddir, 'meson-info', 'intro-installed.json')))
    test_only = sorted(dest for dest in installed.values() if 'test' in os.path.basename(dest))
    check(installed, 'meson lists what it installs')
    check(not test_only, 'meson installs nothing test-only', ' '.join(test_only))

    print('%d failed' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
