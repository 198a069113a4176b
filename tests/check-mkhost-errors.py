#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""mkhost.py on broken host descriptions: each must exit 1 with
"FILE:LINE: message" naming the right line, and write no tree.
A valid description must still build.

    check-mkhost-errors.py TMPDIR
"""

import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MKHOST = os.path.join(HERE, 'mkhost.py')

HEAD = '''name      Broken host
cpu       intel vmx "Intel(R) Core(TM) i7-6700K CPU @ 4.00GHz"
kernel    6.6.8-arch1-1
cmdline   BOOT_IMAGE=/boot/vmlinuz-linux root=UUID=0a3b rw quiet intel_iommu=on
uefi      yes
os        arch "Arch Linux"
iommu     on
'''
HEAD_LINES = HEAD.count('\n')
GPU = '  0000:01:00.0 0300 10de:1401 rev=a1 driver=nvidia "NVIDIA Corporation" "GM206 [GeForce GTX 960]"\n'

# (name, text, line the error must name, words the message must contain)
CASES = [
    ('unknown-keyword', HEAD + 'gpu 0000:01:00.0\n', HEAD_LINES + 1, "unknown keyword 'gpu'"),
    ('address-without-domain', HEAD + 'group 1\n  01:00.0 0300 10de:1401 "NVIDIA Corporation"\n',
     HEAD_LINES + 2, 'not a PCI address'),
    ('address-too-short', HEAD + 'group 1\n  0000:01:00 0300 10de:1401 "NVIDIA Corporation"\n',
     HEAD_LINES + 2, 'not a PCI address'),
    ('bad-class', HEAD + 'group 1\n  0000:01:00.0 03x0 10de:1401 "NVIDIA Corporation"\n',
     HEAD_LINES + 2, 'not a class code'),
    ('bad-ids', HEAD + 'group 1\n  0000:01:00.0 0300 10de-1401 "NVIDIA Corporation"\n',
     HEAD_LINES + 2, 'vendor:device'),
    ('device-outside-section', HEAD + GPU, HEAD_LINES + 1, "outside a 'group N'"),
    ('duplicate-address', HEAD + 'group 1\n' + GPU + 'group 2\n' + GPU, HEAD_LINES + 4,
     'already described on line %d' % (HEAD_LINES + 2)),
    ('duplicate-group', HEAD + 'group 1\n' + GPU + 'group 1\n', HEAD_LINES + 3, 'group 1 is already declared'),
    ('unterminated-quote', HEAD + 'group 1\n  0000:01:00.0 0300 10de:1401 "NVIDIA Corporation\n',
     HEAD_LINES + 2, 'quotation'),
    ('boot-vga-on-3d-controller',
     HEAD + 'group 1\n  0000:01:00.0 0302 10de:11e1 boot_vga "NVIDIA Corporation"\n',
     HEAD_LINES + 2, 'boot_vga is only for VGA'),
    ('two-boot-vga',
     HEAD + 'group 1\n  0000:00:02.0 0300 8086:1912 boot_vga "Intel Corporation"\n'
     '  0000:01:00.0 0300 10de:1401 boot_vga "NVIDIA Corporation"\n',
     HEAD_LINES + 3, 'boot_vga is already on 0000:00:02.0'),
    ('vendor-named-twice',
     HEAD + 'group 1\n' + GPU + '  0000:01:00.1 0403 10de:0fba "NVIDIA Corp."\n',
     HEAD_LINES + 3, "vendor 10de is named 'NVIDIA Corporation' on line %d" % (HEAD_LINES + 2)),
    ('unknown-attribute', HEAD + 'group 1\n  0000:01:00.0 0300 10de:1401 drv=nvidia "NVIDIA Corporation"\n',
     HEAD_LINES + 2, "unknown device attribute 'drv'"),
    ('unknown-reset-method', HEAD + 'group 1\n  0000:01:00.0 0300 10de:1401 reset=flr,warm "NVIDIA Corporation"\n',
     HEAD_LINES + 2, "'warm' is not a kernel reset method"),
    ('unknown-rom-kind', HEAD + 'group 1\n  0000:01:00.0 0300 10de:1401 rom=vbios.rom "NVIDIA Corporation"\n',
     HEAD_LINES + 2, 'rom=vbios.rom: want one of valid'),
    ('bad-revision', HEAD + 'group 1\n  0000:01:00.0 0300 10de:1401 rev=a "NVIDIA Corporation"\n',
     HEAD_LINES + 2, 'rev=a'),
    ('no-vendor-name', HEAD + 'group 1\n  0000:01:00.0 0300 10de:1401 rev=a1\n',
     HEAD_LINES + 2, 'quoted vendor name'),
    ('bus-on-endpoint', HEAD + 'group 1\n  0000:01:00.0 0300 10de:1401 bus=02 "NVIDIA Corporation"\n',
     HEAD_LINES + 2, 'bus= is only for PCI bridges'),
    ('groups-with-iommu-off', HEAD.replace('iommu     on', 'iommu     off') + 'group 1\n' + GPU,
     HEAD_LINES, 'iommu is off'),
    ('bad-mdev-uuid', HEAD + 'mdev 170 not-a-uuid\n', HEAD_LINES + 1, 'not a lower-case UUID'),
    ('efivar-without-value', HEAD + 'efivar LoaderInfo\n', HEAD_LINES + 1, 'efivar needs NAME "VALUE"'),
    ('efivar-twice', HEAD + 'efivar LoaderInfo "GRUB 2.12"\nefivar LoaderInfo "GRUB 2.06"\n', HEAD_LINES + 2,
     "efivar 'LoaderInfo' is already given"),
    ('efivar-without-uefi', HEAD.replace('uefi      yes', 'uefi      no') + 'efivar LoaderInfo "GRUB 2.12"\n',
     HEAD_LINES + 1, 'efivar needs uefi yes'),
    ('mdev-parent-unknown', HEAD + 'mdev 170 5d0e7a5c-3b2a-4c1d-9a7e-0123456789ab 0000:51:00.4\n',
     HEAD_LINES + 1, 'mdev parent 0000:51:00.4 is not described'),
    ('intel-with-svm', HEAD.replace('intel vmx', 'intel svm'), 2, 'intel CPUs do not have svm'),
    ('module-with-dash', HEAD + 'module vfio-pci loaded\n', HEAD_LINES + 1, "underscore form"),
    ('module-bad-state', HEAD + 'module vfio_pci maybe\n', HEAD_LINES + 1, 'loaded|builtin'),
    ('missing-overlay', HEAD + 'overlay no-such-overlay\n', HEAD_LINES + 1, 'no overlay directory'),
    ('missing-kernel', HEAD.replace('kernel    6.6.8-arch1-1\n', ''), HEAD_LINES - 1, "no 'kernel' line"),
    ('name-twice', HEAD + 'name Again\n', HEAD_LINES + 1, "'name' is already given on line 1"),
    ('bad-uefi', HEAD.replace('uefi      yes', 'uefi      maybe'), 5, 'uefi: want yes or no'),
]

VALID = HEAD + 'module vfio_pci builtin\ngroup 1\n' + GPU + 'mdev 170 5d0e7a5c-3b2a-4c1d-9a7e-0123456789ab\n'


def run(desc, outdir):
    return subprocess.run([sys.executable, MKHOST, desc, outdir],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)


def main():
    tmp = sys.argv[1]
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    failures = 0
    for name, text, line, words in CASES:
        desc = os.path.join(tmp, name + '.host')
        outdir = os.path.join(tmp, name + '.root')
        with open(desc, 'w') as f:
            f.write(text)
        result = run(desc, outdir)
        message = result.stderr.strip()
        prefix = '%s:%d: ' % (desc, line)
        if result.returncode == 1 and message.startswith(prefix) and words in message \
                and '\n' not in message and not os.path.exists(outdir):
            print('ok   %s: %s' % (name, message[len(desc) + 1:]))
        else:
            failures += 1
            print('FAIL %s: exit %d, want 1 and "%s...%s" with no tree; got: %s'
                  % (name, result.returncode, prefix, words, message))

    desc = os.path.join(tmp, 'valid.host')
    outdir = os.path.join(tmp, 'valid.root')
    with open(desc, 'w') as f:
        f.write(VALID)
    result = run(desc, outdir)
    link = os.path.join(outdir, 'sys', 'kernel', 'iommu_groups', '170', 'devices',
                        '5d0e7a5c-3b2a-4c1d-9a7e-0123456789ab')
    builtin = os.path.join(outdir, 'lib', 'modules', '6.6.8-arch1-1', 'modules.builtin')
    if result.returncode == 0 and os.path.islink(link) and 'vfio-pci.ko' in open(builtin).read():
        print('ok   valid: builds, with its mdev entry and modules.builtin')
    else:
        failures += 1
        print('FAIL valid: exit %d: %s' % (result.returncode, result.stderr.strip()))

    # A directory mkhost did not make is never replaced.
    foreign = os.path.join(tmp, 'foreign')
    os.makedirs(foreign)
    with open(os.path.join(foreign, 'precious'), 'w') as f:
        f.write('keep me\n')
    result = run(desc, foreign)
    if result.returncode != 0 and os.path.exists(os.path.join(foreign, 'precious')):
        print('ok   a foreign non-empty directory is left alone')
    else:
        failures += 1
        print('FAIL mkhost replaced a directory it did not make')

    print('%d of %d checks passed' % (len(CASES) + 2 - failures, len(CASES) + 2))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
