#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Write a synthetic host description (tests/hosts format) with N PCI devices.

    genhost.py N DESC

The host is shaped like a large AMD server: per PCI domain a root complex
on bus 00 (host bridge, dummy host bridges, root ports at 00:SS.F), and
behind every root port one card: GPUs with HDMI audio (some with the
Turing USB-C and UCSI functions), 3D accelerators, NICs with 2 or 4
functions, NVMe drives, USB controllers. IOMMU groups hold 1 to 4
devices, group and bus numbers have gaps, drivers are bound. When bus
numbers run out the next domain (0001:, 0002:, ...) starts.

Prints the address of a GPU that --plan can reserve (alone in its group,
not the boot display).
"""

import random
import sys

VENDORS = {
    '1002': 'Advanced Micro Devices, Inc. [AMD/ATI]',
    '1022': 'Advanced Micro Devices, Inc. [AMD]',
    '10de': 'NVIDIA Corporation',
    '144d': 'Samsung Electronics Co Ltd',
    '15b3': 'Mellanox Technologies',
    '1b21': 'ASMedia Technology Inc.',
    '8086': 'Intel Corporation',
}

# (class, vendor:device, driver or None, device name)
HOST_BRIDGE = ('0600', '1022:1480', None, 'Starship/Matisse Root Complex')
DUMMY_BRIDGE = ('0600', '1022:1482', None, 'Starship/Matisse PCIe Dummy Host Bridge')
ROOT_PORT = ('0604', '1022:1483', 'pcieport', 'Starship/Matisse GPP Bridge')
CHIPSET = [
    ('0c05', '1022:790b', 'piix4_smbus', 'FCH SMBus Controller'),
    ('0601', '1022:790e', None, 'FCH LPC Bridge'),
    ('0403', '1022:1487', 'snd_hda_intel', 'Starship/Matisse HD Audio Controller'),
    ('0c03', '1022:149c', 'xhci_hcd', 'Matisse USB 3.0 Host Controller'),
]

# the one card --plan is timed on: its IDs appear nowhere else, since cards
# sharing vendor:device IDs are refused (vfio-pci.ids would take them all)
PLAN_CARD = [
    ('0300', '1002:67df', 'amdgpu', 'Ellesmere [Radeon RX 470/480/570/570X/580/580X/590]'),
    ('0403', '1002:aaf0', 'snd_hda_intel', 'Ellesmere HDMI Audio [Radeon RX 470/480 / 570/580/590]'),
]

CARDS = {
    # name: (weight, [functions], how the card's functions are grouped)
    'gpu-ampere': (3, [
        ('0300', '10de:2204', 'nvidia', 'GA102 [GeForce RTX 3090]'),
        ('0403', '10de:1aef', 'snd_hda_intel', 'GA102 High Definition Audio Controller'),
    ], 'with-port-or-alone'),
    'gpu-navi': (2, [
        ('0300', '1002:73bf', 'amdgpu', 'Navi 21 [Radeon RX 6800/6800 XT / 6900 XT]'),
        ('0403', '1002:ab28', 'snd_hda_intel', 'Navi 21/23 HDMI/DP Audio Controller'),
    ], 'with-port-or-alone'),
    'gpu-turing': (1, [
        ('0300', '10de:1e84', 'nvidia', 'TU104 [GeForce RTX 2070 SUPER]'),
        ('0403', '10de:10f8', 'snd_hda_intel', 'TU104 HD Audio Controller'),
        ('0c03', '10de:1ad8', 'xhci_hcd', 'TU104 USB 3.1 Host Controller'),
        ('0c80', '10de:1ad9', 'nvidia-gpu', 'TU104 USB Type-C UCSI Controller'),
    ], 'alone'),
    'accel-a100': (1, [
        ('0302', '10de:20b5', 'nvidia', 'GA100 [A100 PCIe 80GB]'),
    ], 'with-port'),
    'nic-cx5': (2, [
        ('0200', '15b3:1017', 'mlx5_core', 'MT27800 Family [ConnectX-5]'),
        ('0200', '15b3:1017', 'mlx5_core', 'MT27800 Family [ConnectX-5]'),
    ], 'per-function-or-alone'),
    'nic-i350': (1, [
        ('0200', '8086:1521', 'igb', 'I350 Gigabit Network Connection'),
        ('0200', '8086:1521', 'igb', 'I350 Gigabit Network Connection'),
        ('0200', '8086:1521', 'igb', 'I350 Gigabit Network Connection'),
        ('0200', '8086:1521', 'igb', 'I350 Gigabit Network Connection'),
    ], 'alone'),
    'nvme': (3, [
        ('0108', '144d:a808', 'nvme', 'NVMe SSD Controller SM981/PM981/PM983'),
    ], 'with-port'),
    'usb': (2, [
        ('0c03', '1b21:2142', 'xhci_hcd', 'ASM2142/ASM3142 USB 3.1 Host Controller'),
    ], 'per-function-or-alone'),
}


class Writer:
    def __init__(self, target, rng):
        self.target = target
        self.rng = rng
        self.groups = []          # [(number, [lines])]
        self.count = 0
        self.next_group = 0
        self.boot_vga_given = False
        self.plan_gpu = None

    def group(self, members):
        """members: [(address, (class, ids, driver, name), extra attributes)]"""
        lines = []
        for address, (cls, ids, driver, name), extra in members:
            attrs = [] if driver is None else ['driver=' + driver]
            if cls == '0300' and not self.boot_vga_given:
                attrs.append('boot_vga')
                self.boot_vga_given = True
            attrs += extra
            vendor = VENDORS[ids[:4]]
            lines.append('  %s "%s" "%s"' % (' '.join([address, cls, ids] + attrs), vendor, name))
        self.groups.append((self.next_group, lines))
        self.count += len(members)
        # kernels number groups densely, but hot-plug and ACS quirks leave holes
        self.next_group += 1 + (2 if self.rng.random() < 0.08 else 0)

    def left(self):
        return self.target - self.count


def card_groups(rng, port, port_dev, functions, policy):
    """Split a root port and its card's functions into IOMMU groups."""
    if policy == 'with-port-or-alone':
        policy = 'with-port' if rng.random() < 0.5 else 'alone'
    if policy == 'with-port':
        return [[port] + functions]
    if policy == 'alone':
        return [[port], functions]
    if rng.random() < 0.5:
        return [[port]] + [[f] for f in functions]
    return [[port], functions]


