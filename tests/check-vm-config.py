#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""passthrough-prep --vm-config on every fixture host.

    check-vm-config.py APP HOSTS_DIR WORK_DIR

- every GPU whose functions are all on vfio-pci: the ULTMOS and QEMU lines
  hold every function once, in the forms each reads; the libvirt hostdevs
  carry each function's real domain, bus, slot and function and, wrapped in
  a minimal domain, validate against libvirt's schema (virt-xml-validate;
  under CI=true a missing validator fails the test instead of skipping it);
  at least one such GPU is on a non-zero domain and slot
- with a saved ROM, romfile= and <rom file=.../> name it, on the GPU only
- every other GPU: exit 1, nothing on stdout, and the reason says to reserve
  and restart
- bad usage: exit 2
"""
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mkhost  # noqa: E402

from pp_checks import Checks

check = Checks(verbose=False)


FORMATS = ("ultmos", "libvirt", "qemu")
DOMAIN_HEAD = ("<domain type='kvm'><name>pp-validate</name><memory unit='MiB'>1024</memory>"
               "<os><type arch='x86_64' machine='q35'>hvm</type></os><devices>\n")
DOMAIN_TAIL = "</devices></domain>\n"


def run(app, *args):
    proc = subprocess.run([app] + list(args), capture_output=True, text=True, timeout=60)
    return proc.returncode, proc.stdout, proc.stderr


def split_address(address):
    domain, bus, rest = address.split(":")
    slot, function = rest.split(".")
    return int(domain, 16), int(bus, 16), int(slot, 16), int(function, 16)


class Validator:
    def __init__(self, work):
        self.tool = shutil.which("virt-xml-validate")
        self.work = work
        self.validated = 0
        if self.tool is None or shutil.which("xmllint") is None:
            if os.environ.get("CI") == "true":
                check(False, "virt-xml-validate and xmllint are installed (libvirt-clients, libxml2-utils)")
            else:
                print("note: virt-xml-validate or xmllint missing; the libvirt XML is parsed but not validated")
            self.tool = None

    def validate(self, xml_text, what):
        path = os.path.join(self.work, "domain.xml")
        with open(path, "w") as f:
            f.write(DOMAIN_HEAD + xml_text + DOMAIN_TAIL)
        try:
            ET.parse(path)
        except ET.ParseError as e:
            return check(False, f"{what}: well-formed XML", str(e))
        if self.tool is None:
            return True
        proc = subprocess.run([self.tool, path, "domain"], capture_output=True, text=True, timeout=60)
        self.validated += 1
        return check(proc.returncode == 0, f"{what}: valid against libvirt's domain schema",
                     proc.stdout + proc.stderr)


def ultmos_host(address):
    domain, bus, slot, function = split_address(address)
    return address if domain else "%02x:%02x.%x" % (bus, slot, function)


def check_ultmos(text, gpu, functions, rom, what):
    lines = text.splitlines()
    check(len(lines) == len(functions), f"{what}: one line a function", text)
    line_re = re.compile(r'^-device vfio-pci,host="([^"]+)"(,romfile="([^"]+)")?(,multifunction=on)?,bus=pcie\.0$')
    hosts = []
    for i, line in enumerate(lines):
        m = line_re.match(line)
        if not check(m is not None, f"{what}: line {i + 1} in the assistant's form", line):
            continue
        hosts.append(m.group(1))
        check(bool(m.group(4)) == (i == 0), f"{what}: multifunction=on on the first line only", line)
        is_gpu = m.group(1) == ultmos_host(gpu)
        check(m.group(3) == (rom if is_gpu else None), f"{what}: romfile only on the GPU, naming the saved ROM",
              line)
    check(hosts == [ultmos_host(f) for f in functions], f"{what}: every function once, in order", str(hosts))


def check_qemu(text, gpu, functions, rom, what):
    lines = text.splitlines()
    want = ["-device vfio-pci,host=%s%s" % (f, ",romfile=" + rom if rom and f == gpu else "") for f in functions]
    check(lines == want, f"{what}: -device vfio-pci,host=DDDD:BB:DD.F for every function once", text)


def check_libvirt(text, gpu, functions, rom, what, validator):
    try:
        root = ET.fromstring("<devices>" + text + "</devices>")
    except ET.ParseError as e:
        check(False, f"{what}: parses", str(e))
        return
    hostdevs = root.findall("hostdev")
    got = []
    for hostdev in hostdevs:
        check(hostdev.get("mode") == "subsystem" and hostdev.get("type") == "pci"
              and hostdev.get("managed") == "yes", f"{what}: a managed PCI hostdev", ET.tostring(hostdev, "unicode"))
        address = hostdev.find("source/address")
        values = tuple(int(address.get(k), 16) for k in ("domain", "bus", "slot", "function"))
        got.append(values)
        rom_el = hostdev.find("rom")
        is_gpu = values == split_address(gpu)
        check((rom_el.get("file") if rom_el is not None else None) == (rom if is_gpu else None),
              f"{what}: <rom file> only on the GPU, naming the saved ROM", ET.tostring(hostdev, "unicode"))
    check(got == [split_address(f) for f in functions], f"{what}: each function's real domain, bus, slot, function",
          f"{got}")
    validator.validate(text, what)


def bound_gpus(app, root):
    code, out, err = run(app, "--check", "--json", "--root", root)
    report = json.loads(out)
    code, out, err = run(app, "--list", "--json", "--root", root)
    listing = json.loads(out)
    drivers = {d["address"]: d["driver"] for g in listing["groups"] for d in g["devices"]}
    drivers.update({d["address"]: d["driver"] for d in listing["ungrouped"]})
    return [(g["address"], g["reserve"], all(drivers.get(a) == "vfio-pci" for a in g["reserve"]))
            for g in report["gpus"]]


def check_host(app, hosts, work, name, validator, counts):
    root = os.path.join(work, name)
    host = mkhost.parse(os.path.join(hosts, name + ".host"))
    mkhost.prepare_outdir(root)
    mkhost.build(host, os.path.abspath(root))
    for gpu, functions, bound in bound_gpus(app, root):
        what = f"{name} {gpu}"
        if not bound:
            for fmt in FORMATS:
                code, out, err = run(app, "--vm-config", fmt, gpu, "--root", root)
                check(code == 1 and out == "", f"{what} {fmt}: not on vfio-pci: exit 1, nothing printed",
                      f"exit {code}: {out[:200]!r}")
                check("Reserve the GPU" in err and "restart" in err and err.startswith("passthrough-prep: "),
                      f"{what} {fmt}: says to reserve and restart", err)
            counts["refused"] += 1
            continue
        counts["bound"] += 1
        domain, _bus, slot, _function = split_address(gpu)
        if domain != 0 and slot != 0:
            counts["domain-and-slot"] += 1
        device = next(d for d in host.devices if d.addr == gpu)
        rom_path = "/var/lib/passthrough-prep/roms/%04x-%04x-%04x-%04x.rom" % (
            device.vendor, device.device, device.subvendor, device.subdevice)
        for rom in (None, rom_path):
            if rom:
                mkhost.write(root, rom_path.lstrip("/"), mkhost.option_rom(device))
            for fmt in FORMATS:
                label = f"{what} {fmt}" + (" with a saved ROM" if rom else "")
                code, out, err = run(app, "--vm-config", fmt, gpu, "--root", root)
                if not check(code == 0, f"{label}: exit 0", err):
                    continue
                check(err.strip() != "", f"{label}: says where the text goes on stderr")
                if fmt == "ultmos":
                    check_ultmos(out, gpu, functions, rom, label)
                    check(("#VFIO_DEV_BEGIN" in err), f"{label}: names the markers", err)
                elif fmt == "qemu":
                    check_qemu(out, gpu, functions, rom, label)
                else:
                    check_libvirt(out, gpu, functions, rom, label, validator)
    shutil.rmtree(root)


def usage(app, work):
    root = os.path.join(work, "usage")
    host = mkhost.parse(os.path.join(os.path.dirname(os.path.abspath(__file__)), "hosts", "vfio-polaris-domain1.host"))
    mkhost.prepare_outdir(root)
    mkhost.build(host, os.path.abspath(root))
    gpu = "0001:00:03.0"
    for args, what in [(["--vm-config", "vmware", gpu], "an unknown format"),
                       (["--vm-config", "libvirt"], "no address"),
                       (["--vm-config", "libvirt", "00:03.0"], "an address without its domain"),
                       (["--vm-config", "qemu", gpu, "0001:00:03.1"], "two addresses"),
                       (["--vm-config", "qemu", gpu, "--json"], "--json"),
                       (["--vm-config", "qemu", gpu, "--list"], "with --list")]:
        code, out, err = run(app, *args, "--root", root)
        check(code == 2 and out == "" and err.startswith("passthrough-prep: "), f"usage: {what}: exit 2",
              f"exit {code}: {err[:300]!r}")
    code, out, err = run(app, "--vm-config", "qemu", "0001:00:00.0", "--root", root)
    check(code == 1 and "is not a GPU" in err, "a bridge's address: exit 1, not a GPU", err)
    code, out, err = run(app, "--vm-config", "qemu", "0001:0e:00.0", "--root", root)
    check(code == 1 and "no PCI device 0001:0e:00.0" in err, "an address of no device: exit 1", err)
    shutil.rmtree(root)


def main():
    app, hosts, work = (os.path.abspath(a) for a in sys.argv[1:4])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    validator = Validator(work)
    counts = {"bound": 0, "refused": 0, "domain-and-slot": 0}
    try:
        usage(app, work)
        for desc in sorted(f for f in os.listdir(hosts) if f.endswith(".host")):
            check_host(app, hosts, work, desc[:-5], validator, counts)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{counts['bound']} GPUs on vfio-pci configured, {counts['refused']} others refused, "
          f"{validator.validated} libvirt texts validated")
    check(counts["bound"] >= 3, "at least three fixture GPUs are on vfio-pci", str(counts))
    check(counts["domain-and-slot"] >= 1, "a fixture GPU on a non-zero domain and slot was configured", str(counts))
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
