#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds a fake root from a .host description (the format of tests/hosts,
see TEAM.md) for the window tests. A subset of tests/mkhost.py: enough for
sysfs devices, IOMMU groups, /proc, os-release, modules and overlays."""

import os
import shlex
import struct
import sys

CLASS_NAMES = {
    '01': ('Mass storage controller', {'08': 'Non-Volatile memory controller', '06': 'SATA controller'}),
    '02': ('Network controller', {'00': 'Ethernet controller', '80': 'Network controller'}),
    '03': ('Display controller', {'00': 'VGA compatible controller', '02': '3D controller', '80': 'Display controller'}),
    '04': ('Multimedia controller', {'03': 'Audio device'}),
    '06': ('Bridge', {'00': 'Host bridge', '01': 'ISA bridge', '04': 'PCI bridge'}),
    '0c': ('Serial bus controller', {'03': 'USB controller', '05': 'SMBus', '80': 'Serial bus controller'}),
}


def parse(path):
    host = {'devices': [], 'modules': [], 'overlays': [], 'iommu': 'on', 'uefi': 'yes',
            'cpu': ['intel', 'vmx', 'Unknown CPU'], 'cmdline': '', 'kernel': '6.6.0', 'os': None}
    group = None
    with open(path, encoding='utf-8') as f:
        for raw in f:
            line = strip_comment(raw)
            if not line.strip():
                continue
            words = shlex.split(line)
            key = words[0]
            if raw[0].isspace():
                host['devices'].append(parse_device(words, group))
            elif key == 'group':
                group = int(words[1])
            elif key == 'ungrouped':
                group = None
            elif key == 'cpu':
                host['cpu'] = words[1:4]
            elif key == 'cmdline':
                host['cmdline'] = line.split(None, 1)[1] if len(words) > 1 else ''
            elif key in ('kernel', 'uefi', 'iommu', 'name'):
                host[key] = line.split(None, 1)[1]
            elif key == 'os':
                host['os'] = words[1:]
            elif key == 'module':
                host['modules'].append(words[1:3])
            elif key == 'overlay':
                host['overlays'].append(words[1])
    return host


def strip_comment(raw):
    out, quoted = [], False
    for ch in raw.rstrip('\n'):
        if ch == '"':
            quoted = not quoted
        if ch == '#' and not quoted:
            break
        out.append(ch)
    return ''.join(out).rstrip()


def parse_device(words, group):
    dev = {'address': words[0], 'class': words[1], 'ids': words[2], 'group': group,
           'rev': '00', 'sub': None, 'driver': None, 'boot_vga': False}
    names = []
    for w in words[3:]:
        if w.startswith('rev='):
            dev['rev'] = w[4:]
        elif w.startswith('sub='):
            dev['sub'] = w[4:]
        elif w.startswith('driver='):
            dev['driver'] = w[7:]
        elif w == 'boot_vga':
            dev['boot_vga'] = True
        else:
            names.append(w)
    dev['vendor_name'], dev['device_name'] = names[0], names[1]
    return dev


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)
    os.chmod(path, mode)


def config_space(dev):
    vendor, device = (int(x, 16) for x in dev['ids'].split(':'))
    cls = int(dev['class'], 16)
    header = 1 if cls == 0x0604 else 0
    data = bytearray(64)
    struct.pack_into('<HH', data, 0, vendor, device)
    data[8] = int(dev['rev'], 16)
    data[10] = cls & 0xff
    data[11] = cls >> 8
    data[14] = header
    if dev['sub'] and header == 0:
        sv, sd = (int(x, 16) for x in dev['sub'].split(':'))
        struct.pack_into('<HH', data, 0x2c, sv, sd)
    return bytes(data)


def build(host, root, overlay_dir):
    sysdev = os.path.join(root, 'sys/devices/pci0000:00')
    busdev = os.path.join(root, 'sys/bus/pci/devices')
    os.makedirs(busdev, exist_ok=True)
    os.makedirs(os.path.join(root, 'sys/bus/pci/drivers'), exist_ok=True)
    os.makedirs(os.path.join(root, 'sys/kernel/iommu_groups'), exist_ok=True)
    for dev in host['devices']:
        d = os.path.join(sysdev, dev['address'])
        os.makedirs(d)
        vendor, device = dev['ids'].split(':')
        write(os.path.join(d, 'vendor'), '0x%s\n' % vendor)
        write(os.path.join(d, 'device'), '0x%s\n' % device)
        write(os.path.join(d, 'class'), '0x%s00\n' % dev['class'])
        write(os.path.join(d, 'revision'), '0x%s\n' % dev['rev'])
        sv, sd = (dev['sub'] or '0000:0000').split(':')
        write(os.path.join(d, 'subsystem_vendor'), '0x%s\n' % sv)
        write(os.path.join(d, 'subsystem_device'), '0x%s\n' % sd)
        write(os.path.join(d, 'irq'), '0\n')
        write(os.path.join(d, 'resource'), '0x0000000000000000 0x0000000000000000 0x0000000000000000\n' * 7)
        with open(os.path.join(d, 'config'), 'wb') as f:
            f.write(config_space(dev))
        if dev['class'].startswith('03'):
            write(os.path.join(d, 'boot_vga'), '1\n' if dev['boot_vga'] else '0\n')
        os.symlink(os.path.relpath(d, busdev), os.path.join(busdev, dev['address']))
        if dev['driver']:
            drv = os.path.join(root, 'sys/bus/pci/drivers', dev['driver'])
            os.makedirs(drv, exist_ok=True)
            os.symlink(os.path.relpath(drv, d), os.path.join(d, 'driver'))
        if dev['group'] is not None and host['iommu'].strip() == 'on':
            g = os.path.join(root, 'sys/kernel/iommu_groups', str(dev['group']), 'devices')
            os.makedirs(g, exist_ok=True)
            os.symlink(os.path.relpath(d, g), os.path.join(g, dev['address']))
            os.symlink(os.path.relpath(os.path.dirname(g), d), os.path.join(d, 'iommu_group'))

    vendor, flag, model = (host['cpu'] + ['', '', ''])[:3]
    vendor_id = {'intel': 'GenuineIntel', 'amd': 'AuthenticAMD'}.get(vendor, 'Unknown')
    flags = 'fpu vme de pse' + ('' if flag == 'none' else ' ' + flag)
    write(os.path.join(root, 'proc/cpuinfo'),
          'processor\t: 0\nvendor_id\t: %s\nmodel name\t: %s\nflags\t\t: %s\n\n' % (vendor_id, model, flags))
    write(os.path.join(root, 'proc/cmdline'), host['cmdline'] + '\n')
    write(os.path.join(root, 'proc/sys/kernel/osrelease'), host['kernel'] + '\n')
    if host['uefi'].strip() == 'yes':
        os.makedirs(os.path.join(root, 'sys/firmware/efi'), exist_ok=True)
    if host['os']:
        text = 'ID=%s\nNAME="%s"\n' % (host['os'][0], host['os'][1])
        if len(host['os']) > 2:
            text += 'ID_LIKE=%s\n' % host['os'][2]
        write(os.path.join(root, 'etc/os-release'), text)
    builtin = []
    for name, state in host['modules']:
        if state == 'builtin':
            builtin.append('kernel/drivers/vfio/%s.ko' % name)
        else:
            write(os.path.join(root, 'sys/module', name, 'initstate'), 'live\n')
    if builtin:
        write(os.path.join(root, 'lib/modules', host['kernel'], 'modules.builtin'), '\n'.join(builtin) + '\n')
    for overlay in host['overlays']:
        src = os.path.join(overlay_dir, overlay)
        for dirpath, _, files in os.walk(src):
            for name in files:
                rel = os.path.relpath(os.path.join(dirpath, name), src)
                with open(os.path.join(dirpath, name), encoding='utf-8') as f:
                    write(os.path.join(root, rel), f.read(), os.stat(os.path.join(dirpath, name)).st_mode & 0o777)

    ids = []
    vendors = {}
    for dev in host['devices']:
        v, d = dev['ids'].split(':')
        vendors.setdefault(v, (dev['vendor_name'], {}))[1][d] = dev['device_name']
    for v in sorted(vendors):
        ids.append('%s  %s' % (v, vendors[v][0]))
        for d in sorted(vendors[v][1]):
            ids.append('\t%s  %s' % (d, vendors[v][1][d]))
    for c in sorted(CLASS_NAMES):
        ids.append('C %s  %s' % (c, CLASS_NAMES[c][0]))
        for s in sorted(CLASS_NAMES[c][1]):
            ids.append('\t%s  %s' % (s, CLASS_NAMES[c][1][s]))
    write(os.path.join(root, 'usr/share/misc/pci.ids'), '\n'.join(ids) + '\n')


def main():
    if len(sys.argv) != 3:
        print('usage: minihost.py DESC OUTDIR', file=sys.stderr)
        return 2
    desc, out = sys.argv[1:]
    build(parse(desc), out, os.path.join(os.path.dirname(os.path.abspath(desc)), 'overlays'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
