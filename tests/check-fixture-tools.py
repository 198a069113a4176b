#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The tool stand-ins in tests/hosts/overlays (mkinitcpio, grub-mkconfig,
update-initramfs, dracut, grubby, ...): run from a built host tree with an
empty environment, each logs its argv as one shell-quoted line to
ROOT/var/log/pp-test-commands.log and exits 0, and exits 1 with a message
when ROOT/pp-fail-<tool> exists.

    check-fixture-tools.py HOSTS_DIR BUILD_DIR
"""

import glob
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ARGS = ['--update-kernel=ALL', '--args=intel_iommu=on iommu=pt vfio-pci.ids=10de:2184,10de:1aeb', '', "it's"]


def main():
    hosts_dir, build_dir = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    os.makedirs(build_dir, exist_ok=True)
    failures = checks = 0
    overlays = sorted(glob.glob(os.path.join(hosts_dir, 'overlays', '*')))
    for overlay in overlays:
        tools = sorted(glob.glob(os.path.join(overlay, 'usr', '*bin', '*')))
        if not tools:
            continue
        name = os.path.basename(overlay)
        desc = os.path.join(build_dir, name + '.host')
        root = os.path.join(build_dir, name)
        with open(desc, 'w') as f:
            f.write('name Tools of %s\ncpu amd svm "AMD Ryzen"\nkernel 6.6.8-arch1-1\n'
                    'cmdline quiet\niommu off\n' % name)
        # mkhost looks for overlays beside the description.
        link = os.path.join(build_dir, 'overlays')
        if not os.path.lexists(link):
            os.symlink(os.path.join(hosts_dir, 'overlays'), link)
        with open(desc, 'a') as f:
            f.write('overlay %s\n' % name)
        subprocess.run([sys.executable, os.path.join(HERE, 'mkhost.py'), desc, root], check=True)
        log = os.path.join(root, 'var', 'log', 'pp-test-commands.log')
        for tool in tools:
            checks += 1
            tool_name = os.path.basename(tool)
            path = os.path.join(root, os.path.relpath(tool, overlay))
            problems = []
            if not os.access(path, os.X_OK):
                problems.append('not executable in the tree')
            before = open(log).read() if os.path.exists(log) else ''
            ok = subprocess.run([path] + ARGS, env={}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                universal_newlines=True)
            lines = open(log).read()[len(before):].splitlines() if os.path.exists(log) else []
            if ok.returncode != 0:
                problems.append('exit %d: %s' % (ok.returncode, ok.stderr.strip()))
            if len(lines) != 1 or shlex.split(lines[0]) != [tool_name] + ARGS:
                problems.append('logged %r' % lines)
            fail_flag = os.path.join(root, 'pp-fail-' + tool_name)
            open(fail_flag, 'w').close()
            bad = subprocess.run([path, '-P'], env={}, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 universal_newlines=True)
            os.unlink(fail_flag)
            if bad.returncode != 1 or tool_name not in bad.stderr:
                problems.append('with pp-fail-%s: exit %d, stderr %r' % (tool_name, bad.returncode, bad.stderr))
            if problems:
                failures += 1
                print('FAIL %s/%s: %s' % (name, os.path.relpath(tool, overlay), '; '.join(problems)))
            else:
                print('ok   %s/%s logs its argv and fails on request' % (name, os.path.relpath(tool, overlay)))
    print('%d of %d tool stand-ins behave' % (checks - failures, checks))
    return 1 if failures or not checks else 0


if __name__ == '__main__':
    sys.exit(main())
