#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""passthrough-prep's command line as a user meets it.

    check-cli.py APP HOSTS_DIR WORK_DIR

- usage: --help and --version, and each kind of bad usage with exit 2
- a file that exists but cannot be read is an error naming it (exit 1, no plan), never
  taken for absent: /etc/default/grub 0600 root's, /boot/loader/entries 0700 (an ESP
  mounted umask=0077); as root the command runs as nobody so that the modes count
- a Latin-1 byte in /etc/default/grub: --plan --json is strict UTF-8 JSON, the diff is
  there (with U+FFFD), and the text form ends with the same digest
- the digest: 64 hex digits, the same for the same host, another one after an edit
"""
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile

from pp_checks import Checks

check = Checks(verbose=True)


def searchable_by_others(path):
    path = os.path.abspath(path)
    while True:
        if not os.stat(path).st_mode & stat.S_IXOTH:
            return False
        if path == "/":
            return True
        path = os.path.dirname(path)


class Cli:
    def __init__(self, app, hosts, work):
        self.hosts, self.work = hosts, work
        self.mkhost = os.path.join(os.path.dirname(hosts), "mkhost.py")
        # nobody must reach the copy and the roots, and the build tree may sit in a 0700
        # home or a mktemp dir: below WORK_DIR only when every directory on the way lets
        # others search it, else in a directory of its own in the system's temp dir
        os.makedirs(work, exist_ok=True)
        if not searchable_by_others(work):
            work = tempfile.mkdtemp(prefix="pp-check-cli-")
            self.work = work
        else:
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)
        os.chmod(work, 0o755)
        self.app = os.path.join(work, "passthrough-prep")
        shutil.copy(app, self.app)
        os.chmod(self.app, 0o755)
        self.as_nobody = os.geteuid() == 0

    def make_root(self, host, name):
        root = os.path.join(self.work, name)
        subprocess.run(["/usr/bin/python3", self.mkhost, os.path.join(self.hosts, host + ".host"), root],
                       check=True)
        for dirpath, dirnames, filenames in os.walk(root):
            os.chmod(dirpath, 0o755)
        return root

    def run(self, *args, unprivileged=False):
        def drop():
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
        proc = subprocess.run([self.app] + list(args), capture_output=True, env=env, timeout=60,
                              preexec_fn=drop if unprivileged and self.as_nobody else None)
        return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def usage(cli):
    code, out, _ = cli.run("--help")
    check(code == 0 and b"--plan" in out and b"--root" in out, "--help prints the options, exit 0")
    code, out, _ = cli.run("--version")
    check(code == 0 and out.startswith(b"passthrough-prep "), "--version, exit 0")
    for args, what in [(["--bogus", "--list"], "an unknown option with a command"),
                       (["--list", "--mode", "boot-entry"], "--mode without --plan"),
                       (["--plan", "0000:01:00.0", "--mode", "sometimes"], "an unknown mode"),
                       (["--json"], "--json without a command"),
                       (["--list", "--check"], "two commands"),
                       (["--plan", "01:00.0"], "an address without its domain"),
                       (["--plan"], "--plan without an address"),
                       (["--list", "extra"], "a stray argument"),
                       (["--acs-override"], "--acs-override without --plan"),
                       (["--check", "--acs-override"], "--acs-override with --check")]:
        code, out, err = cli.run(*args)
        check(code == 2 and out == b"" and err.startswith("passthrough-prep: "), f"{what}: exit 2 with a message",
              f"exit {code}: {err[:200]!r}")
    code, _, err = cli.run("--list", "--root", os.path.join(cli.work, "missing"))
    check(code == 1 and "no such directory" in err, "--root to a missing directory: exit 1", err)


def acs_override_and_binding(cli):
    root = cli.make_root("zen-chipset-group", "acs")
    code, out, err = cli.run("--plan", "0000:07:00.0", "--json", "--root", root)
    check(code == 1 and json.loads(out)["refused"], "a shared group without --acs-override: refused, exit 1", err)
    code, out, err = cli.run("--plan", "0000:07:00.0", "--acs-override", "--json", "--root", root)
    plan = json.loads(out) if code == 0 else {}
    check(code == 0 and plan.get("acs_override") is True and plan.get("binding") == "ids",
          "--acs-override on linux-zen: a plan, exit 0", f"exit {code}: {err}")
    code, out, err = cli.run("--check", "--json", "--root", root)
    gpu = [g for g in json.loads(out)["gpus"] if g["address"] == "0000:07:00.0"][0]
    check([r["kind"] for r in gpu["remedies"]] == ["cpu-slot", "firmware", "acs-override"] and gpu["why_not_viable"],
          "--check --json: why_not_viable and the remedies in order", str(gpu))
    listing = json.loads(cli.run("--list", "--json", "--root", root)[1])
    parents = {d["address"]: d["parent"] for g in listing["groups"] for d in g["devices"]}
    check(parents.get("0000:07:00.0") == "0000:05:08.0" and parents.get("0000:00:02.1") is None,
          "--list --json: each device's parent bridge", str(parents.get("0000:07:00.0")))
    shutil.rmtree(root)

    root = cli.make_root("demo", "acs")
    code, out, err = cli.run("--plan", "0000:07:00.0", "--acs-override", "--root", root)
    check(code == 1 and out == b"" and "does not carry the ACS override" in err,
          "--acs-override on a kernel without it: refused, exit 1", err)
    shutil.rmtree(root)

    root = cli.make_root("identical-gpus", "binding")
    code, out, err = cli.run("--plan", "0000:0d:00.0", "--json", "--root", root)
    plan = json.loads(out) if code == 0 else {}
    check(plan.get("binding") == "address", "an identical twin: binding by address", err)
    code, out, err = cli.run("--plan", "0000:0d:00.0", "--root", root)
    check(b"Binding: by PCI address (driver_override)" in out, "the text plan says the binding")
    shutil.rmtree(root)


def unreadable(cli):
    root = cli.make_root("desktop-intel-nvidia", "unreadable-grub")
    grub = os.path.join(root, "etc/default/grub")
    os.chmod(grub, 0o600 if cli.as_nobody else 0o000)
    code, out, err = cli.run("--plan", "0000:01:00.0", "--root", root, unprivileged=True)
    check(code == 1, "unreadable /etc/default/grub: --plan exits 1", f"exit {code}: {err}")
    check("/etc/default/grub: permission denied" in err, "unreadable /etc/default/grub: the message names it", err)
    check(out == b"", "unreadable /etc/default/grub: no plan is proposed", out[:300])
    code, out, err = cli.run("--plan", "0000:01:00.0", "--json", "--root", root, unprivileged=True)
    check(code == 1 and out == b"" and "/etc/default/grub: permission denied" in err,
          "unreadable /etc/default/grub: --plan --json exits 1 with the message", f"exit {code}: {err}")
    code, out, err = cli.run("--check", "--json", "--root", root, unprivileged=True)
    report = json.loads(out.decode("utf-8")) if code == 0 else {}
    check(report.get("read_error") == "/etc/default/grub: permission denied",
          "unreadable /etc/default/grub: --check --json says so in read_error", str(report.get("read_error")))
    rows = [c for c in report.get("checks", []) if c["id"] == "config-files"]
    check(rows and rows[0]["status"] == "error" and "/etc/default/grub" in rows[0]["summary"],
          "unreadable /etc/default/grub: Readiness has an error row for it", str(rows))
    shutil.rmtree(root)

    # an EFI system partition mounted umask=0077 on /boot: the entries cannot be listed
    root = cli.make_root("nvidia-4fn-igpu-0380", "unreadable-entries")
    entries = os.path.join(root, "boot/loader/entries")
    os.chmod(entries, 0o700 if cli.as_nobody else 0o000)
    code, out, err = cli.run("--plan", "0000:01:00.0", "--root", root, unprivileged=True)
    os.chmod(entries, 0o755)
    check(code == 1 and out == b"" and "/boot/loader/entries: permission denied" in err,
          "unlistable /boot/loader/entries: --plan exits 1 naming it", f"exit {code}: {err}")
    shutil.rmtree(root)


def firmware_and_new_hosts(cli):
    """What booted, read by an unprivileged user; the keys --check --json gained; NixOS's refusal"""
    guid = "4a67b082-0a4c-41cf-b6c7-440b29bb8c4f"
    root = cli.make_root("arch-sdboot-leftover-grub", "firmware")
    code, out, err = cli.run("--check", "--json", "--root", root, unprivileged=True)
    report = json.loads(out.decode("utf-8")) if code == 0 else {}
    check(report.get("loader_info") == "systemd-boot 256.7-1-arch" and report.get("bootloader") == "systemd-boot",
          "LoaderInfo read without privileges decides what booted", str(report.get("loader_info")))
    check("did not start this system" in (report.get("boot_evidence") or ""),
          "boot_evidence says GRUB's files are there but GRUB did not boot", str(report.get("boot_evidence")))
    check(report.get("earlier_vfio") == [], "earlier_vfio is an empty array where there is none",
          str(report.get("earlier_vfio")))
    variable = os.path.join(root, "sys/firmware/efi/efivars/LoaderInfo-" + guid)
    os.chmod(variable, 0o600 if cli.as_nobody else 0o000)
    code, out, err = cli.run("--check", "--json", "--root", root, unprivileged=True)
    report = json.loads(out.decode("utf-8")) if code == 0 else {}
    check(report.get("read_error") == "/sys/firmware/efi/efivars/LoaderInfo-%s: permission denied" % guid,
          "an EFI variable that cannot be read is a read error, never taken for absent", str(report.get("read_error")))
    code, out, err = cli.run("--plan", "0000:10:00.0", "--root", root, unprivileged=True)
    check(code == 1 and "LoaderInfo-%s: permission denied" % guid in err,
          "and no plan is made on a guess", f"exit {code}: {err}")
    os.chmod(variable, 0o644)
    shutil.rmtree(root)

    root = cli.make_root("debian-earlier-vfio", "earlier")
    code, out, err = cli.run("--check", "--json", "--root", root)
    report = json.loads(out.decode("utf-8")) if code == 0 else {}
    first = (report.get("earlier_vfio") or [{}])[0]
    check(first == {"kind": "modprobe-options", "path": "/etc/modprobe.d/vfio.conf", "line": 2,
                    "text": "options vfio-pci ids=10de:1c03,10de:10f1 disable_vga=1", "ids": "10de:1c03,10de:10f1",
                    "pci_stub": False},
          "earlier_vfio names the file, line, text and IDs", str(first))
    shutil.rmtree(root)

    root = cli.make_root("nixos", "nixos")
    code, out, err = cli.run("--plan", "0000:01:00.0", "--root", root)
    check(code == 1 and "boot.kernelParams = [ \"intel_iommu=on\" \"iommu=pt\" \"vfio-pci.ids=10de:1401,10de:0fba\" ];"
          in err, "NixOS: --plan refuses with the configuration.nix lines", f"exit {code}: {err}")
    shutil.rmtree(root)


