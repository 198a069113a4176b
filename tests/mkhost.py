#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Build a fake root tree in the Linux kernel's shape from a host description.

    mkhost.py DESC OUTDIR

DESC is a tests/hosts/NAME.host file (format: tests/hosts/README.md).
OUTDIR is created, or replaced if it holds an earlier mkhost tree.
A mistake in DESC exits 1 with "DESC:LINE: message" on stderr.
Standard library only, so it runs with any python3 >= 3.7.
"""

import os
import re
import shlex
import shutil
import struct
import sys

MARKER = '.mkhost-root'
# The Boot Loader Interface's vendor GUID (systemd-boot, GRUB's bli, Limine)
LOADER_GUID = '4a67b082-0a4c-41cf-b6c7-440b29bb8c4f'

ADDR_RE = re.compile(r'^([0-9a-f]{4}):([0-9a-f]{2}):([0-1][0-9a-f])\.([0-7])$')
IDS_RE = re.compile(r'^([0-9a-f]{4}):([0-9a-f]{4})$')
CLASS_RE = re.compile(r'^[0-9a-f]{4}([0-9a-f]{2})?$')
UUID_RE = re.compile(r'^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
NAME_RE = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.+-]*$')
COMMENT_RE = re.compile(r'\s+#.*$')

# Default programming interfaces, so `class` reads like the kernel's
# (0x0c0330 for an xHCI controller, 0x010802 for NVMe, ...).
DEFAULT_PROG_IF = {
    0x0106: 0x01,
    0x0108: 0x02,
    0x0c03: 0x30,
}

# Subsystem vendors commonly seen on GPUs and boards, so `sub=1458:...`
# shows a board maker's name without repeating it in every description.
KNOWN_VENDORS = {
    0x1002: 'Advanced Micro Devices, Inc. [AMD/ATI]',
    0x1022: 'Advanced Micro Devices, Inc. [AMD]',
    0x1025: 'Acer Incorporated [ALI]',
    0x1028: 'Dell',
    0x103c: 'Hewlett-Packard Company',
    0x1043: 'ASUSTeK Computer Inc.',
    0x10de: 'NVIDIA Corporation',
    0x10ec: 'Realtek Semiconductor Co., Ltd.',
    0x144d: 'Samsung Electronics Co Ltd',
    0x1458: 'Gigabyte Technology Co., Ltd',
    0x1462: 'Micro-Star International Co., Ltd. [MSI]',
    0x148c: 'Tul Corporation / PowerColor',
    0x1558: 'CLEVO/KAPOK Computer',
    0x15d9: 'Super Micro Computer Inc',
    0x1682: 'XFX Pine Group Inc.',
    0x174b: 'PC Partner Limited / Sapphire Technology',
    0x17aa: 'Lenovo',
    0x1849: 'ASRock Incorporation',
    0x19da: 'ZOTAC International (MCO) Ltd.',
    0x1b21: 'ASMedia Technology Inc.',
    0x1da2: 'Sapphire Technology Limited',
    0x3842: 'eVga.com. Corp.',
    0x8086: 'Intel Corporation',
}

# The class section of pci.ids (subclasses, and the programming
# interfaces lspci -v names for the classes our hosts use).
PCI_CLASSES = """\
C 00  Unclassified device
\t00  Non-VGA unclassified device
\t01  VGA compatible unclassified device
C 01  Mass storage controller
\t00  SCSI storage controller
\t01  IDE interface
\t04  RAID bus controller
\t05  ATA controller
\t06  SATA controller
\t\t00  Vendor specific
\t\t01  AHCI 1.0
\t07  Serial Attached SCSI controller
\t08  Non-Volatile memory controller
\t\t01  NVMHCI
\t\t02  NVM Express
\t80  Mass storage controller
C 02  Network controller
\t00  Ethernet controller
\t07  Infiniband controller
\t80  Network controller
C 03  Display controller
\t00  VGA compatible controller
\t\t00  VGA controller
\t\t01  8514 controller
\t01  XGA compatible controller
\t02  3D controller
\t80  Display controller
C 04  Multimedia controller
\t00  Multimedia video controller
\t01  Multimedia audio controller
\t02  Computer telephony device
\t03  Audio device
\t80  Multimedia controller
C 05  Memory controller
\t00  RAM memory
\t01  FLASH memory
\t02  CXL
\t80  Memory controller
C 06  Bridge
\t00  Host bridge
\t01  ISA bridge
\t02  EISA bridge
\t04  PCI bridge
\t\t00  Normal decode
\t\t01  Subtractive decode
\t07  CardBus bridge
\t09  Semi-transparent PCI-to-PCI bridge
\t80  Bridge
C 07  Communication controller
\t00  Serial controller
\t01  Parallel controller
\t03  Modem
\t80  Communication controller
C 08  Generic system peripheral
\t00  PIC
\t01  DMA controller
\t02  Timer
\t03  RTC
\t04  PCI Hot-plug controller
\t05  SD Host controller
\t06  IOMMU
\t80  System peripheral
C 09  Input device controller
\t00  Keyboard controller
\t80  Input device controller
C 0a  Docking station
\t00  Generic Docking Station
C 0b  Processor
\t40  Co-processor
C 0c  Serial bus controller
\t00  FireWire (IEEE 1394)
\t03  USB controller
\t\t00  UHCI
\t\t10  OHCI
\t\t20  EHCI
\t\t30  XHCI
\t\tfe  USB Device
\t04  Fibre Channel
\t05  SMBus
\t07  IPMI Interface
\t80  Serial bus controller
C 0d  Wireless controller
\t11  Bluetooth
\t80  Wireless controller
C 10  Encryption controller
\t00  Network and computing encryption device
\t80  Encryption controller
C 11  Signal processing controller
\t01  Performance counters
\t80  Signal processing controller
C 12  Processing accelerators
\t00  Processing accelerators
C 13  Non-Essential Instrumentation
C ff  Unassigned class
"""

# The kernel's reset method names (drivers/pci/pci.c), as reset_method shows them.
RESET_METHODS = ('device_specific', 'acpi', 'flr', 'af_flr', 'pm', 'bus', 'cxl_bus')

# What a device's sysfs `rom` gives when read (see option_rom()).
ROM_KINDS = ('valid', 'bad-signature', 'wrong-vendor', 'bad-checksum', 'empty')

# Where modules.builtin lists a module (the kernel's own paths).
BUILTIN_PATHS = {
    'vfio': 'kernel/drivers/vfio/vfio.ko',
    'vfio_pci': 'kernel/drivers/vfio/pci/vfio-pci.ko',
    'vfio_pci_core': 'kernel/drivers/vfio/pci/vfio-pci-core.ko',
    'vfio_iommu_type1': 'kernel/drivers/vfio/vfio_iommu_type1.ko',
    'vfio_virqfd': 'kernel/drivers/vfio/vfio_virqfd.ko',
    'kvm': 'kernel/arch/x86/kvm/kvm.ko',
    'kvm_intel': 'kernel/arch/x86/kvm/kvm-intel.ko',
    'kvm_amd': 'kernel/arch/x86/kvm/kvm-amd.ko',
    'kvmgt': 'kernel/drivers/gpu/drm/i915/kvmgt.ko',
}

INTEL_FLAGS = (
    'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 '
    'clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp '
    'lm constant_tsc art arch_perfmon pebs bts rep_good nopl xtopology '
    'nonstop_tsc cpuid aperfmperf pni pclmulqdq dtes64 monitor ds_cpl VIRT est '
    'tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt '
    'tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch '
    'cpuid_fault epb invpcid_single pti ssbd ibrs ibpb stibp fsgsbase '
    'tsc_adjust bmi1 hle avx2 smep bmi2 erms invpcid rtm mpx rdseed adx smap '
    'clflushopt intel_pt xsaveopt xsavec xgetbv1 xsaves dtherm ida arat pln '
    'pts hwp hwp_notify hwp_act_window hwp_epp md_clear flush_l1d '
    'arch_capabilities')
INTEL_VMX_FLAGS = (
    'vnmi preemption_timer invvpid ept_x_only ept_ad ept_1gb flexpriority '
    'tsc_offset vtpr mtf vapic ept vpid unrestricted_guest ple pml')
AMD_FLAGS = (
    'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 '
    'clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm '
    'constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid aperfmperf rapl '
    'pni pclmulqdq monitor ssse3 fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave '
    'avx f16c rdrand lahf_lm cmp_legacy VIRT extapic cr8_legacy abm sse4a '
    'misalignsse 3dnowprefetch osvw ibs skinit wdt tce topoext perfctr_core '
    'perfctr_nb bpext perfctr_llc mwaitx cpb cat_l3 cdp_l3 hw_pstate ssbd mba '
    'ibpb stibp vmmcall fsgsbase bmi1 avx2 smep bmi2 cqm rdt_a rdseed adx smap '
    'clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves cqm_llc '
    'cqm_occup_llc cqm_mbm_total cqm_mbm_local clzero irperf xsaveerptr rdpru '
    'wbnoinvd arat npt lbrv svm_lock nrip_save tsc_scale vmcb_clean '
    'flushbyasid decodeassists pausefilter pfthreshold avic v_vmsave_vmload '
    'vgif v_spec_ctrl umip rdpid overflow_recov succor smca')
OTHER_FLAGS = (
    'fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 '
    'clflush acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx rdtscp lm '
    'constant_tsc rep_good nopl cpuid pni monitor VIRT est tm2 ssse3 cx16 '
    'xtpr sse4_1 sse4_2 popcnt aes lahf_lm')


class DescError(Exception):
    def __init__(self, line, message):
        super().__init__(message)
        self.line = line
        self.message = message


class Device:
    def __init__(self, line):
        self.line = line
        self.addr = None
        self.domain = self.bus = self.slot = self.func = 0
        self.cls = 0
        self.vendor = self.device = 0
        self.rev = 0
        self.subvendor = self.subdevice = 0
        self.driver = None
        self.boot_vga = False
        self.irq = None
        self.secondary = None
        self.subordinate = None
        self.vendor_name = None
        self.device_name = None
        self.subsys_name = None
        self.group = None
        self.parent = None
        self.multifunction = False
        self.slot_name = None
        self.reset_methods = None  # None: no reset_method file; [] an empty one
        self.rom = None            # None: no rom file; else a kind of ROM_KINDS

    @property
    def is_bridge(self):
        return self.cls >> 8 == 0x0604

    @property
    def is_vga(self):
        return self.cls >> 8 == 0x0300


class Host:
    def __init__(self):
        self.name = None
        self.cpu = None          # (vendor, virtualization, model name)
        self.kernel = None
        self.cmdline = None
        self.uefi = False
        self.os = None           # (ID, NAME, ID_LIKE or None)
        self.iommu = None
        self.modules = []        # (name, 'loaded'|'builtin')
        self.overlays = []       # directory paths
        self.efivars = []        # (name, value, line)
        self.groups = {}         # number -> [Device]
        self.devices = []        # every device, in description order
        self.mdevs = []          # (group, uuid, parent Device or None)
        self.base_overlays = []  # overlays that came from a base host


def rest_of_line(raw, keyword):
    text = raw.strip()[len(keyword):]
    return COMMENT_RE.sub('', text).strip()


def parse_device(tokens, lineno):
    dev = Device(lineno)
    if len(tokens) < 3:
        raise DescError(lineno, 'a device line needs ADDRESS CLASS VENDOR:DEVICE')
    addr, cls, ids = tokens[0], tokens[1], tokens[2]
    m = ADDR_RE.match(addr)
    if not m:
        raise DescError(lineno, "'%s' is not a PCI address like 0000:01:00.0" % addr)
    dev.addr = addr
    dev.domain, dev.bus, dev.slot, dev.func = (int(g, 16) for g in m.groups())
    if not CLASS_RE.match(cls):
        raise DescError(lineno, "'%s' is not a class code like 0300 or 0c0330" % cls)
    if len(cls) == 4:
        dev.cls = (int(cls, 16) << 8) | DEFAULT_PROG_IF.get(int(cls, 16), 0)
    else:
        dev.cls = int(cls, 16)
    m = IDS_RE.match(ids)
    if not m:
        raise DescError(lineno, "'%s' is not a vendor:device pair like 10de:1401" % ids)
    dev.vendor, dev.device = int(m.group(1), 16), int(m.group(2), 16)

    rest = tokens[3:]
    while rest:
        token = rest[0]
        if token == 'boot_vga':
            dev.boot_vga = True
        elif re.match(r'^[a-z_]+=', token):
            key, value = token.split('=', 1)
            if key == 'rev':
                if not re.match(r'^[0-9a-f]{2}$', value):
                    raise DescError(lineno, "rev=%s: want two hex digits" % value)
                dev.rev = int(value, 16)
            elif key == 'sub':
                m = IDS_RE.match(value)
                if not m:
                    raise DescError(lineno, "sub=%s: want VENDOR:DEVICE in hex" % value)
                dev.subvendor, dev.subdevice = int(m.group(1), 16), int(m.group(2), 16)
            elif key == 'driver':
                if not NAME_RE.match(value):
                    raise DescError(lineno, "driver=%s: not a driver name" % value)
                dev.driver = value
            elif key == 'irq':
                if not value.isdigit():
                    raise DescError(lineno, "irq=%s: want a number" % value)
                dev.irq = int(value)
            elif key == 'slot':
                if not NAME_RE.match(value):
                    raise DescError(lineno, "slot=%s: not a slot name (letters, digits, . _ + -)" % value)
                dev.slot_name = value
            elif key == 'reset':
                methods = value.split(',') if value else []
                bad = [m for m in methods if m not in RESET_METHODS]
                if bad:
                    raise DescError(lineno, "reset=%s: '%s' is not a kernel reset method (%s)"
                                    % (value, bad[0], ', '.join(RESET_METHODS)))
                dev.reset_methods = methods
            elif key == 'rom':
                if value not in ROM_KINDS:
                    raise DescError(lineno, "rom=%s: want one of %s" % (value, ', '.join(ROM_KINDS)))
                dev.rom = value
            elif key == 'bus':
                m = re.match(r'^([0-9a-f]{2})(?:-([0-9a-f]{2}))?$', value)
                if not m:
                    raise DescError(lineno, "bus=%s: want a secondary bus like 01 or 01-05" % value)
                dev.secondary = int(m.group(1), 16)
                dev.subordinate = int(m.group(2) or m.group(1), 16)
                if dev.subordinate < dev.secondary:
                    raise DescError(lineno, "bus=%s: subordinate bus below secondary bus" % value)
            else:
                raise DescError(lineno, "unknown device attribute '%s'" % key)
        else:
            break
        rest = rest[1:]

    if not rest:
        raise DescError(lineno, 'the device needs a quoted vendor name')
    if len(rest) > 3:
        raise DescError(lineno, "too many names (want \"VENDOR\" [\"DEVICE\" [\"SUBSYSTEM\"]]): '%s'" % rest[3])
    for name in rest:
        if not name or '\n' in name or '\t' in name:
            raise DescError(lineno, 'names must be non-empty single-line text')
    dev.vendor_name = rest[0]
    dev.device_name = rest[1] if len(rest) > 1 else None
    dev.subsys_name = rest[2] if len(rest) > 2 else None

    if dev.boot_vga and not dev.is_vga:
        raise DescError(lineno, 'boot_vga is only for VGA compatible controllers (class 0300)')
    if dev.secondary is not None and not dev.is_bridge:
        raise DescError(lineno, 'bus= is only for PCI bridges (class 0604)')
    if dev.slot_name is not None and dev.secondary is None:
        raise DescError(lineno, 'slot= is only for a PCI bridge with bus= (the slot is the bus behind it)')
    if dev.subsys_name and not dev.subvendor:
        raise DescError(lineno, 'a subsystem name needs sub=VENDOR:DEVICE')
    return dev


def parse_base(path, lineno, args, first, bases):
    """The host of `base NAME`: NAME.host beside PATH, parsed whole."""
    if not first:
        raise DescError(lineno, 'base must come before everything else')
    if len(args) != 1 or not NAME_RE.match(args[0]):
        raise DescError(lineno, 'base needs one host name')
    base_path = os.path.join(os.path.dirname(os.path.abspath(path)), args[0] + '.host')
    if base_path in bases:
        raise DescError(lineno, 'base %s includes itself' % args[0])
    try:
        return parse(base_path, bases | {os.path.abspath(path)})
    except DescError as e:
        raise DescError(lineno, 'base %s: line %d: %s' % (args[0], e.line, e.message))
    except OSError as e:
        raise DescError(lineno, 'base %s: %s' % (args[0], e.strerror or e))


def parse(path, bases=frozenset()):
    host = Host()
    seen = {}
    section = None          # group number, 'ungrouped' or None
    by_addr = {}
    based = False           # the overlays and modules came from a base, not yet replaced
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    lineno = 0
    first = True
    replaceable = set()     # singletons a base gave, which this file may give again
    for lineno, raw in enumerate(lines, 1):
        stripped = raw.strip()
        if not stripped or stripped.startswith('#'):
            continue
        try:
            tokens = shlex.split(raw, comments=True)
        except ValueError as e:
            raise DescError(lineno, str(e).lower())
        if not tokens:
            continue
        keyword = tokens[0]
        args = tokens[1:]
        if keyword == 'base':
            host = parse_base(path, lineno, args, first, bases)
            host.base_overlays = list(host.overlays)
            by_addr = {dev.addr: dev for dev in host.devices}
            based = True
            seen.update({k: lineno for k in ('name', 'cpu', 'kernel', 'cmdline', 'iommu')})
            replaceable = set(seen)
            first = False
            continue
        first = False

        if ADDR_RE.match(keyword) or re.match(r'^[0-9a-fA-F]+:', keyword):
            if section is None:
                raise DescError(lineno, "device '%s' outside a 'group N' or 'ungrouped' section" % keyword)
            dev = parse_device(tokens, lineno)
            if dev.addr in by_addr:
                raise DescError(lineno, '%s is already described on line %d' % (dev.addr, by_addr[dev.addr].line))
            by_addr[dev.addr] = dev
            if section != 'ungrouped':
                dev.group = section
                host.groups[section].append(dev)
            host.devices.append(dev)
            continue

        singletons = ('name', 'cpu', 'kernel', 'cmdline', 'uefi', 'os', 'iommu')
        if keyword in singletons:
            if keyword in replaceable:
                replaceable.discard(keyword)
                seen.pop(keyword, None)
            if keyword in seen:
                raise DescError(lineno, "'%s' is already given on line %d" % (keyword, seen[keyword]))
            seen[keyword] = lineno

        if keyword == 'name':
            host.name = rest_of_line(raw, 'name')
            if not host.name:
                raise DescError(lineno, 'name needs a text')
        elif keyword == 'cpu':
            if len(args) != 3:
                raise DescError(lineno, 'cpu needs VENDOR VIRT "MODEL NAME"')
            vendor, virt, model = args
            if vendor not in ('intel', 'amd', 'other'):
                raise DescError(lineno, "cpu vendor '%s': want intel, amd or other" % vendor)
            if virt not in ('vmx', 'svm', 'none'):
                raise DescError(lineno, "cpu virtualization '%s': want vmx, svm or none" % virt)
            if (vendor, virt) in (('intel', 'svm'), ('amd', 'vmx')):
                raise DescError(lineno, '%s CPUs do not have %s' % (vendor, virt))
            host.cpu = (vendor, virt, model)
        elif keyword == 'kernel':
            if len(args) != 1 or not re.match(r'^[A-Za-z0-9._+-]+$', args[0]):
                raise DescError(lineno, 'kernel needs one release string like 6.6.8-arch1-1')
            host.kernel = args[0]
        elif keyword == 'cmdline':
            host.cmdline = rest_of_line(raw, 'cmdline')
        elif keyword == 'uefi':
            if args not in (['yes'], ['no']):
                raise DescError(lineno, 'uefi: want yes or no')
            host.uefi = args[0] == 'yes'
        elif keyword == 'os':
            if len(args) not in (2, 3) or not NAME_RE.match(args[0]):
                raise DescError(lineno, 'os needs ID "NAME" [ID_LIKE]')
            host.os = (args[0], args[1], args[2] if len(args) == 3 else None)
        elif keyword == 'iommu':
            if args not in (['on'], ['off']):
                raise DescError(lineno, 'iommu: want on or off')
            host.iommu = args[0] == 'on'
        elif keyword == 'module':
            if len(args) != 2 or args[1] not in ('loaded', 'builtin'):
                raise DescError(lineno, 'module needs NAME loaded|builtin')
            if not NAME_RE.match(args[0]) or '-' in args[0]:
                raise DescError(lineno, "module name '%s': use the kernel's underscore form" % args[0])
            if based:
                # a variant lists its own modules
                host.modules = []
                based = False
            if any(m[0] == args[0] for m in host.modules):
                raise DescError(lineno, "module '%s' is already listed" % args[0])
            host.modules.append((args[0], args[1]))
        elif keyword == 'efivar':
            if len(args) != 2 or not re.match(r'^[A-Za-z][A-Za-z0-9]*$', args[0]):
                raise DescError(lineno, 'efivar needs NAME "VALUE" (a Boot Loader Interface variable)')
            if any(v[0] == args[0] for v in host.efivars):
                raise DescError(lineno, "efivar '%s' is already given" % args[0])
            host.efivars.append((args[0], args[1], lineno))
        elif keyword == 'overlay':
            if len(args) != 1 or not NAME_RE.match(args[0]):
                raise DescError(lineno, 'overlay needs one overlay name')
            overlay = os.path.join(os.path.dirname(os.path.abspath(path)), 'overlays', args[0])
            if not os.path.isdir(overlay):
                raise DescError(lineno, "no overlay directory '%s'" % overlay)
            if host.overlays and any(o in host.base_overlays for o in host.overlays):
                # a variant's overlays replace its base's
                host.overlays = [o for o in host.overlays if o not in host.base_overlays]
                host.base_overlays = []
            host.overlays.append(overlay)
        elif keyword == 'group':
            if len(args) != 1 or not args[0].isdigit():
                raise DescError(lineno, 'group needs a number')
            number = int(args[0])
            if number in host.groups:
                raise DescError(lineno, 'group %d is already declared' % number)
            host.groups[number] = []
            section = number
        elif keyword == 'ungrouped':
            if args:
                raise DescError(lineno, 'ungrouped takes no arguments')
            section = 'ungrouped'
        elif keyword == 'mdev':
            if len(args) not in (2, 3) or not args[0].isdigit():
                raise DescError(lineno, 'mdev needs GROUP UUID [PARENT-ADDRESS]')
            if not UUID_RE.match(args[1]):
                raise DescError(lineno, "'%s' is not a lower-case UUID" % args[1])
            parent = None
            if len(args) == 3:
                parent = by_addr.get(args[2])
                if parent is None:
                    raise DescError(lineno, 'mdev parent %s is not described above' % args[2])
            host.mdevs.append((int(args[0]), args[1], parent, lineno))
        else:
            raise DescError(lineno, "unknown keyword '%s'" % keyword)

    end = max(lineno, 1)
    for keyword in ('name', 'cpu', 'kernel', 'cmdline', 'iommu'):
        if keyword not in seen:
            raise DescError(end, "no '%s' line" % keyword)
    if not host.iommu:
        if host.groups:
            raise DescError(seen['iommu'], 'iommu is off, so there can be no groups (use ungrouped)')
        if host.mdevs:
            raise DescError(host.mdevs[0][3], 'iommu is off, so there can be no mdev entries')
    uuids = set()
    for group, uuid, _parent, line in host.mdevs:
        if uuid in uuids:
            raise DescError(line, 'mdev %s is listed twice' % uuid)
        uuids.add(uuid)
    if host.efivars and not host.uefi:
        raise DescError(host.efivars[0][2], 'efivar needs uefi yes')
    check_consistency(host)
    return host


def check_consistency(host):
    vendors, devices, subsystems = {}, {}, {}
    boot_vga = None
    for dev in host.devices:
        old = vendors.setdefault(dev.vendor, (dev.vendor_name, dev.line))
        if old[0] != dev.vendor_name:
            raise DescError(dev.line, "vendor %04x is named '%s' on line %d" % (dev.vendor, old[0], old[1]))
        if dev.device_name is not None:
            key = (dev.vendor, dev.device)
            old = devices.setdefault(key, (dev.device_name, dev.line))
            if old[0] != dev.device_name:
                raise DescError(dev.line, "device %04x:%04x is named '%s' on line %d" % (key + old))
        if dev.subsys_name is not None:
            key = (dev.vendor, dev.device, dev.subvendor, dev.subdevice)
            old = subsystems.setdefault(key, (dev.subsys_name, dev.line))
            if old[0] != dev.subsys_name:
                raise DescError(dev.line, "subsystem %04x:%04x is named '%s' on line %d"
                                % (dev.subvendor, dev.subdevice, old[0], old[1]))
        if dev.boot_vga:
            if boot_vga is not None:
                raise DescError(dev.line, 'boot_vga is already on %s (line %d)' % (boot_vga.addr, boot_vga.line))
            boot_vga = dev

    bridges = {}
    for dev in host.devices:
        if dev.secondary is None:
            continue
        key = (dev.domain, dev.secondary)
        if key in bridges:
            raise DescError(dev.line, 'bus %02x is already behind %s' % (dev.secondary, bridges[key].addr))
        if dev.secondary <= dev.bus:
            raise DescError(dev.line, 'bus=%02x must be above the bridge\'s own bus %02x' % (dev.secondary, dev.bus))
        bridges[key] = dev
    for dev in host.devices:
        dev.parent = bridges.get((dev.domain, dev.bus))
    slot_names = {}
    for dev in host.devices:
        if dev.slot_name is None:
            continue
        if dev.slot_name in slot_names:
            raise DescError(dev.line, 'slot %s is already on %s' % (dev.slot_name, slot_names[dev.slot_name].addr))
        slot_names[dev.slot_name] = dev
    slots = {}
    for dev in host.devices:
        slots.setdefault((dev.domain, dev.bus, dev.slot), []).append(dev)
    for functions in slots.values():
        for dev in functions:
            dev.multifunction = len(functions) > 1 or dev.func > 0


# ---------------------------------------------------------------- writing

def write(root, relpath, content, mode=0o644):
    path = os.path.join(root, relpath)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = content.encode('utf-8') if isinstance(content, str) else content
    with open(path, 'wb') as f:
        f.write(data)
    os.chmod(path, mode)


def link(root, relpath, target_relpath):
    """A relative symlink at ROOT/relpath pointing at ROOT/target_relpath."""
    path = os.path.join(root, relpath)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    target = os.path.relpath(os.path.join(root, target_relpath), os.path.dirname(path))
    os.symlink(target, path)


def device_dir(dev):
    """sys/devices/pciDDDD:BB/[bridge/...]ADDR, nested under the bridges that declare bus=."""
    chain = []
    node = dev
    while node is not None:
        if node in chain:
            raise DescError(dev.line, 'bridges form a loop around %s' % dev.addr)
        chain.append(node)
        node = node.parent
    top = chain[-1]
    parts = ['sys', 'devices', 'pci%04x:%02x' % (top.domain, top.bus)]
    parts += [d.addr for d in reversed(chain)]
    return os.path.join(*parts)


def config_space(dev, bar):
    cfg = bytearray(256)
    struct.pack_into('<HH', cfg, 0x00, dev.vendor, dev.device)
    command = 0x0007 if (dev.driver or dev.is_bridge) else 0x0003
    struct.pack_into('<HH', cfg, 0x04, command, 0x0010)  # status: capability list
    cfg[0x08] = dev.rev
    cfg[0x09] = dev.cls & 0xff
    cfg[0x0a] = (dev.cls >> 8) & 0xff
    cfg[0x0b] = (dev.cls >> 16) & 0xff
    cfg[0x0c] = 0x10
    header_type = 1 if dev.is_bridge else 0
    cfg[0x0e] = header_type | (0x80 if dev.multifunction else 0)
    cfg[0x34] = 0x40
    cfg[0x3c] = (dev.irq or 0) & 0xff
    cfg[0x3d] = 0x01
    # Power management capability, the one nearly every function has.
    cfg[0x40] = 0x01
    struct.pack_into('<HH', cfg, 0x42, 0x0003, 0x0008)
    if header_type == 1:
        cfg[0x18] = dev.bus
        cfg[0x19] = dev.secondary or 0
        cfg[0x1a] = dev.subordinate or 0
        cfg[0x1c], cfg[0x1d] = 0xf0, 0x00      # I/O window closed
        struct.pack_into('<HH', cfg, 0x20, 0xfff0, 0x0000)  # memory window closed
        struct.pack_into('<HH', cfg, 0x24, 0xfff1, 0x0001)  # prefetchable window closed
        if dev.subvendor or dev.subdevice:
            cfg[0x41] = 0x50
            cfg[0x50] = 0x0d                   # bridge subsystem vendor id capability
            struct.pack_into('<HH', cfg, 0x54, dev.subvendor, dev.subdevice)
    else:
        struct.pack_into('<I', cfg, 0x10, bar)  # 32-bit non-prefetchable memory BAR
        struct.pack_into('<HH', cfg, 0x2c, dev.subvendor, dev.subdevice)
    return bytes(cfg)


def option_rom(dev, kind='valid'):
    """An expansion ROM as the kernel's sysfs `rom` reads it: a legacy x86
    image and a UEFI image, each with its PCI data structure (PCIR), padded
    to 4 KiB. KIND spoils it on purpose: `bad-signature` (no 0x55AA),
    `wrong-vendor` (another vendor in PCIR), `bad-checksum` (the legacy
    image does not sum to 0), `empty` (nothing to read)."""
    if kind == 'empty':
        return b''
    vendor = dev.vendor
    if kind == 'wrong-vendor':
        vendor = 0x10de if dev.vendor != 0x10de else 0x1002

    def image(code_type, blocks, last):
        data = bytearray(blocks * 512)
        data[0:2] = b'\x55\xaa'
        if code_type == 0:
            data[2] = blocks                   # legacy: size in 512-byte blocks
            data[3:6] = b'\xeb\x4b\x90'        # jump over the header
        else:
            struct.pack_into('<HIHH', data, 0x02, blocks, 0x0ef1, 0x0b, 0x8664)
        pcir = 0x40
        struct.pack_into('<H', data, 0x18, pcir)
        data[pcir:pcir + 4] = b'PCIR'
        struct.pack_into('<HHHHB', data, pcir + 4, vendor, dev.device, 0, 0x18, 0)
        data[pcir + 0x0d] = dev.cls & 0xff
        data[pcir + 0x0e] = (dev.cls >> 8) & 0xff
        data[pcir + 0x0f] = (dev.cls >> 16) & 0xff
        struct.pack_into('<HHBB', data, pcir + 0x10, blocks, 1, code_type, 0x80 if last else 0)
        data[0x60:0x60 + 20] = b'PassthroughPrep test'
        if code_type == 0:
            data[-1] = (-sum(data[:-1])) & 0xff
        return data

    legacy = image(0, 2, False)
    if kind == 'bad-checksum':
        legacy[0x80] ^= 0x01
    if kind == 'bad-signature':
        legacy[0:2] = b'\x00\x00'
    rom = bytes(legacy + image(3, 2, True))
    return rom + bytes(4096 - len(rom))


def resource_file(dev, bar):
    # The kernel prints 13 lines (6 BARs, ROM, 6 IOV) for an endpoint and
    # 17 for a bridge (plus its 4 windows).
    lines = 17 if dev.is_bridge else 13
    rows = []
    for i in range(lines):
        if i == 0 and not dev.is_bridge:
            rows.append((bar, bar + 0xfffff, 0x40200))
        else:
            rows.append((0, 0, 0))
    return ''.join('0x%016x 0x%016x 0x%016x\n' % row for row in rows)


def build_pci_tree(host, root):
    os.makedirs(os.path.join(root, 'sys', 'bus', 'pci', 'devices'))
    os.makedirs(os.path.join(root, 'sys', 'bus', 'pci', 'drivers'))
    os.makedirs(os.path.join(root, 'sys', 'kernel', 'iommu_groups'))
    drivers = set()
    for name, _state in host.modules:
        if name == 'vfio_pci':
            drivers.add('vfio-pci')
    for index, dev in enumerate(host.devices):
        ddir = device_dir(dev)
        bar = 0xc0000000 + (index % 1024) * 0x100000  # stays a 32-bit address on big trees
        irq = dev.irq if dev.irq is not None else 16 + index % 16
        dev.irq = irq
        cls_text = '0x%06x\n' % dev.cls
        files = {
            'vendor': '0x%04x\n' % dev.vendor,
            'device': '0x%04x\n' % dev.device,
            'subsystem_vendor': '0x%04x\n' % dev.subvendor,
            'subsystem_device': '0x%04x\n' % dev.subdevice,
            'class': cls_text,
            'revision': '0x%02x\n' % dev.rev,
            'irq': '%d\n' % irq,
            'enable': '1\n',
            'driver_override': '(null)\n',
            'resource': resource_file(dev, bar),
            'modalias': 'pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X\n' % (
                dev.vendor, dev.device, dev.subvendor, dev.subdevice,
                dev.cls >> 16, (dev.cls >> 8) & 0xff, dev.cls & 0xff),
        }
        uevent = ''
        if dev.driver:
            uevent += 'DRIVER=%s\n' % dev.driver
        uevent += 'PCI_CLASS=%X\nPCI_ID=%04X:%04X\nPCI_SUBSYS_ID=%04X:%04X\nPCI_SLOT_NAME=%s\nMODALIAS=%s' % (
            dev.cls, dev.vendor, dev.device, dev.subvendor, dev.subdevice, dev.addr, files['modalias'])
        files['uevent'] = uevent
        if dev.is_vga:
            files['boot_vga'] = '1\n' if dev.boot_vga else '0\n'
        if dev.reset_methods is not None:
            files['reset_method'] = ' '.join(dev.reset_methods) + '\n' if dev.reset_methods else '\n'
        for fname, content in files.items():
            write(root, os.path.join(ddir, fname), content)
        write(root, os.path.join(ddir, 'config'), config_space(dev, bar))
        if dev.reset_methods:
            write(root, os.path.join(ddir, 'reset'), '', 0o200)
        if dev.rom is not None:
            write(root, os.path.join(ddir, 'rom'), option_rom(dev, dev.rom), 0o600)
        link(root, os.path.join(ddir, 'subsystem'), 'sys/bus/pci')
        link(root, os.path.join('sys', 'bus', 'pci', 'devices', dev.addr), ddir)
        if dev.driver:
            drivers.add(dev.driver)
            driver_dir = os.path.join('sys', 'bus', 'pci', 'drivers', dev.driver)
            link(root, os.path.join(ddir, 'driver'), driver_dir)
            link(root, os.path.join(driver_dir, dev.addr), ddir)
        if host.iommu and dev.group is not None:
            group_dir = os.path.join('sys', 'kernel', 'iommu_groups', str(dev.group))
            link(root, os.path.join(ddir, 'iommu_group'), group_dir)
            link(root, os.path.join(group_dir, 'devices', dev.addr), ddir)
    for dev in host.devices:
        if dev.slot_name is not None:
            # a hot-plug port's slot: the bus behind it, device 00, no function
            slot_dir = os.path.join('sys', 'bus', 'pci', 'slots', dev.slot_name)
            write(root, os.path.join(slot_dir, 'address'), '%04x:%02x:00\n' % (dev.domain, dev.secondary))
            write(root, os.path.join(slot_dir, 'max_bus_speed'), '16.0 GT/s PCIe\n')
            write(root, os.path.join(slot_dir, 'cur_bus_speed'), '16.0 GT/s PCIe\n')
    write(root, 'sys/bus/pci/drivers_probe', '', 0o200)
    write(root, 'sys/bus/pci/rescan', '', 0o200)
    for driver in drivers:
        driver_dir = os.path.join(root, 'sys', 'bus', 'pci', 'drivers', driver)
        os.makedirs(driver_dir, exist_ok=True)
        for fname in ('bind', 'unbind', 'new_id', 'remove_id', 'uevent'):
            write(root, os.path.join(driver_dir, fname), '', 0o200)

    if host.iommu and host.cpu[0] in ('intel', 'amd'):
        unit = 'dmar0' if host.cpu[0] == 'intel' else 'ivhd0'
        write(root, os.path.join('sys', 'devices', 'virtual', 'iommu', unit, 'uevent'), '')
        link(root, os.path.join('sys', 'class', 'iommu', unit), os.path.join('sys', 'devices', 'virtual', 'iommu', unit))
    if host.iommu:
        domain_type = 'identity' if 'iommu=pt' in host.cmdline.split() else 'DMA-FQ'
        for number in set(host.groups) | {m[0] for m in host.mdevs}:
            group_dir = os.path.join('sys', 'kernel', 'iommu_groups', str(number))
            os.makedirs(os.path.join(root, group_dir, 'devices'), exist_ok=True)
            write(root, os.path.join(group_dir, 'type'), domain_type + '\n')
            write(root, os.path.join(group_dir, 'reserved_regions'),
                  '0x00000000fee00000 0x00000000feefffff msi\n')
        for number, uuid, parent, _line in host.mdevs:
            if parent is not None:
                mdev_dir = os.path.join(device_dir(parent), uuid)
            else:
                mdev_dir = os.path.join('sys', 'devices', 'virtual', 'mdev', uuid)
            group_dir = os.path.join('sys', 'kernel', 'iommu_groups', str(number))
            write(root, os.path.join(mdev_dir, 'uevent'), 'MDEV_TYPE=nvidia-558\n')
            link(root, os.path.join(mdev_dir, 'iommu_group'), group_dir)
            link(root, os.path.join(group_dir, 'devices', uuid), mdev_dir)


def cpuinfo(host):
    vendor, virt, model = host.cpu
    if vendor == 'intel':
        vendor_id, family, model_no, flags = 'GenuineIntel', 6, 94, INTEL_FLAGS
    elif vendor == 'amd':
        vendor_id, family, model_no, flags = 'AuthenticAMD', 23, 113, AMD_FLAGS
    else:
        vendor_id, family, model_no, flags = 'CentaurHauls', 7, 59, OTHER_FLAGS
    flags = flags.replace('VIRT', virt) if virt != 'none' else flags.replace(' VIRT', '')
    cpus = 4
    blocks = []
    for n in range(cpus):
        block = [
            ('processor', str(n)),
            ('vendor_id', vendor_id),
            ('cpu family', str(family)),
            ('model', str(model_no)),
            ('model name', model),
            ('stepping', '3'),
            ('microcode', '0xf0'),
            ('cpu MHz', '3400.000'),
            ('cache size', '8192 KB'),
            ('physical id', '0'),
            ('siblings', str(cpus)),
            ('core id', str(n)),
            ('cpu cores', str(cpus)),
            ('apicid', str(n * 2)),
            ('initial apicid', str(n * 2)),
            ('fpu', 'yes'),
            ('fpu_exception', 'yes'),
            ('cpuid level', '22'),
            ('wp', 'yes'),
            ('flags', flags),
        ]
        if virt == 'vmx':
            block.append(('vmx flags', INTEL_VMX_FLAGS))
        block += [
            ('bugs', 'spectre_v1 spectre_v2 spec_store_bypass'),
            ('bogomips', '6799.81'),
            ('clflush size', '64'),
            ('cache_alignment', '64'),
            ('address sizes', '39 bits physical, 48 bits virtual'),
        ]
        text = ''
        for key, value in block:
            tabs = '\t' if len(key) >= 8 else '\t\t'
            text += '%s%s: %s\n' % (key, tabs, value)
        text += 'power management:\n'
        blocks.append(text)
    return '\n'.join(blocks) + '\n'


def pci_ids(host):
    vendors, devices, subsystems = {}, {}, {}
    for dev in host.devices:
        vendors[dev.vendor] = dev.vendor_name
        if dev.device_name is not None:
            devices.setdefault(dev.vendor, {})[dev.device] = dev.device_name
        if dev.subsys_name is not None:
            subsystems.setdefault((dev.vendor, dev.device), {})[(dev.subvendor, dev.subdevice)] = dev.subsys_name
            devices.setdefault(dev.vendor, {}).setdefault(dev.device, None)
    for dev in host.devices:
        if dev.subvendor and dev.subvendor not in vendors and dev.subvendor in KNOWN_VENDORS:
            vendors[dev.subvendor] = KNOWN_VENDORS[dev.subvendor]
    out = ['#', '#\tList of PCI IDs for this test host, generated by tests/mkhost.py', '#',
           '#\tSyntax:', '#\tvendor  vendor_name', '#\t\tdevice  device_name',
           '#\t\t\tsubvendor subdevice  subsystem_name', '#', '']
    for vendor in sorted(vendors):
        out.append('%04x  %s' % (vendor, vendors[vendor]))
        for device in sorted(devices.get(vendor, {})):
            name = devices[vendor][device]
            # A subsystem needs its device line; an unnamed device keeps
            # the fallback text lspci would print anyway.
            out.append('\t%04x  %s' % (device, name if name is not None else 'Device %04x' % device))
            for (sv, sd), sname in sorted(subsystems.get((vendor, device), {}).items()):
                out.append('\t\t%04x %04x  %s' % (sv, sd, sname))
    out += ['', '# List of known device classes, subclasses and programming interfaces', '']
    return '\n'.join(out) + '\n' + PCI_CLASSES


def os_release(host):
    os_id, name, like = host.os
    text = 'NAME="%s"\nPRETTY_NAME="%s"\nID=%s\n' % (name, name, os_id)
    if like:
        text += 'ID_LIKE=%s\n' % like
    return text


def copy_overlay(src, root):
    for dirpath, dirnames, filenames in os.walk(src):
        rel = os.path.relpath(dirpath, src)
        target_dir = os.path.normpath(os.path.join(root, rel))
        os.makedirs(target_dir, exist_ok=True)
        shutil.copystat(dirpath, target_dir)
        for name in dirnames:
            full = os.path.join(dirpath, name)
            if os.path.islink(full):
                os.symlink(os.readlink(full), os.path.join(target_dir, name))
        for name in filenames:
            # `.keep` marks a directory that must exist but is empty.
            if name == '.keep':
                continue
            full = os.path.join(dirpath, name)
            target = os.path.join(target_dir, name)
            if os.path.lexists(target):
                os.unlink(target)
            if os.path.islink(full):
                os.symlink(os.readlink(full), target)
            else:
                shutil.copy2(full, target)


def build(host, root):
    build_pci_tree(host, root)
    write(root, 'proc/cmdline', host.cmdline + '\n')
    write(root, 'proc/cpuinfo', cpuinfo(host))
    write(root, 'proc/sys/kernel/osrelease', host.kernel + '\n')
    write(root, 'proc/version', 'Linux version %s (builder@fixture) #1 SMP PREEMPT_DYNAMIC\n' % host.kernel)
    proc_modules = ''
    builtin = ''
    for name, state in host.modules:
        module_dir = os.path.join('sys', 'module', name)
        os.makedirs(os.path.join(root, module_dir, 'parameters'), exist_ok=True)
        if state == 'loaded':
            write(root, os.path.join(module_dir, 'initstate'), 'live\n')
            write(root, os.path.join(module_dir, 'refcnt'), '0\n')
            proc_modules += '%s 16384 0 - Live 0x0000000000000000\n' % name
        else:
            builtin += BUILTIN_PATHS.get(name, 'kernel/drivers/misc/%s.ko' % name) + '\n'
    write(root, 'proc/modules', proc_modules)
    write(root, os.path.join('lib', 'modules', host.kernel, 'modules.builtin'), builtin)
    os.makedirs(os.path.join(root, 'sys', 'firmware', 'acpi'), exist_ok=True)
    if host.uefi:
        write(root, 'sys/firmware/efi/fw_platform_size', '64\n')
        os.makedirs(os.path.join(root, 'sys', 'firmware', 'efi', 'efivars'), exist_ok=True)
    for name, value, _line in host.efivars:
        # efivarfs: the attributes (boot service and runtime access), then UTF-16LE with its NUL
        path = os.path.join(root, 'sys', 'firmware', 'efi', 'efivars', '%s-%s' % (name, LOADER_GUID))
        with open(path, 'wb') as f:
            f.write(struct.pack('<I', 6) + (value + '\0').encode('utf-16-le'))
    if host.os:
        write(root, 'etc/os-release', os_release(host))
    write(root, 'usr/share/misc/pci.ids', pci_ids(host))
    os.makedirs(os.path.join(root, 'var', 'log'), exist_ok=True)
    for overlay in host.overlays:
        copy_overlay(overlay, root)
    write(root, MARKER, 'Generated by tests/mkhost.py from %s\n' % host.name)


def prepare_outdir(outdir):
    if os.path.lexists(outdir):
        if not os.path.isdir(outdir) or os.path.islink(outdir):
            sys.exit('mkhost: %s exists and is not a directory' % outdir)
        if os.listdir(outdir):
            if not os.path.exists(os.path.join(outdir, MARKER)):
                sys.exit('mkhost: %s is not empty and was not made by mkhost; not replacing it' % outdir)
            shutil.rmtree(outdir)
    os.makedirs(outdir, exist_ok=True)


def main(argv):
    if len(argv) != 3:
        sys.stderr.write('usage: mkhost.py DESC OUTDIR\n')
        return 2
    desc, outdir = argv[1], argv[2]
    try:
        host = parse(desc)
    except DescError as e:
        sys.stderr.write('%s:%d: %s\n' % (desc, e.line, e.message))
        return 1
    except (OSError, UnicodeDecodeError) as e:
        sys.stderr.write('%s: %s\n' % (desc, e))
        return 1
    prepare_outdir(outdir)
    try:
        build(host, os.path.abspath(outdir))
    except DescError as e:
        sys.stderr.write('%s:%d: %s\n' % (desc, e.line, e.message))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
