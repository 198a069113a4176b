#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Builds every host fixture and checks that `passthrough-prep --list --json`
shows it device for device, and that `--check --json` judges it as the
fixture's .expect file says a careful person would.

usage: check-fixtures.py PASSTHROUGH_PREP HOSTS_DIR WORK_DIR
"""
import glob
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkhost  # noqa: E402


def run_json(binary, *args):
    proc = subprocess.run([binary, *args], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise AssertionError('%s exited %d: %s' % (' '.join(args), proc.returncode, proc.stderr.strip()))
    return json.loads(proc.stdout)


def expect_equal(errors, what, got, want):
    if got != want:
        errors.append('%s: got %r, want %r' % (what, got, want))


def check_device(errors, got, dev):
    where = dev.addr
    expect_equal(errors, where + ' vendor_id', got['vendor_id'], '%04x' % dev.vendor)
    expect_equal(errors, where + ' device_id', got['device_id'], '%04x' % dev.device)
    expect_equal(errors, where + ' class', got['class'], '%04x' % (dev.cls >> 8))
    expect_equal(errors, where + ' revision', got['revision'], '%02x' % dev.rev)
    expect_equal(errors, where + ' driver', got['driver'], dev.driver)
    expect_equal(errors, where + ' boot_vga', got['boot_vga'], bool(dev.boot_vga))
    expect_equal(errors, where + ' parent', got['parent'], dev.parent.addr if dev.parent else None)
    if dev.device_name:
        expect_equal(errors, where + ' name', got['name'], dev.device_name)
    if dev.vendor_name:
        expect_equal(errors, where + ' vendor', got['vendor'], dev.vendor_name)


def check_list(errors, listing, host):
    iommu_on = host.iommu != 'off'
    want_groups = {}
    want_ungrouped = []
    for dev in host.devices:
        if iommu_on and dev.group is not None:
            want_groups.setdefault(dev.group, []).append(dev)
        else:
            want_ungrouped.append(dev)

    got_groups = {g['id']: g['devices'] for g in listing['groups']}
    expect_equal(errors, 'group ids', sorted(got_groups), sorted(want_groups))
    for gid, devs in want_groups.items():
        got = got_groups.get(gid, [])
        expect_equal(errors, 'group %d members' % gid,
                     [d['address'] for d in got], sorted(d.addr for d in devs))
        by_addr = {d['address']: d for d in got}
        for dev in devs:
            if dev.addr in by_addr:
                check_device(errors, by_addr[dev.addr], dev)
                expect_equal(errors, dev.addr + ' iommu_group', by_addr[dev.addr]['iommu_group'], gid)
    expect_equal(errors, 'ungrouped', [d['address'] for d in listing['ungrouped']],
                 sorted(d.addr for d in want_ungrouped))
    by_addr = {d['address']: d for d in listing['ungrouped']}
    for dev in want_ungrouped:
        if dev.addr in by_addr:
            check_device(errors, by_addr[dev.addr], dev)


def parse_expect(path):
    """scenario NAME | iommu on|off | bootloader NAME | boot_backend NAME | initramfs NAME | cpu VENDOR
    | gpu ADDR viable|not-viable [reserve=A,B] [blockers=A,B] [macos=V]
    [reset-methods=M,N] [reset-advice=none|WORDS+JOINED+BY+PLUS] [remedies=KIND,KIND] [why=WORD]
    | check ID ok|info|warning|error|absent [next=WORD] | earlier_vfio N (entries in --check's earlier_vfio)
    | plan refused WORD (every plan of this host is a refusal that says WORD)"""
    want = {'gpus': {}, 'checks': {}}
    with open(path, encoding='utf-8') as f:
        for lineno, raw in enumerate(f, 1):
            words = raw.split('#', 1)[0].split()
            if not words:
                continue
            if words[0] in ('scenario', 'iommu', 'bootloader', 'boot_backend', 'initramfs', 'cpu') and len(words) == 2:
                want[words[0]] = words[1]
            elif words[0] == 'earlier_vfio' and len(words) == 2 and words[1].isdigit():
                want['earlier_vfio'] = int(words[1])
            elif words[0] == 'plan' and len(words) == 3 and words[1] == 'refused':
                want['plan_refused'] = words[2]     # read by test-plan's every-gpu cases
            elif words[0] == 'gpu' and len(words) >= 3 and words[2] in ('viable', 'not-viable'):
                gpu = {'viable': words[2] == 'viable'}
                for word in words[3:]:
                    key, _, value = word.partition('=')
                    if key in ('reserve', 'blockers', 'remedies'):
                        gpu[key] = value.split(',') if value else []
                    elif key in ('macos', 'integrated', 'why'):
                        gpu[key] = value
                    elif key == 'reset-methods':
                        gpu[key] = value.split(',') if value else []
                    elif key == 'reset-advice':
                        gpu[key] = None if value == 'none' else value.replace('+', ' ')
                    else:
                        raise SystemExit('%s:%d: unknown %r' % (path, lineno, word))
                want['gpus'][words[1]] = gpu
            elif words[0] == 'check' and len(words) in (3, 4) \
                    and words[2] in ('ok', 'info', 'warning', 'error', 'absent'):
                check = {'status': words[2]}
                if len(words) == 4:
                    key, _, value = words[3].partition('=')
                    if key != 'next' or not value:
                        raise SystemExit('%s:%d: unknown %r' % (path, lineno, words[3]))
                    check['next'] = value
                want['checks'][words[1]] = check
            else:
                raise SystemExit('%s:%d: cannot read %r' % (path, lineno, raw.strip()))
    return want


def check_advice(errors, report, want):
    if 'scenario' in want:
        expect_equal(errors, 'scenario', report['scenario'], want['scenario'])
    if 'iommu' in want:
        expect_equal(errors, 'iommu', report['iommu']['enabled'], want['iommu'] == 'on')
    for key in ('bootloader', 'boot_backend', 'initramfs'):
        if key in want:
            expect_equal(errors, key, report[key], want[key])
    expect_equal(errors, 'earlier_vfio', len(report['earlier_vfio']), want.get('earlier_vfio', 0))
    if 'cpu' in want:
        expect_equal(errors, 'cpu', report['cpu']['vendor'], want['cpu'])
    checks = {c['id']: c for c in report['checks']}
    for check_id, cwant in want['checks'].items():
        got = checks.get(check_id)
        expect_equal(errors, 'check ' + check_id, got['status'] if got else 'absent', cwant['status'])
        if got and 'next' in cwant and cwant['next'] not in (got['next_step'] or ''):
            errors.append('check %s: next step does not say %r: %r' % (check_id, cwant['next'], got['next_step']))
    gpus = {g['address']: g for g in report['gpus']}
    expect_equal(errors, 'gpus', sorted(gpus), sorted(want['gpus']))
    for addr, gwant in want['gpus'].items():
        got = gpus.get(addr)
        if got is None:
            continue
        expect_equal(errors, addr + ' viable', got['viable'], gwant['viable'])
        for key in ('reserve', 'blockers'):
            if key in gwant:
                expect_equal(errors, addr + ' ' + key, got[key], sorted(gwant[key]))
        if 'macos' in gwant:
            expect_equal(errors, addr + ' macos', got['macos'], gwant['macos'])
        if 'reset-methods' in gwant:
            expect_equal(errors, addr + ' reset_methods', got['reset_methods'], gwant['reset-methods'])
        if 'reset-advice' in gwant:
            if gwant['reset-advice'] is None or got['reset_advice'] is None:
                expect_equal(errors, addr + ' reset_advice', got['reset_advice'], gwant['reset-advice'])
            elif gwant['reset-advice'] not in got['reset_advice']:
                errors.append('%s reset_advice does not say %r: %r' % (addr, gwant['reset-advice'], got['reset_advice']))
        if 'integrated' in gwant:
            expect_equal(errors, addr + ' integrated', got['integrated'], gwant['integrated'] == 'yes')
        if not got['viable'] and got['blockers']:
            for blocker in got['blockers']:
                if blocker not in got['verdict']:
                    errors.append('%s verdict does not name %s: %s' % (addr, blocker, got['verdict']))
        check_remedies(errors, addr, got, gwant, report)


KINDS = ('cpu-slot', 'firmware', 'own-functions', 'acs-override')


def check_remedies(errors, addr, got, want, report):
    """Every GPU that shares its group says why and what can be done, in order;
    the ACS override only where the kernel carries it; a viable one neither."""
    kinds = [r['kind'] for r in got['remedies']]
    if got['viable']:
        expect_equal(errors, addr + ' why_not_viable', got['why_not_viable'], None)
        expect_equal(errors, addr + ' remedies', kinds, [])
        return
    if not got['why_not_viable']:
        errors.append('%s is not viable but says not why' % addr)
    if got['blockers'] and not kinds:
        errors.append('%s shares its group but offers no remedy' % addr)
    if any(k not in KINDS for k in kinds) or kinds != sorted(kinds, key=KINDS.index):
        errors.append('%s remedies out of order or unknown: %r' % (addr, kinds))
    if any(not r['text'] for r in got['remedies']):
        errors.append('%s has a remedy without text' % addr)
    release = report.get('kernel_release') or ''
    zen_like = any(w in release for w in ('zen', 'lqx', 'liquorix', 'pve', 'cachyos', 'truenas'))
    if ('acs-override' in kinds) != (zen_like and bool(got['blockers'])
                                      and 'pcie_acs_override=' not in report['cmdline']):
        errors.append('%s: ACS override %s on kernel %r' % (addr, 'offered' if 'acs-override' in kinds
                                                              else 'not offered', release))
    if 'remedies' in want:
        expect_equal(errors, addr + ' remedies', kinds, want['remedies'])
    if 'why' in want and want['why'] not in (got['why_not_viable'] or ''):
        errors.append('%s why_not_viable does not say %r: %r' % (addr, want['why'], got['why_not_viable']))


def main(argv):
    binary, hosts_dir, work_dir = argv[1:4]
    failures = 0
    descriptions = sorted(glob.glob(os.path.join(hosts_dir, '*.host')))
    if not descriptions:
        print('no host descriptions in %s' % hosts_dir)
        return 1
    for desc in descriptions:
        name = os.path.basename(desc)[:-len('.host')]
        root = os.path.join(work_dir, name)
        errors = []
        try:
            host = mkhost.parse(desc)
            mkhost.prepare_outdir(root)
            mkhost.build(host, os.path.abspath(root))
            check_list(errors, run_json(binary, '--list', '--json', '--root', root), host)
            expect = os.path.join(hosts_dir, name + '.expect')
            if os.path.exists(expect):
                check_advice(errors, run_json(binary, '--check', '--json', '--root', root), parse_expect(expect))
            else:
                errors.append('no %s.expect: every fixture says what a careful person expects' % name)
        except (AssertionError, mkhost.DescError, ValueError) as e:
            errors.append(str(e))
        if errors:
            failures += 1
            print('FAIL %s' % name)
            for e in errors:
                print('     ' + e)
        else:
            print('ok   %s: %d devices' % (name, len(host.devices)))
    print('%d hosts, %d failed' % (len(descriptions), failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