def latin1(cli):
    root = cli.make_root("desktop-intel-nvidia", "latin1")
    grub = os.path.join(root, "etc/default/grub")
    original = open(grub, "rb").read()
    # next to the line the plan edits, so that it is in the diff's context
    open(grub, "wb").write(original.replace(b"\nGRUB_CMDLINE_LINUX_DEFAULT=",
                                            b"\n# Gr\xfc\xdfe aus K\xf6ln (ISO-8859-1)\nGRUB_CMDLINE_LINUX_DEFAULT=", 1))
    code, out, err = cli.run("--plan", "0000:01:00.0", "--mode", "every-boot", "--json", "--root", root)
    check(code == 0, "Latin-1 /etc/default/grub: --plan --json exits 0", err)
    try:
        plan = json.loads(out.decode("utf-8", "strict"))
    except (UnicodeDecodeError, ValueError) as e:
        plan = {}
        check(False, "Latin-1 /etc/default/grub: the JSON is strict UTF-8 and parses", str(e))
    files = {f["path"]: f for f in plan.get("files", [])}
    diff = files.get("/etc/default/grub", {}).get("diff", "")
    check("vfio-pci.ids=" in diff, "Latin-1 /etc/default/grub: its diff is there", diff[:300])
    check("# Gr\ufffd\ufffde aus K\ufffdln" in diff, "Latin-1 /etc/default/grub: bad bytes shown as U+FFFD", diff[:300])
    digest = plan.get("digest") or ""
    check(len(digest) == 64 and all(c in "0123456789abcdef" for c in digest), "the digest is 64 lower-case hex",
          digest)
    code, out, _ = cli.run("--plan", "0000:01:00.0", "--mode", "every-boot", "--root", root)
    last = out.decode("utf-8", "replace").rstrip("\n").splitlines()[-1:]
    check(last == [f"Digest: {digest}"], "--plan's text ends with the same digest", str(last))
    code, out, _ = cli.run("--plan", "0000:01:00.0", "--mode", "every-boot", "--json", "--root", root)
    check(json.loads(out.decode("utf-8")).get("digest") == digest, "the same host plans to the same digest")
    code, out, _ = cli.run("--plan", "0000:01:00.0", "--json", "--root", root)
    check(json.loads(out.decode("utf-8")).get("digest") not in (None, digest), "another mode gives another digest")
    with open(grub, "ab") as f:
        f.write(b"# one more line\n")
    code, out, _ = cli.run("--plan", "0000:01:00.0", "--mode", "every-boot", "--json", "--root", root)
    check(json.loads(out.decode("utf-8")).get("digest") not in (None, digest), "an edited file gives another digest")
    code, out, _ = cli.run("--plan", "0000:00:14.0", "--json", "--root", root)
    check(code == 1 and json.loads(out.decode("utf-8")).get("digest") is None, "a refused plan has no digest")
    shutil.rmtree(root)


def main():
    app, hosts, work = sys.argv[1:4]
    cli = Cli(os.path.abspath(app), os.path.abspath(hosts), os.path.abspath(work))
    try:
        usage(cli)
        acs_override_and_binding(cli)
        unreadable(cli)
        firmware_and_new_hosts(cli)
        latin1(cli)
    finally:
        shutil.rmtree(cli.work, ignore_errors=True)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
