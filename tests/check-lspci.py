#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Second opinion on every host fixture: build each tests/hosts/*.host with
mkhost.py and check that lspci, reading the tree through libpci's sysfs
method, sees the same devices as the description: addresses, classes,
vendor:device and subsystem ids, revisions, names, drivers and IOMMU groups.
The tree's iommu_groups directory and boot_vga files are checked too.

    check-lspci.py --lspci PATH HOSTS_DIR BUILD_DIR

Prints one line per host; exits 1 if any host disagrees, 77 (skip) without
lspci.
"""

import argparse
import glob
import importlib.util
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

spec = importlib.util.spec_from_file_location('mkhost', os.path.join(HERE, 'mkhost.py'))
mkhost = importlib.util.module_from_spec(spec)
spec.loader.exec_module(mkhost)

# 0000:01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GM206 [GeForce GTX 960] [10de:1401] (rev a1)
LINE_RE = re.compile(r'^(?P<addr>[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) '
                     r'(?P<classname>.+) \[(?P<cls>[0-9a-f]{4})\]: '
                     r'(?P<names>.+) \[(?P<vendor>[0-9a-f]{4}):(?P<device>[0-9a-f]{4})\]'
                     r'(?: \(rev (?P<rev>[0-9a-f]{2})\))?'
                     r'(?: \(prog-if [0-9a-f]{2}(?: \[[^]]*\])?\))?$')
TRUNCATED_RE = re.compile(r'^(?P<addr>[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) '
                          r'(?P<classname>.+) \[(?P<cls>[0-9a-f]{4})\]: (?P<truncated>.+)\.\.\.$')


def run_lspci(lspci, root, extra):
    argv = [lspci, '-A', 'linux-sysfs',
            '-O', 'sysfs.path=%s' % os.path.join(root, 'sys', 'bus', 'pci'),
            '-O', 'hwdb.disable=1',
            '-i', os.path.join(root, 'usr', 'share', 'misc', 'pci.ids'),
            '-D'] + extra
    result = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, env=dict(os.environ, LC_ALL='C'))
    if result.returncode != 0:
        raise RuntimeError('%s failed (%d): %s' % (' '.join(argv), result.returncode, result.stderr.strip()))
    return result.stdout


def parse_plain(text, problems):
    seen = {}
    for line in text.splitlines():
        m = LINE_RE.match(line)
        if m:
            seen[m.group('addr')] = m.groupdict()
            continue
        # libpci cuts a long name to its buffer and ends it with "...";
        # keep what is left for a prefix comparison.
        m = TRUNCATED_RE.match(line)
        if m:
            seen[m.group('addr')] = dict(m.groupdict(), vendor=None, device=None, rev=None)
            continue
        problems.append('cannot read lspci line: %s' % line)
    return seen


def parse_kernel(text):
    """lspci -k: the 'Kernel driver in use' line under each device line."""
    drivers = {}
    current = None
    for line in text.splitlines():
        if line and not line[0].isspace():
            current = line.split(' ', 1)[0]
            drivers[current] = None
        elif 'Kernel driver in use:' in line and current:
            drivers[current] = line.split(':', 1)[1].strip()
    return drivers


def parse_machine(text):
    """lspci -vmm -nn: blank-line separated records of Tag:<TAB>value."""
    records = {}
    for block in text.strip().split('\n\n'):
        record = {}
        for line in block.splitlines():
            if ':\t' in line:
                key, value = line.split(':\t', 1)
                record[key] = value
        if 'Slot' in record:
            records[record['Slot']] = record
    return records


def check_host(lspci, desc, outdir):
    host = mkhost.parse(desc)
    result = subprocess.run([sys.executable, os.path.join(HERE, 'mkhost.py'), desc, outdir],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if result.returncode != 0:
        return ['mkhost failed: %s' % result.stderr.strip()], host
    return compare_tree(lspci, host, outdir), host


def check_detects_tampering(lspci, desc, outdir):
    """The comparison must notice a tree that disagrees with its description."""
    host = mkhost.parse(desc)
    with_driver = [dev for dev in host.devices if dev.driver]
    victim = with_driver[0]
    device_dir = os.path.join(outdir, 'sys', 'bus', 'pci', 'devices', victim.addr)
    os.unlink(os.path.join(device_dir, 'driver'))
    with open(os.path.join(device_dir, 'vendor'), 'w') as f:
        f.write('0x%04x\n' % (victim.vendor ^ 0x0101))
    with open(os.path.join(device_dir, 'config'), 'r+b') as f:
        f.seek(0x08)
        f.write(bytes([victim.rev ^ 0x01]))
    problems = compare_tree(lspci, host, outdir)
    caught = [p for p in problems if p.startswith(victim.addr)]
    kinds = ('vendor', 'driver', 'config revision')
    return all(any(kind in p for p in caught) for kind in kinds), caught


def parse_config_dumps(text):
    """lspci -xxx: a device line, then 16 lines of "00: 86 80 ..." (256 bytes)."""
    dumps = {}
    current = None
    for line in text.splitlines():
        if line and not line[0].isspace() and not re.match(r'^[0-9a-f]{2}: ', line):
            current = line.split(' ', 1)[0]
            dumps[current] = bytearray()
        elif current and re.match(r'^[0-9a-f]{2}: ', line):
            dumps[current] += bytes(int(b, 16) for b in line[4:].split())
    return dumps


def check_config(problems, dev, cfg, host):
    addr = dev.addr
    if len(cfg) != 256:
        problems.append('%s: lspci -xxx read %d bytes of config space, want 256' % (addr, len(cfg)))
        return
    word = lambda offset: cfg[offset] | cfg[offset + 1] << 8  # noqa: E731
    got = {
        'config vendor:device': '%04x:%04x' % (word(0), word(2)),
        'config class': '%06x' % (cfg[0x0b] << 16 | cfg[0x0a] << 8 | cfg[0x09]),
        'config revision': '%02x' % cfg[0x08],
        'config header type': cfg[0x0e] & 0x7f,
    }
    want = {
        'config vendor:device': '%04x:%04x' % (dev.vendor, dev.device),
        'config class': '%06x' % dev.cls,
        'config revision': '%02x' % dev.rev,
        'config header type': 1 if dev.is_bridge else 0,
    }
    siblings = [d for d in host.devices if (d.domain, d.bus, d.slot) == (dev.domain, dev.bus, dev.slot)]
    if dev.func == 0:
        got['config multi-function bit'] = bool(cfg[0x0e] & 0x80)
        want['config multi-function bit'] = len(siblings) > 1
    if dev.is_bridge:
        got['config bus numbers'] = (cfg[0x18], cfg[0x19], cfg[0x1a])
        want['config bus numbers'] = (dev.bus, dev.secondary or 0, dev.subordinate or 0)
    else:
        got['config subsystem'] = '%04x:%04x' % (word(0x2c), word(0x2e))
        want['config subsystem'] = '%04x:%04x' % (dev.subvendor, dev.subdevice)
    for key in want:
        if got[key] != want[key]:
            problems.append('%s: %s is %r, the description says %r' % (addr, key, got[key], want[key]))


def check_nesting(problems, dev, outdir):
    """A device on a bridge's secondary bus lives under that bridge's directory."""
    real = os.path.realpath(os.path.join(outdir, 'sys', 'bus', 'pci', 'devices', dev.addr))
    parts = os.path.relpath(real, os.path.realpath(os.path.join(outdir, 'sys', 'devices'))).split(os.sep)
    want = []
    node = dev
    while node is not None:
        want.insert(0, node.addr)
        node = node.parent
    if parts[1:] != want:
        problems.append('%s: sysfs path %s, want it under %s' % (dev.addr, '/'.join(parts), '/'.join(want[:-1]) or 'the root bus'))


def compare_tree(lspci, host, outdir):
    problems = []
    dumps = parse_config_dumps(run_lspci(lspci, outdir, ['-xxx']))
    plain = parse_plain(run_lspci(lspci, outdir, ['-nn']), problems)
    kernel = parse_kernel(run_lspci(lspci, outdir, ['-k']))
    machine = parse_machine(run_lspci(lspci, outdir, ['-vmm', '-nn', '-k']))

    wanted = {dev.addr: dev for dev in host.devices}
    for addr in sorted(set(plain) - set(wanted)):
        problems.append('%s: lspci shows a device the description lacks' % addr)
    for addr in sorted(set(wanted) - set(plain)):
        problems.append('%s: described but lspci does not show it' % addr)

    for addr, dev in sorted(wanted.items()):
        seen = plain.get(addr)
        if seen is None:
            continue

        def differ(what, expected, got):
            if expected != got:
                problems.append('%s: %s is %r in the description, %r in lspci' % (addr, what, expected, got))

        record = machine.get(addr, {})
        differ('class', '%04x' % (dev.cls >> 8), seen['cls'])
        # lspci -nn prints "Device [vvvv:dddd]" for a device pci.ids does not name.
        device_name = dev.device_name or 'Device'
        full = '%s %s [%04x:%04x]' % (dev.vendor_name, device_name, dev.vendor, dev.device)
        if seen.get('truncated') is not None:
            if not full.startswith(seen['truncated']):
                problems.append('%s: lspci shows %r..., the description says %r' % (addr, seen['truncated'], full))
        else:
            differ('vendor id', '%04x' % dev.vendor, seen['vendor'])
            differ('device id', '%04x' % dev.device, seen['device'])
            differ('revision', '%02x' % dev.rev if dev.rev else None, seen['rev'])
            differ('name', '%s %s' % (dev.vendor_name, device_name), seen['names'])
        if seen['classname'].startswith('Class ') or seen['classname'].startswith('Unclassified'):
            problems.append('%s: class %s has no name in the generated pci.ids' % (addr, seen['cls']))

        ids = re.search(r'\[([0-9a-f]{4})\]$', record.get('Vendor', '')), re.search(r'\[([0-9a-f]{4})\]$', record.get('Device', ''))
        differ('vendor:device (lspci -vmm)', '%04x:%04x' % (dev.vendor, dev.device),
               '%s:%s' % tuple(m.group(1) if m else None for m in ids))
        differ('revision (lspci -vmm)', '%02x' % dev.rev if dev.rev else None, record.get('Rev'))
        differ('driver (lspci -k)', dev.driver, kernel.get(addr))

        differ('driver (lspci -vmm -k)', dev.driver, record.get('Driver'))
        group = str(dev.group) if (host.iommu and dev.group is not None) else None
        differ('IOMMU group', group, record.get('IOMMUGroup'))
        differ('prog-if', '%02x' % (dev.cls & 0xff), record.get('ProgIf', '00'))
        if dev.subvendor or dev.subdevice:
            sv = re.search(r'\[([0-9a-f]{4})\]$', record.get('SVendor', ''))
            sd = re.search(r'\[([0-9a-f]{4})\]$', record.get('SDevice', ''))
            differ('subsystem', '%04x:%04x' % (dev.subvendor, dev.subdevice),
                   '%s:%s' % (sv.group(1) if sv else None, sd.group(1) if sd else None))

        check_config(problems, dev, dumps.get(addr, b''), host)
        check_nesting(problems, dev, outdir)

        boot_vga = os.path.join(outdir, 'sys', 'bus', 'pci', 'devices', addr, 'boot_vga')
        if dev.is_vga:
            with open(boot_vga) as f:
                differ('boot_vga', '1' if dev.boot_vga else '0', f.read().strip())
        elif os.path.exists(boot_vga):
            problems.append('%s: boot_vga exists on a class %04x device' % (addr, dev.cls >> 8))

    groups_dir = os.path.join(outdir, 'sys', 'kernel', 'iommu_groups')
    expected_groups = {}
    if host.iommu:
        for number, devices in host.groups.items():
            expected_groups[str(number)] = {dev.addr for dev in devices}
        for number, uuid, _parent, _line in host.mdevs:
            expected_groups.setdefault(str(number), set()).add(uuid)
    got_groups = {}
    for number in os.listdir(groups_dir):
        got_groups[number] = set(os.listdir(os.path.join(groups_dir, number, 'devices')))
    for number in sorted(set(got_groups) | set(expected_groups), key=int):
        if got_groups.get(number) != expected_groups.get(number):
            problems.append('iommu_groups/%s/devices holds %s, the description says %s' % (
                number, sorted(got_groups.get(number, ())), sorted(expected_groups.get(number, ()))))
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--lspci')
    parser.add_argument('hosts_dir')
    parser.add_argument('build_dir')
    args = parser.parse_args()
    if not args.lspci or not os.access(args.lspci, os.X_OK):
        print('lspci not found: skipping')
        return 77
    descs = sorted(glob.glob(os.path.join(args.hosts_dir, '*.host')))
    if not descs:
        print('no host descriptions in %s' % args.hosts_dir)
        return 1
    os.makedirs(args.build_dir, exist_ok=True)
    failed = 0
    for desc in descs:
        name = os.path.splitext(os.path.basename(desc))[0]
        try:
            problems, host = check_host(args.lspci, desc, os.path.join(args.build_dir, name))
        except (RuntimeError, OSError, mkhost.DescError) as e:
            problems, host = [str(e)], None
        if problems:
            failed += 1
            print('FAIL %s:' % name)
            for problem in problems:
                print('     %s' % problem)
        else:
            groups = len(host.groups) + len({m[0] for m in host.mdevs} - set(host.groups))
            print('ok   %s: %d devices, %d groups%s agree with lspci' % (
                name, len(host.devices), groups if host.iommu else 0,
                '' if host.iommu else ' (IOMMU off)'))
    tamper_dir = os.path.join(args.build_dir, 'tampered')
    hosts_failed = failed
    subprocess.run([sys.executable, os.path.join(HERE, 'mkhost.py'), descs[0], tamper_dir], check=True)
    caught, problems = check_detects_tampering(args.lspci, descs[0], tamper_dir)
    if not caught:
        failed += 1
        print('FAIL the check did not notice a wrong vendor id, a missing driver link and a wrong config byte: %s' % problems)
    else:
        print('ok   a tampered tree is caught (%d problems reported)' % len(problems))
    print('%d of %d hosts agree' % (len(descs) - hosts_failed, len(descs)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