def fill_domain(w, domain):
    rng = w.rng
    w.group([('%04x:00:00.0' % domain, HOST_BRIDGE, [])])
    next_bus = 0x01 + rng.randrange(0, 3)
    slots = [s for s in range(0x01, 0x20) if not (domain == 0 and s in (0x14, 0x18))]
    if domain == 0 and w.left() >= 8:
        w.group([('0000:00:14.%d' % f, CHIPSET[f], []) for f in range(2)])
        w.group([('0000:00:18.%d' % f, CHIPSET[2 + f], []) for f in range(2)])
    names = list(CARDS)
    weights = [CARDS[n][0] for n in names]
    for slot in slots:
        if w.left() <= 0 or next_bus > 0xf8:
            return
        w.group([('%04x:00:%02x.0' % (domain, slot), DUMMY_BRIDGE, [])])
        for function in range(1, 8):
            left = w.left()
            if left <= 0 or next_bus > 0xf8:
                return
            # not every root port has a card behind it
            if rng.random() < 0.1 or left == 1:
                w.group([('%04x:00:%02x.%d' % (domain, slot, function), ROOT_PORT,
                          ['bus=%02x' % next_bus])])
                next_bus += 1
                continue
            name = rng.choices(names, weights)[0]
            _weight, functions, policy = CARDS[name]
            if len(functions) + 1 > left:
                name = 'nvme'
                _weight, functions, policy = CARDS[name]
            plan_card = name.startswith('gpu') and w.plan_gpu is None and w.boot_vga_given
            if plan_card:
                functions, policy = PLAN_CARD, 'alone'
            port = ('%04x:00:%02x.%d' % (domain, slot, function), ROOT_PORT,
                    ['bus=%02x' % next_bus])
            members = [('%04x:%02x:00.%d' % (domain, next_bus, i), f, [])
                       for i, f in enumerate(functions)]
            groups = card_groups(rng, port, None, members, policy)
            if plan_card:
                w.plan_gpu = members[0][0]
            for g in groups:
                w.group(g)
            next_bus += 1 + (rng.randrange(1, 4) if rng.random() < 0.1 else 0)


def generate(n, seed=7):
    rng = random.Random(seed * 100003 + n)
    w = Writer(n, rng)
    domain = 0
    while w.left() > 0:
        fill_domain(w, domain)
        domain += 1
    out = [
        '# Synthetic host for build-aux/bench: %d PCI devices (tests/bench/genhost.py)' % n,
        'name      Synthetic server with %d PCI devices' % n,
        'cpu       amd svm "AMD EPYC 7443P 24-Core Processor"',
        'kernel    6.1.0-13-amd64',
        'cmdline   BOOT_IMAGE=/boot/vmlinuz-6.1.0-13-amd64 root=UUID=5e0c1b8a-77f2-4c4e-9d2a-0b6f3e1d2c3a ro quiet amd_iommu=on iommu=pt',
        'uefi      yes',
        'os        debian "Debian GNU/Linux"',
        'module    kvm loaded',
        'module    kvm_amd loaded',
        'overlay   debian-grub-initramfs',
        'iommu     on',
    ]
    for number, lines in w.groups:
        out.append('group %d' % number)
        out += lines
    return '\n'.join(out) + '\n', w.plan_gpu, w.count


def main(argv):
    if len(argv) != 3 or not argv[1].isdigit() or int(argv[1]) < 16:
        sys.stderr.write('usage: genhost.py N DESC   (N >= 16)\n')
        return 2
    text, plan_gpu, count = generate(int(argv[1]))
    assert count == int(argv[1]), count
    with open(argv[2], 'w', encoding='utf-8') as f:
        f.write(text)
    print(plan_gpu or '')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
