#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""passthrough-prep-helper against fixture roots (test mode, --root).

    test-helper.py MODE HELPER CLI HOSTS_DIR

MODE:
  reserve-revert  every GPU of every host: reserve does what `--plan --json`
                  says (or refuses as it does), status reports it, revert puts
                  every file back byte for byte (mode and owner too)
  faults          a failure injected at every step (backup, each write, each
                  rename, each command before it starts and after it wrote
                  its output, each real tool failing) of reserve and of revert
                  leaves every file as it was; SIGINT, SIGHUP and SIGTERM at
                  every step (from the helper's test hook, from outside to its
                  process group, from a command) end all applied or all put
                  back; the caller's limits and signal state; a stdout pipe
                  nobody reads while a command prints 10,000 lines
  bad-input       bad arguments, unsafe targets, tampered backup sets, files
                  the editors do not model and odd driver names are refused
                  with the right exit status and message, and nothing changes;
                  save-rom saves a valid ROM and refuses each bad one and a
                  card in use

CLI is a passthrough-prep command line (for --plan); HOSTS_DIR holds
NAME.host and mkhost.py is beside it. The tree compared is the whole root
but var/ (the helper's backups, the tools' command log) and the test build's
record of what save-rom wrote to a sysfs rom file (checked on its own).
"""
import ctypes
import fcntl
import hashlib
import os
import re
import resource
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from pp_checks import Checks  # noqa: E402

check = Checks(verbose=False)


EXIT = {"ok": 0, "failed": 1, "usage": 2, "not-permitted": 3, "refused": 4,
        "unsafe": 5, "changed-since": 6, "nothing-to-do": 7, "host": 8, "rollback-failed": 9, "busy": 10,
        "plan-changed": 11, "no-boot-entry": 12, "bad-backup": 13, "rom-in-use": 20, "rom-missing": 21, "rom-bad-signature": 22,
        "rom-wrong-device": 23, "rom-bad-checksum": 24}
# what the test build appends to beside a fixture's plain-file rom instead of writing "1"/"0" into it
ROM_WRITES = "pp-test-rom-writes"
ROM_HOST = "vfio-polaris-domain1"
ROM_GPU = "0001:00:03.0"
ROM_DIR = "var/lib/passthrough-prep/roms"
# what a caller passes where the plan is refused anyway: the shape of a digest
NO_DIGEST = "0" * 64

EVENT_RE = re.compile(r"^(step \d+/\d+ \S.*|log [^:]+: .*|warning \S.*|manual \S.*|backup /\S+|"
                      r"rollback \S.*|state (none|(applied|incomplete|rolled-back|reverted) \S+ \S+( \S+)?)|"
                      r"file (applied|original|changed|missing) /\S+|done \S.*|failed \S.*)$")


class Tool:
    def __init__(self, helper, cli, hosts):
        self.helper, self.cli, self.hosts = helper, cli, hosts
        self.mkhost = os.path.join(os.path.dirname(os.path.abspath(hosts)), "mkhost.py")
        self.work = tempfile.mkdtemp(prefix="pp-helper-test-")

    def make_root(self, host):
        root = os.path.join(self.work, host)
        subprocess.run(["/usr/bin/python3", self.mkhost, os.path.join(self.hosts, host + ".host"), root],
                       check=True)
        return root

    def helper_env(self, env_extra=None):
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
        for key in ("ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS", "G_DEBUG", "MALLOC_CHECK_"):
            if key in os.environ:
                env[key] = os.environ[key]
        env.update(env_extra or {})
        return env

    def helper_argv(self, args, root=None):
        return [self.helper] + (["--root", root] if root is not None else []) + list(args)

    def helper_run(self, args, root=None, env_extra=None, env_drop_pkexec=True, preexec=None):
        env = self.helper_env(env_extra)
        argv = self.helper_argv(args, root)
        proc = subprocess.run(argv, capture_output=True, env=env, timeout=120, preexec_fn=preexec)
        out = proc.stdout.decode("utf-8", "replace")
        return proc.returncode, out.splitlines(), proc.stderr.decode("utf-8", "replace")

    def reserve_args(self, root, address, mode="every-boot"):
        """reserve ADDRESS MODE DIGEST, with the digest of the plan as --plan shows it now"""
        return ["reserve", address, mode, self.plan(root, address, mode).get("digest") or NO_DIGEST]

    def plan(self, root, address, mode="every-boot"):
        proc = subprocess.run([self.cli, "--plan", address, "--mode", mode, "--json", "--root", root],
                              capture_output=True, text=True, timeout=60)
        import json
        try:
            return json.loads(proc.stdout)
        except ValueError:
            return {"error": proc.stderr.strip(), "exit": proc.returncode}


def snapshot(root):
    """Every path under root but var/: type, mode, owner, content hash or link target."""
    tree = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root)
        if rel_dir == ".":
            dirnames[:] = [d for d in dirnames if d != "var"]
        for name in dirnames + filenames:
            if name == ROM_WRITES:
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.normpath(os.path.join(rel_dir, name))
            st = os.lstat(path)
            entry = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)
            if stat.S_ISLNK(st.st_mode):
                entry += (os.readlink(path),)
            elif stat.S_ISREG(st.st_mode) and st.st_size == 0 and not os.access(path, os.R_OK):
                # a write-only sysfs attribute (0200), unreadable when not root
                entry += (hashlib.sha256(b"").hexdigest(),)
            elif stat.S_ISREG(st.st_mode):
                entry += (hashlib.sha256(open(path, "rb").read()).hexdigest(),)
            tree[rel] = entry
    return tree


def tree_diff(a, b):
    keys = sorted(set(a) | set(b))
    return [k for k in keys if a.get(k) != b.get(k)]


def check_events(lines, code, what):
    bad = [line for line in lines if not EVENT_RE.match(line)]
    check(not bad, f"{what}: every stdout line is an event", f"not events: {bad[:3]}")
    last = lines[-1] if lines else ""
    check(last.startswith("done " if code == 0 else "failed "),
          f"{what}: ends with {'done' if code == 0 else 'failed'}", f"last line: {last!r}")
    steps = [line.split()[1] for line in lines if line.startswith("step ")]
    if steps:
        numbers = [int(s.split("/")[0]) for s in steps]
        totals = {int(s.split("/")[1]) for s in steps}
        check(numbers == list(range(1, len(numbers) + 1)) and len(totals) == 1,
              f"{what}: steps count 1, 2, ... of one total", str(steps))
        if code == 0:
            check(numbers[-1] == totals.pop(), f"{what}: a success runs every step", str(steps))


def failed_message(lines):
    return lines[-1][len("failed "):] if lines and lines[-1].startswith("failed ") else ""


def command_log(root):
    path = os.path.join(root, "var/log/pp-test-commands.log")
    if not os.path.exists(path):
        return []
    return [shlex.split(line) for line in open(path).read().splitlines()]


def clear_command_log(root):
    path = os.path.join(root, "var/log/pp-test-commands.log")
    if os.path.exists(path):
        os.unlink(path)


def expected_log(commands):
    return [[os.path.basename(argv[0])] + list(argv[1:]) for argv in commands]


def host_description(hosts, host):
    """The host as mkhost reads it: a variant (base NAME) has its base's devices"""
    sys.path.insert(0, os.path.dirname(os.path.abspath(hosts)))
    import mkhost
    return mkhost.parse(os.path.join(hosts, host + ".host"))


def host_gpus(hosts, host):
    return [dev.addr for dev in host_description(hosts, host).devices if dev.cls >> 16 == 0x03]


def host_kinds(hosts, host):
    """The overlays a host is built from, by name"""
    return [os.path.basename(o) for o in host_description(hosts, host).overlays]


def reachable_by_nobody(path):
    """Every directory on the way is searchable by others and the file executable by others."""
    path = os.path.abspath(path)
    if not os.stat(path).st_mode & stat.S_IXOTH:
        return False
    d = os.path.dirname(path)
    while d != "/":
        if not os.stat(d).st_mode & stat.S_IXOTH:
            return False
        d = os.path.dirname(d)
    return True


def rom_writes(root, address):
    path = os.path.join(root, "sys/bus/pci/devices", address, ROM_WRITES)
    return open(path).read() if os.path.exists(path) else ""


def clear_rom_writes(root, address):
    path = os.path.join(root, "sys/bus/pci/devices", address, ROM_WRITES)
    if os.path.exists(path):
        os.unlink(path)


def saved_roms(root):
    d = os.path.join(root, ROM_DIR)
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def mkhost_module(t):
    sys.path.insert(0, os.path.dirname(t.mkhost))
    import mkhost
    return mkhost


def rom_device(t, address):
    mkhost = mkhost_module(t)
    host = mkhost.parse(os.path.join(t.hosts, ROM_HOST + ".host"))
    return mkhost, next(d for d in host.devices if d.addr == address)


def backups(root):
    d = os.path.join(root, "var/lib/passthrough-prep/backups")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


def manifest_path(root, set_id=None):
    return os.path.join(root, "var/lib/passthrough-prep/backups", set_id or backups(root)[-1], "manifest")


def newest_state(root):
    """The state of the newest backup set, or None when there is none"""
    if not backups(root):
        return None
    return re.search(r"^state=(.*)$", open(manifest_path(root)).read(), re.M).group(1)


def lock_is_free(root):
    """No helper holds the lock (its file may exist)"""
    path = os.path.join(root, "var/lib/passthrough-prep/lock")
    if not os.path.exists(path):
        return True
    with open(path, "a") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
    return True


def tool_path(root, name):
    for d in ("usr/sbin", "usr/bin", "sbin", "bin"):
        path = os.path.join(root, d, name)
        if os.path.isfile(path):
            return path
    return None


# A stand-in in the fixtures' way: it logs its name and arguments to the
# command log as theirs do, then does EXTRA (bash).
STAND_IN = """#!/bin/bash
root=$(cd "${0%/*}/../.." && pwd -P) || exit 1
line=TOOL
for arg in "$@"; do line+=" $(printf '%q' "$arg")"; done
printf '%s\n' "$line" >> "$root/var/log/pp-test-commands.log" || exit 1
EXTRA
echo "TOOL (test stand-in): done"
"""


class ReplacedTool:
    """Replaces tool NAME under ROOT with a stand-in doing EXTRA, for a with block"""

    def __init__(self, root, name, extra):
        self.path = tool_path(root, name)
        self.saved = open(self.path, "rb").read()
        open(self.path, "w").write(STAND_IN.replace("TOOL", name).replace("EXTRA", extra))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        open(self.path, "wb").write(self.saved)


def drop_cap_sys_resource():
    """As root: exec'd programs lose CAP_SYS_RESOURCE, so no hard limit can be raised"""
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        PR_CAPBSET_DROP, CAP_SYS_RESOURCE = 24, 24
        if libc.prctl(PR_CAPBSET_DROP, CAP_SYS_RESOURCE, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


# a file in another encoding is written with exactly the planned bytes

def latin1_bytes(t):
    host = "desktop-intel-nvidia"
    root = t.make_root(host)
    grub = os.path.join(root, "etc/default/grub")
    comment = b"# Gr\xfc\xdfe aus K\xf6ln (ISO-8859-1)\n"
    latin1 = open(grub, "rb").read().replace(b"\nGRUB_CMDLINE_LINUX_DEFAULT=",
                                               b"\n" + comment + b"GRUB_CMDLINE_LINUX_DEFAULT=", 1)
    open(grub, "wb").write(latin1)
    address = "0000:01:00.0"
    plan = t.plan(root, address)
    code, lines, err = t.helper_run(t.reserve_args(root, address), root)
    check(code == 0, "Latin-1 grub: reserve works", f"exit {code}: {lines[-2:]} {err}")
    after = open(grub, "rb").read()
    check(comment in after, "Latin-1 grub: its Latin-1 bytes are kept as they were")
    old_line = [l for l in latin1.split(b"\n") if l.startswith(b"GRUB_CMDLINE_LINUX_DEFAULT=")][0]
    new_line = [l for l in after.split(b"\n") if l.startswith(b"GRUB_CMDLINE_LINUX_DEFAULT=")][0]
    check(b"vfio-pci.ids=" in new_line and after == latin1.replace(old_line, new_line),
          "Latin-1 grub: only the planned line changed", f"{old_line!r} -> {new_line!r}")
    diff = next(f["diff"] for f in plan["files"] if f["path"] == "/etc/default/grub")
    check("+" + new_line.decode("latin-1") in diff, "Latin-1 grub: the line written is the one the plan showed")
    code, lines, _ = t.helper_run(["revert"], root)
    check(code == 0 and open(grub, "rb").read() == latin1, "Latin-1 grub: revert gives the bytes back")
    shutil.rmtree(root)


# the ACS override, chosen: reserved with it, reverted byte for byte

def acs_override(t):
    host, address = "zen-chipset-group", "0000:07:00.0"
    # every boot: on the kernel command line; boot-entry: on the Passthrough entries' only
    for mode, where in (("every-boot", "etc/default/grub"), ("boot-entry", "etc/grub.d/42_passthrough-prep")):
        root = t.make_root(host)
        original = snapshot(root)
        proc = subprocess.run([t.cli, "--plan", address, "--mode", mode, "--acs-override", "--json", "--root", root],
                              capture_output=True, text=True, timeout=60)
        import json
        plan = json.loads(proc.stdout)
        check(plan["acs_override"] and plan["refused"] is None and plan["mode"] == mode,
              f"ACS override, {mode}: the plan with it is no refusal", str(plan))
        code, lines, _ = t.helper_run(["reserve", address, mode, plan["digest"]], root)
        check(code == EXIT["refused"], f"ACS override, {mode}: without the word the plain plan is refused",
              str(lines[-1:]))
        code, lines, err = t.helper_run(["reserve", address, mode, "acs-override", plan["digest"]], root)
        check(code == 0, f"ACS override, {mode}: reserved with it", f"exit {code}: {lines[-2:]} {err}")
        text = open(os.path.join(root, where)).read()
        check("pcie_acs_override=downstream,multifunction" in text, f"ACS override, {mode}: in /{where}")
        code, lines, _ = t.helper_run(["revert"], root)
        check(code == 0 and snapshot(root) == original, f"ACS override, {mode}: revert is byte for byte",
              str(tree_diff(original, snapshot(root))))
        shutil.rmtree(root)


# reserve + revert on every host

def reserve_revert(t):
    latin1_bytes(t)
    acs_override(t)
    hosts = sorted(f[:-5] for f in os.listdir(t.hosts) if f.endswith(".host"))
    reserved_hosts = set()
    for host in hosts:
        root = t.make_root(host)
        original = snapshot(root)
        for address, mode in [(a, m) for a in host_gpus(t.hosts, host) for m in ("every-boot", "boot-entry")]:
            what = f"{host} reserve {address} {mode}"
            plan = t.plan(root, address, mode)
            clear_command_log(root)
            sets_before = backups(root)
            code, lines, err = t.helper_run(t.reserve_args(root, address, mode), root)
            check_events(lines, code, what)
            if "error" in plan:
                check(code == EXIT["host"], f"{what}: a plan error is exit 8", f"{code} {lines[-1:]} / {plan}")
                check(snapshot(root) == original, f"{what}: nothing changed")
                continue
            if plan.get("refused"):
                check(code == EXIT["refused"], f"{what}: refused as the plan is (exit 4)", f"exit {code}: {lines[-1:]}")
                # an event is one line: a refusal that gives text to paste says its first line
                reason = plan["refused"].split("\n")[0]
                check(reason in failed_message(lines), f"{what}: says the plan's reason",
                      f"{failed_message(lines)!r} lacks {reason!r}")
                check(snapshot(root) == original, f"{what}: nothing changed when refused")
                check(backups(root) == sets_before, f"{what}: no backup set for a refusal")
                continue

            check(code == 0, f"{what}: exit 0", f"exit {code}: {lines[-3:]} {err}")
            if code != 0:
                continue
            reserved_hosts.add(host)
            after = snapshot(root)
            changed = tree_diff(original, after)
            plan_paths = {f["path"].lstrip("/") for f in plan["files"]}
            check(plan_paths <= set(changed), f"{what}: every file of the plan changed",
                  f"{sorted(plan_paths - set(changed))}")
            extra = [p for p in changed if p not in plan_paths and not any(q.startswith(p + "/") for q in plan_paths)]
            check(not extra, f"{what}: nothing but the plan's files (and their new dirs) changed", str(extra))
            check(command_log(root) == expected_log(plan["commands"]), f"{what}: ran the plan's commands in order",
                  f"{command_log(root)} != {expected_log(plan['commands'])}")
            check(sum(line.startswith("step ") for line in lines) == 1 + len(plan["files"]) + len(plan["commands"]),
                  f"{what}: one step for the backup, each file and each command")
            check(any(line.startswith("backup /var/lib/passthrough-prep/backups/") for line in lines),
                  f"{what}: names its backup set")
            for f in plan["files"]:
                if f.get("new_text") is not None:
                    data = open(os.path.join(root, f["path"].lstrip("/")), encoding="utf-8").read()
                    check(data == f["new_text"], f"{what}: {f['path']} is the plan's new text")

            code, lines, _ = t.helper_run(["status"], root)
            check_events(lines, code, f"{what}: status")
            check(code == 0 and any(line.startswith(f"state applied ") and line.endswith(f" reserve {address}") for line in lines),
                  f"{what}: status says applied", str(lines))
            check(sum(line.startswith("file applied ") for line in lines) == len(plan["files"]),
                  f"{what}: status: every file as written", str(lines))

            # a second reserve of the same GPU plans nothing or stacks a second set; either way revert unwinds it
            code2, lines2, _ = t.helper_run(t.reserve_args(root, address, mode), root)
            check(code2 == 0, f"{what}: reserving again succeeds", str(lines2[-2:]))

            clear_command_log(root)
            reverts = 0
            while True:
                code, lines, err = t.helper_run(["revert"], root)
                check_events(lines, code, f"{what}: revert")
                if code != 0:
                    break
                reverts += 1
            check(reverts >= 1 and code == EXIT["nothing-to-do"], f"{what}: revert until nothing is left (exit 7)",
                  f"{reverts} reverts, then exit {code}: {lines[-1:]} {err}")
            check("Nothing to revert" in failed_message(lines), f"{what}: says there is nothing to revert")
            final = snapshot(root)
            check(final == original, f"{what}: revert is byte for byte (content, mode, owner)",
                  str(tree_diff(original, final)))
            log = command_log(root)
            # a rebuild runs again on the restored files; a command that keeps state itself is undone
            reverted = [undo or argv for argv, undo in zip(plan["commands"], plan["undo_commands"])]
            check(log[:len(reverted)] == expected_log(reverted),
                  f"{what}: revert reran the rebuild commands and ran the undo commands",
                  f"{log} != {expected_log(reverted)}")
            code, lines, _ = t.helper_run(["status"], root)
            check(code == 0 and any(line.startswith("state reverted ") for line in lines),
                  f"{what}: status says reverted", str(lines))
        shutil.rmtree(root)

    gpu_hosts = [h for h in hosts if host_gpus(t.hosts, h)]
    print(f"reserved and reverted on {len(reserved_hosts)} of {len(gpu_hosts)} hosts with a GPU: {sorted(reserved_hosts)}")
    kinds = set()
    for host in reserved_hosts:
        kinds.update(host_kinds(t.hosts, host))
    # hosts whose every plan is a refusal (NixOS) have nothing to reserve
    refusing = {h for h in gpu_hosts if os.path.exists(os.path.join(t.hosts, h + ".expect"))
                and any(line.startswith("plan refused ") for line in open(os.path.join(t.hosts, h + ".expect")))}
    every_kind = {kind for h in gpu_hosts if h not in refusing for kind in host_kinds(t.hosts, h)}
    check(len(reserved_hosts) >= 3, "at least three hosts were reserved and reverted", str(reserved_hosts))
    missing = sorted(k for k in every_kind - kinds if not k.endswith(("-acs", "-iommu")))
    check(not missing, "every host kind (overlay) was reserved and reverted at least once", str(missing))


# failure at every step

def first_plannable(t, host, root):
    for address in host_gpus(t.hosts, host):
        plan = t.plan(root, address)
        if "error" not in plan and not plan.get("refused") and plan.get("files"):
            return address, plan
    return None, None


def faults(t):
    hosts = sorted(f[:-5] for f in os.listdir(t.hosts) if f.endswith(".host"))
    tried_kinds = set()
    for host in hosts:
        kind = tuple(host_kinds(t.hosts, host))[:1]
        if kind in tried_kinds:
            continue
        root = t.make_root(host)
        address, plan = first_plannable(t, host, root)
        if address is None:
            shutil.rmtree(root)
            continue
        tried_kinds.add(kind)
        n_files, commands = len(plan["files"]), plan["commands"]
        original = snapshot(root)

        injections = [("backup", 1)] + [("write", i) for i in range(1, n_files + 1)] \
            + [("rename", i) for i in range(1, n_files + 1)] + [("command", i) for i in range(1, len(commands) + 1)] \
            + [("command-after", i) for i in range(1, len(commands) + 1)]
        for kind_name, n in injections:
            what = f"{host} reserve {address} with {kind_name}:{n} failing"
            clear_command_log(root)
            code, lines, err = t.helper_run(t.reserve_args(root, address), root, {"PP_HELPER_FAIL_AT": f"{kind_name}:{n}"})
            check_events(lines, code, what)
            check(code == EXIT["failed"], f"{what}: exit 1", f"exit {code}: {lines[-2:]} {err}")
            check(f"injected failure at {kind_name} {n}" in failed_message(lines), f"{what}: says what failed",
                  failed_message(lines))
            written = kind_name.startswith("command") or (kind_name in ("write", "rename") and n > 1)
            if written:
                check("every file was put back" in failed_message(lines), f"{what}: says every file was put back",
                      failed_message(lines))
            check(snapshot(root) == original, f"{what}: every file as it was",
                  str(tree_diff(original, snapshot(root))))
            if kind_name == "command":
                # it failed before it started: only those before it ran, and run again
                ran = expected_log(commands[:n - 1])
                # a rebuild runs again on the restored files; a command with an undo is undone
                rolled_back = expected_log([undo or argv for argv, undo in zip(commands[:n - 1], plan["undo_commands"])])
                check(command_log(root) == ran + rolled_back,
                      f"{what}: the commands that ran were run again or undone", str(command_log(root)))
            if kind_name == "command-after":
                # it wrote its output (or changed state), then failed: it is run again,
                # or undone, with those before it
                ran = expected_log(commands[:n])
                rolled_back = expected_log([undo or argv for argv, undo in zip(commands[:n], plan["undo_commands"])])
                check(command_log(root) == ran + rolled_back,
                      f"{what}: the failed command itself was run again or undone", str(command_log(root)))
                undo = plan["undo_commands"][n - 1]
                said = f"rollback Running {' '.join(undo)}" if undo else f"rollback Running {' '.join(commands[n - 1])} again"
                check(said in lines, f"{what}: says it runs the failed command again or its undo")
                check(newest_state(root) == "rolled-back", f"{what}: the set is marked rolled-back")
            check(lock_is_free(root), f"{what}: the lock is free")

        for argv in commands:
            tool = os.path.basename(argv[0])
            what = f"{host} reserve {address} with {tool} failing"
            marker = os.path.join(root, f"pp-fail-{tool}")
            open(marker, "w").close()
            before = snapshot(root)
            clear_command_log(root)
            code, lines, err = t.helper_run(t.reserve_args(root, address), root)
            after = snapshot(root)
            os.unlink(marker)
            # the failed tool is run again on the restored files (or, where it keeps
            # state, its undo runs), and fails again
            check(code == EXIT["rollback-failed"], f"{what}: exit 9", f"exit {code}: {lines[-2:]}")
            check(f"{tool}" in failed_message(lines) and "exited with status 1" in failed_message(lines),
                  f"{what}: names the command and its status", failed_message(lines))
            # the first command of that tool is the one that fails
            first = next(i for i, c in enumerate(commands) if os.path.basename(c[0]) == tool)
            failed, undo = commands[first], plan["undo_commands"][first]
            said = f"running {' '.join(undo)} failed" if undo else f"running {' '.join(failed)} again failed"
            check(said in failed_message(lines), f"{what}: says running it again (or its undo) failed too",
                  failed_message(lines))
            check(any(line.startswith(f"log {tool}: ") and "failing on purpose" in line for line in lines),
                  f"{what}: streams the tool's output as log events")
            check([entry[0] for entry in command_log(root)].count(tool) == 2, f"{what}: it ran twice",
                  str(command_log(root)))
            check(after == before, f"{what}: every file as it was", str(tree_diff(before, after)))
            check(lock_is_free(root), f"{what}: the lock is free")

        code, lines, _ = t.helper_run(["status"], root)
        check(code == 0 and not any(line.startswith("state applied") for line in lines),
              f"{host}: after failed runs nothing is applied", str(lines))

        # now revert, failing at every step, from the applied state
        code, lines, _ = t.helper_run(t.reserve_args(root, address), root)
        check(code == 0, f"{host}: reserve after the failed runs works", str(lines[-2:]))
        applied = snapshot(root)
        # revert writes back the files that existed and removes the ones reserve created
        n_writes = sum(1 for line in lines if line.startswith("step ") and " Writing " in line)
        injections = [("write", i) for i in range(1, n_writes + 1)] + [("rename", i) for i in range(1, n_writes + 1)] \
            + [("command", i) for i in range(1, len(commands) + 1)] \
            + [("command-after", i) for i in range(1, len(commands) + 1)]
        for kind_name, n in injections:
            what = f"{host} revert with {kind_name}:{n} failing"
            code, lines, err = t.helper_run(["revert"], root, {"PP_HELPER_FAIL_AT": f"{kind_name}:{n}"})
            check_events(lines, code, what)
            check(code == EXIT["failed"], f"{what}: exit 1", f"exit {code}: {lines[-2:]} {err}")
            check(snapshot(root) == applied, f"{what}: every file as it was (still reserved)",
                  str(tree_diff(applied, snapshot(root))))
            check(newest_state(root) == "applied" and lock_is_free(root),
                  f"{what}: the set is still applied, the lock free")
        code, lines, _ = t.helper_run(["revert"], root)
        check(code == 0, f"{host}: revert after the failed reverts works", str(lines[-2:]))
        check(snapshot(root) == original, f"{host}: and puts every file back", str(tree_diff(original, snapshot(root))))

        # a run cut short after its first write (power cut): the set stays "incomplete",
        # status says so, and revert puts back what was written
        code, lines, _ = t.helper_run(t.reserve_args(root, address), root)
        check(code == 0, f"{host}: reserve for the cut-short case", str(lines[-2:]))
        set_dir = os.path.join(root, "var/lib/passthrough-prep/backups", backups(root)[-1])
        manifest = open(os.path.join(set_dir, "manifest")).read()
        open(os.path.join(set_dir, "manifest"), "w").write(manifest.replace("state=applied", "state=incomplete"))
        for i in range(1, manifest.count("[file ")):
            section = manifest.split(f"[file {i}]")[1].split("\n\n")[0]
            path_i = re.search(r"^path=(.*)$", section, re.M).group(1)
            if "created=true" in section:
                os.unlink(os.path.join(root, path_i.lstrip("/")))
            else:
                shutil.copyfile(os.path.join(set_dir, f"files/{i}"), os.path.join(root, path_i.lstrip("/")))
        code, lines, _ = t.helper_run(["status"], root)
        check(code == 0 and lines[0].startswith("state incomplete ") and "file applied" in lines[1]
              and all(line.startswith("file original") for line in lines[2:-1]),
              f"{host}: status of a run cut short", str(lines))
        code, lines, _ = t.helper_run(["revert"], root)
        check(code == 0, f"{host}: revert of a run cut short works", str(lines[-2:]))
        check(snapshot(root) == original, f"{host}: and puts every file back", str(tree_diff(original, snapshot(root))))

        # ignoring a signal is the process's, stopping on SIGTERM depends on the steps a host has
        signals_at_every_step(t, host, root, address, plan, original,
                              SIGNAL_FAULTS if len(tried_kinds) == 1 else ["sigterm"])
        if len(tried_kinds) == 1:
            signals_from_outside(t, host, root, address, original)
        if len(commands) >= 2:
            signal_from_a_command(t, host, root, address, plan, original)
        shutil.rmtree(root)

    check(len(tried_kinds) >= 3, "failures injected on at least three host kinds", str(tried_kinds))
    save_rom_faults(t)
    caller_limits_and_signals(t)
    stuck_reader(t)


# signals

SIGNAL_FAULTS = {"sigint": signal.SIGINT, "sighup": signal.SIGHUP, "sigterm": signal.SIGTERM}


def step_count(lines):
    steps = [line for line in lines if line.startswith("step ")]
    return int(steps[0].split()[1].split("/")[1]) if steps else 0


def check_all_or_nothing(root, code, lines, applied, original, state_applied, state_back, what, ignore=()):
    """exit 0: every file as applied; exit 1: every file as before. Either way the lock is free."""
    now = {path: entry for path, entry in snapshot(root).items() if path not in ignore}
    applied = {path: entry for path, entry in applied.items() if path not in ignore}
    original = {path: entry for path, entry in original.items() if path not in ignore}
    if code == 0:
        check(now == applied, f"{what}: done, every file as applied", str(tree_diff(applied, now)))
        check(newest_state(root) == state_applied, f"{what}: the set is {state_applied}", str(newest_state(root)))
    else:
        check(code == EXIT["failed"], f"{what}: exit 0 or 1", f"exit {code}: {lines[-1:]}")
        check(now == original, f"{what}: every file put back", str(tree_diff(original, now)))
        check(newest_state(root) in state_back, f"{what}: the set is {state_back}", str(newest_state(root)))
    check(lock_is_free(root), f"{what}: the lock is free")


def signals_at_every_step(t, host, root, address, plan, original, names):
    """The test hook raises SIGINT, SIGHUP or SIGTERM (those of NAMES) as
    step K starts: the first two change nothing, SIGTERM stops the run
    before step K and puts every file back"""
    commands, n_files = plan["commands"], len(plan["files"])
    reserve = t.reserve_args(root, address)
    code, lines, _ = t.helper_run(reserve, root)
    check(code == 0, f"{host}: reserve before the signals", str(lines[-2:]))
    applied, reserve_steps = snapshot(root), step_count(lines)
    code, lines, _ = t.helper_run(["revert"], root)
    revert_steps = step_count(lines)
    check(code == 0 and reserve_steps > 0 and revert_steps > 0, f"{host}: revert before the signals")

    signals = [(name, SIGNAL_FAULTS[name]) for name in names]
    for name, signum in signals:
        for k in range(1, reserve_steps + 1):
            what = f"{host} reserve with {name.upper()} as step {k} starts"
            sets, state_before = backups(root), newest_state(root)
            clear_command_log(root)
            code, lines, err = t.helper_run(reserve, root, {"PP_HELPER_FAIL_AT": f"{name}:{k}"})
            check_events(lines, code, what)
            if signum != signal.SIGTERM:
                check(code == 0, f"{what}: ignored, exit 0", f"exit {code}: {lines[-2:]} {err}")
                check_all_or_nothing(root, code, lines, applied, original, "applied", (), what)
                code, lines, _ = t.helper_run(["revert"], root)
                check(code == 0 and snapshot(root) == original, f"{what}: then reverts")
                continue
            check(code == EXIT["failed"] and f"stopped by SIGTERM before step {k} of {reserve_steps}"
                  in failed_message(lines), f"{what}: stops there, exit 1", f"exit {code}: {lines[-1:]}")
            check(not any(line.startswith(f"step {k + 1}/") for line in lines), f"{what}: no step after it")
            check_all_or_nothing(root, code, lines, applied, original, "applied",
                                 (state_before,) if k == 1 else ("rolled-back",), what)
            if k == 1:
                check(backups(root) == sets, f"{what}: no backup set was saved")
            ran_commands = commands[:max(0, k - 2 - n_files)]
            ran = expected_log(ran_commands)
            rolled_back = expected_log([undo or argv for argv, undo in zip(ran_commands, plan["undo_commands"])])
            check(command_log(root) == ran + rolled_back, f"{what}: the commands that ran were run again or undone",
                  str(command_log(root)))

    for name, signum in signals:
        for k in range(1, revert_steps + 1):
            what = f"{host} revert with {name.upper()} as step {k} starts"
            code, lines, _ = t.helper_run(reserve, root)
            check(code == 0, f"{what}: reserve first", str(lines[-2:]))
            code, lines, err = t.helper_run(["revert"], root, {"PP_HELPER_FAIL_AT": f"{name}:{k}"})
            check_events(lines, code, what)
            if signum != signal.SIGTERM:
                check(code == 0, f"{what}: ignored, exit 0", f"exit {code}: {lines[-2:]} {err}")
                check_all_or_nothing(root, code, lines, original, applied, "reverted", (), what)
                continue
            check(code == EXIT["failed"] and f"stopped by SIGTERM before step {k}" in failed_message(lines),
                  f"{what}: stops there, exit 1", f"exit {code}: {lines[-1:]}")
            check_all_or_nothing(root, code, lines, original, applied, "reverted", ("applied",), what)
            code, lines, _ = t.helper_run(["revert"], root)
            check(code == 0 and snapshot(root) == original, f"{what}: a revert after it works", str(lines[-2:]))


def signals_from_outside(t, host, root, address, original):
    """^C, a hang-up and SIGTERM sent to the helper's process group (as a
    terminal and a shutdown do) as it prints step K: all applied or all back"""
    reserve = t.reserve_args(root, address)
    code, lines, _ = t.helper_run(reserve, root)
    applied, steps = snapshot(root), step_count(lines)
    t.helper_run(["revert"], root)
    for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        for k in range(1, steps + 1):
            what = f"{host} reserve, {signal.Signals(signum).name} to its process group at step {k}"
            proc = subprocess.Popen(t.helper_argv(reserve, root), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                    env=t.helper_env(), start_new_session=True)
            lines = []
            for raw in proc.stdout:
                lines.append(raw.decode("utf-8", "replace").rstrip("\n"))
                if lines[-1].startswith(f"step {k}/"):
                    try:
                        os.killpg(proc.pid, signum)
                    except ProcessLookupError:
                        pass
            code = proc.wait(timeout=60)
            check_events(lines, code, what)
            if signum != signal.SIGTERM:
                check(code == 0, f"{what}: ignored, exit 0", f"exit {code}: {lines[-1:]}")
            check_all_or_nothing(root, code, lines, applied, original, "applied", ("rolled-back", "reverted"), what)
            if code == 0:
                code, lines, _ = t.helper_run(["revert"], root)
                check(code == 0 and snapshot(root) == original, f"{what}: then reverts", str(lines[-2:]))

    # bursts of ^C and hang-ups at every step, commands starting included: a
    # command must be out of the helper's group before it takes SIGINT's default
    for run in range(10):
        what = f"{host} reserve, SIGINT and SIGHUP to its process group all along (run {run + 1})"
        proc = subprocess.Popen(t.helper_argv(reserve, root), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=t.helper_env(), start_new_session=True)

        def keep_signalling(signum):
            while proc.poll() is None:
                try:
                    os.killpg(proc.pid, signum)
                except ProcessLookupError:
                    break
        # from its first line on: before main() runs, no program can ignore a signal
        lines = [proc.stdout.readline().decode("utf-8", "replace").rstrip("\n")]
        sender = threading.Thread(target=keep_signalling, args=(signal.SIGHUP if run % 2 else signal.SIGINT,))
        sender.start()
        lines += [raw.decode("utf-8", "replace").rstrip("\n") for raw in proc.stdout]
        code = proc.wait(timeout=60)
        sender.join()
        check(code == 0, f"{what}: no command was killed, exit 0", f"exit {code}: {lines[-1:]}")
        check_all_or_nothing(root, code, lines, applied, original, "applied", (), what)
        code, lines, _ = t.helper_run(["revert"], root)
        check(code == 0 and snapshot(root) == original, f"{what}: then reverts", str(lines[-2:]))


def signal_from_a_command(t, host, root, address, plan, original):
    """The first command signals the helper while it runs: SIGINT and SIGHUP
    change nothing; after SIGTERM the next command never starts, every file
    is put back and the first command runs again on them"""
    commands = plan["commands"]
    first, second = os.path.basename(commands[0][0]), os.path.basename(commands[1][0])
    reserve = t.reserve_args(root, address)
    code, lines, _ = t.helper_run(reserve, root)
    applied = snapshot(root)
    t.helper_run(["revert"], root)
    tool = os.path.relpath(tool_path(root, first), root)
    for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
        name = signal.Signals(signum).name
        what = f"{host} reserve, {first} sends {name} to the helper"
        with ReplacedTool(root, first, f'kill -s {name[3:]} "$PPID"'):
            clear_command_log(root)
            code, lines, err = t.helper_run(reserve, root)
            check_events(lines, code, what)
            if signum != signal.SIGTERM:
                check(code == 0, f"{what}: ignored, exit 0", f"exit {code}: {lines[-2:]} {err}")
                check_all_or_nothing(root, code, lines, applied, original, "applied", (), what, {tool})
                t.helper_run(["revert"], root)
                continue
            check(code == EXIT["failed"] and "stopped by SIGTERM before step" in failed_message(lines)
                  and f"(Running {' '.join(commands[1])})" in failed_message(lines),
                  f"{what}: stops before {second}", f"exit {code}: {lines[-1:]}")
            check_all_or_nothing(root, code, lines, applied, original, "applied", ("rolled-back",), what, {tool})
            check(command_log(root) == expected_log(commands[:1]) + expected_log([plan["undo_commands"][0] or commands[0]]),
                  f"{what}: {first} ran again (or was undone), {second} never", str(command_log(root)))


# in sh, a child of the stand-in: bash ignores SIGQUIT for itself
PROBE = ("sh -c '{ while read -r l; do case $l in SigIgn*|SigBlk*) echo \"$l\";; esac; done < /proc/$$/status\n"
         "  while read -r l; do echo \"$l\"; done < /proc/$$/limits\n"
         "  read -r s < /proc/$$/stat; echo \"stat: $s\"; } > \"$1/probe.txt\"' sh \"$root\"")


def caller_limits_and_signals(t):
    """A caller's small soft limits, ignored SIGCHLD and blocked signals: the
    run works, and its commands get a session of their own, default signal
    handling and the safe limits"""
    host = "desktop-intel-nvidia"
    root = t.make_root(host)
    address, plan = first_plannable(t, host, root)
    reserve = t.reserve_args(root, address)
    original = snapshot(root)

    def hostile_caller():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, resource.RLIM_INFINITY))
        resource.setrlimit(resource.RLIMIT_CPU, (1, resource.RLIM_INFINITY))
        resource.setrlimit(resource.RLIMIT_NOFILE, (16, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
        resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGCHLD, signal.SIGUSR1})

    code, lines, _ = t.helper_run(reserve, root)
    applied = snapshot(root)
    t.helper_run(["revert"], root)

    what = f"{host} reserve with RLIMIT_FSIZE of 4 KiB, SIGCHLD ignored, signals blocked"
    clear_command_log(root)
    with ReplacedTool(root, os.path.basename(plan["commands"][0][0]), PROBE):
        code, lines, err = t.helper_run(reserve, root, preexec=hostile_caller)
    check_events(lines, code, what)
    check(code == 0, f"{what}: works", f"exit {code}: {lines[-2:]} {err}")
    probe = open(os.path.join(root, "probe.txt")).read()
    os.unlink(os.path.join(root, "probe.txt"))
    check(snapshot(root) == applied, f"{what}: every file as applied, byte for byte",
          str(tree_diff(applied, snapshot(root))))
    check(command_log(root) == expected_log(plan["commands"]), f"{what}: ran the plan's commands (their status seen)")
    check(newest_state(root) == "applied" and lock_is_free(root), f"{what}: applied, the lock free")
    limits = {m.group(1): m.group(2) for m in re.finditer(r"^(Max [a-z ]+?)\s{2,}(\S+)", probe, re.M)}
    check(limits.get("Max file size") == "unlimited" and limits.get("Max cpu time") == "unlimited"
          and limits.get("Max open files") == "1024" and limits.get("Max core file size") == "0"
          and limits.get("Max stack size") == str(8 * 1024 * 1024), f"{what}: the command gets the safe limits",
          str(limits))
    check("SigIgn:\t0000000000000000" in probe and "SigBlk:\t0000000000000000" in probe,
          f"{what}: the command gets default signal handling and no blocked signal", probe)
    # "stat: PID (COMM) STATE PPID PGRP SESSION": the probe's parent is the command the helper started
    stat_fields = probe.split("stat: ")[1].split(")")[1].split()
    command_pid = int(stat_fields[1])
    check(int(stat_fields[3]) == command_pid and int(stat_fields[2]) == command_pid,
          f"{what}: the command leads a session of its own", probe)
    code, lines, _ = t.helper_run(["revert"], root, preexec=hostile_caller)
    check(code == 0 and snapshot(root) == original, f"{what}: revert too", str(lines[-2:]))

    # stdout and stderr closed: no file the helper opens may take their place
    what = f"{host} reserve with stdout and stderr closed"
    proc = subprocess.run(t.helper_argv(reserve, root), env=t.helper_env(), timeout=120,
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          preexec_fn=lambda: (os.close(1), os.close(2)))
    check(proc.returncode == 0 and snapshot(root) == applied, f"{what}: works", f"exit {proc.returncode}")
    code, lines, _ = t.helper_run(["status"], root)
    check(code == 0 and any(line.startswith("state applied ") for line in lines)
          and open(os.path.join(root, "var/lib/passthrough-prep/lock")).read() == "",
          f"{what}: no event went into a file it opened", str(lines))
    code, lines, _ = t.helper_run(["revert"], root)
    check(code == 0 and snapshot(root) == original, f"{what}: then reverts", str(lines[-2:]))
    shutil.rmtree(root)


CHATTY = 'for i in $(seq 1 10000); do echo "chatty line $i of what a rebuild prints"; done; : > "$root/var/chatty-done"'


def stuck_reader(t):
    """A command prints 10,000 lines into a stdout pipe nobody reads: the run
    still finishes in its normal time, lines are dropped, and the last line
    says how many"""
    host = "desktop-intel-nvidia"
    root = t.make_root(host)
    address, plan = first_plannable(t, host, root)
    reserve = t.reserve_args(root, address)
    tool = os.path.basename(plan["commands"][0][0])
    with ReplacedTool(root, tool, CHATTY):
        original = snapshot(root)
        what = f"{host} reserve, {tool} printing 10,000 lines, read"
        start = time.monotonic()
        code, lines, err = t.helper_run(reserve, root)
        normal = time.monotonic() - start
        check(code == 0 and sum(line.startswith(f"log {tool}: chatty line") for line in lines) == 10000,
              f"{what}: every line arrives", f"exit {code}: {lines[-2:]}")
        check("dropped" not in lines[-1], f"{what}: none dropped", lines[-1])
        applied = snapshot(root)
        t.helper_run(["revert"], root)

        what = f"{host} reserve, {tool} printing 10,000 lines into a stdout pipe nobody reads"
        start = time.monotonic()
        proc = subprocess.Popen(t.helper_argv(reserve, root), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env=t.helper_env())
        try:
            code = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            code = proc.wait()
        took = time.monotonic() - start
        check(code == 0, f"{what}: exit 0", f"exit {code}")
        check(took < 30 and took < normal + 10, f"{what}: finishes in its normal time ({took:.1f} s, read: {normal:.1f} s)")
        check(snapshot(root) == applied, f"{what}: every file as applied", str(tree_diff(applied, snapshot(root))))
        check(newest_state(root) == "applied" and lock_is_free(root), f"{what}: applied, the lock free")
        kept = proc.stdout.read().decode("utf-8", "replace")
        proc.stdout.close()
        check(kept.endswith("\n") and all(EVENT_RE.match(line) for line in kept.splitlines()),
              f"{what}: what the pipe kept is whole event lines", kept[-200:])
        code, lines, _ = t.helper_run(["revert"], root)
        check(code == 0 and snapshot(root) == original, f"{what}: then reverts",
              f"exit {code}: {lines[-2:]} {tree_diff(original, snapshot(root))}")

        what = f"{host} reserve, {tool} printing 10,000 lines, the reader late"
        done_marker = os.path.join(root, "var/chatty-done")
        if os.path.exists(done_marker):
            os.unlink(done_marker)
        proc = subprocess.Popen(t.helper_argv(reserve, root), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                env=t.helper_env())
        deadline = time.monotonic() + 30
        while not os.path.exists(done_marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        lines = proc.stdout.read().decode("utf-8", "replace").splitlines()
        code = proc.wait(timeout=60)
        m = re.search(r" \((\d+) of (\d+) progress lines were dropped: their reader did not keep up\)$",
                      lines[-1] if lines else "")
        check(code == 0 and m is not None, f"{what}: done says how many lines were dropped",
              f"exit {code}: {lines[-1:]}")
        if m:
            dropped, emitted = int(m.group(1)), int(m.group(2))
            check(0 < dropped < emitted and len(lines) - 1 == emitted - dropped,
                  f"{what}: the lines that arrived and those dropped add up",
                  f"{len(lines) - 1} arrived, {dropped} of {emitted} dropped")
        check(all(EVENT_RE.match(line) for line in lines), f"{what}: every line that arrived is a whole event")
        check(snapshot(root) == applied and newest_state(root) == "applied" and lock_is_free(root),
              f"{what}: applied, the lock free")
    shutil.rmtree(root)


# bad input

def bad_input(t):
    host = "desktop-intel-nvidia"
    root = t.make_root(host)
    address, plan = first_plannable(t, host, root)
    check(address is not None, f"{host} has a GPU to reserve")
    address = address or "0000:01:00.0"
    is_root = os.geteuid() == 0
    cases = 0

    def case(what, args, code, message, setup=None, undo=None, env=None, with_root=True, preexec=None, at=None):
        nonlocal cases
        cases += 1
        at = at or root
        if setup:
            setup()
        before = snapshot(at)
        sets = backups(at)
        roms = saved_roms(at)
        c, lines, err = t.helper_run(args, at if with_root else None, env, preexec=preexec)
        check_events(lines, c, what)
        check(c == code, f"bad input: {what}: exit {code}", f"exit {c}: {lines[-1:]}")
        check(message in failed_message(lines), f"bad input: {what}: says {message!r}", failed_message(lines))
        check(message in err, f"bad input: {what}: says it on stderr too", err)
        check(snapshot(at) == before and backups(at) == sets and saved_roms(at) == roms,
              f"bad input: {what}: nothing changed", str(tree_diff(before, snapshot(at))))
        if undo:
            undo()

    def path(p):
        return os.path.join(root, p)

    usage = EXIT["usage"]
    case("no intent", [], usage, "no intent given")
    case("empty intent", [""], usage, "unknown intent an empty argument")
    case("unknown intent", ["frobnicate"], usage, 'unknown intent "frobnicate"')
    reserve = t.reserve_args(root, address)
    digest = reserve[-1]
    case("upper-case intent", ["RESERVE", address, digest], usage, 'unknown intent "RESERVE"')
    case("reserve without an address", ["reserve"], usage, "reserve needs the PCI address")
    case("short address", ["reserve", "01:00.0"], usage, '"01:00.0" is not a PCI address')
    case("upper-case address", ["reserve", "0000:0A:00.0"], usage, '"0000:0A:00.0" is not a PCI address')
    case("function 8", ["reserve", "0000:01:00.8"], usage, "is not a PCI address")
    case("path-like address", ["reserve", "../../etc/shadow"], usage, '"../../etc/shadow" is not a PCI address')
    case("absolute path", ["reserve", "/etc/default/grub"], usage, "is not a PCI address")
    case("shell metacharacters", ["reserve", address + ";reboot"], usage, "is not a PCI address")
    case("overlong address", ["reserve", "0" * 5000], usage, "an argument of 5000 bytes is not a PCI address")
    case("non-ASCII address", ["reserve", "0000:01:00.٠"], usage, "non-ASCII or control characters")
    case("newline in address", ["reserve", address + "\n"], usage, "non-ASCII or control characters")
    case("extra argument", ["reserve", address, digest, "0000:01:00.1"], usage,
         'unexpected "0000:01:00.1" after reserve')
    case("reserve without a digest", ["reserve", address], usage, "reserve needs the digest of the plan")
    case("an address for a digest", ["reserve", address, "0000:01:00.1"], usage,
         '"0000:01:00.1" is not a plan digest')
    case("upper-case digest", ["reserve", address, digest.upper()], usage, "is not a plan digest")
    case("overlong digest", ["reserve", address, digest + "0"], usage, "an argument of 65 bytes is not a plan digest")
    case("digest of another plan", ["reserve", address, NO_DIGEST], EXIT["plan-changed"],
         "the system changed since the plan")
    case("misspelt ACS override", ["reserve", address, "ACS-override", digest], usage,
         '"ACS-override" is not a plan digest')
    case("ACS override after the digest", ["reserve", address, digest, "acs-override"], usage,
         'unexpected "acs-override" after reserve')
    case("ACS override for a GPU that needs none", ["reserve", address, "acs-override", digest], EXIT["refused"],
         "needs no ACS override")
    case("ACS override before the mode", ["reserve", address, "acs-override", "every-boot", digest], usage,
         '"every-boot" is not a plan digest')

    grub_text = open(path("etc/default/grub"), "rb").read()

    def edit_grub_after_review():
        with open(path("etc/default/grub"), "ab") as f:
            f.write(b"# edited after the review\n")

    def undo_grub_edit():
        open(path("etc/default/grub"), "wb").write(grub_text)
    case("a file changed after the review", reserve, EXIT["plan-changed"], "the system changed since the plan",
         setup=edit_grub_after_review)
    fresh = t.reserve_args(root, address)
    check(fresh[-1] != digest, "bad input: the changed file gives another digest")
    code, lines, _ = t.helper_run(fresh, root)
    check(code == 0, "bad input: reserving with the fresh digest works", str(lines[-2:]))
    code, lines, _ = t.helper_run(["revert"], root)
    check(code == 0, "bad input: and reverts", str(lines[-2:]))
    undo_grub_edit()
    case("argument to revert", ["revert", "now"], usage, 'unexpected "now" after revert')
    case("option to status", ["status", "--json"], usage, 'unexpected "--json" after status')
    case("--root not first", ["status", "--root", root], usage, 'unexpected "--root" after status')
    case("--root without a directory", ["--root"], usage, "--root needs a directory", with_root=False)
    case("--root to a missing directory", ["--root", root + "/missing", "status"], usage, "--root: no such directory",
         with_root=False)
    case("--root under pkexec", ["status"], EXIT["not-permitted"], "refused when run through pkexec",
         env={"PKEXEC_UID": "1000"})
    case("bad PP_HELPER_FAIL_AT", ["status"], usage, "PP_HELPER_FAIL_AT", env={"PP_HELPER_FAIL_AT": "everything"})
    case("revert with nothing applied", ["revert"], EXIT["nothing-to-do"], "Nothing to revert")
    empty = os.path.join(t.work, "empty-root")
    os.makedirs(empty, exist_ok=True)
    case("a root with no PCI bus", ["--root", empty] + reserve, EXIT["host"],
         f"cannot plan reserving {address}", with_root=False)
    case("non-GPU address (USB controller)", ["reserve", "0000:00:14.0", NO_DIGEST], EXIT["refused"],
         "0000:00:14.0 is not a GPU")
    case("address of no device", ["reserve", "0000:0e:00.0", NO_DIGEST], EXIT["refused"], "no PCI device 0000:0e:00.0")

    import fcntl
    lock_holder = {}

    def hold_lock():
        os.makedirs(path("var/lib/passthrough-prep"), exist_ok=True)
        lock_holder["f"] = open(path("var/lib/passthrough-prep/lock"), "a")
        fcntl.flock(lock_holder["f"], fcntl.LOCK_EX)

    case("another helper running", reserve, EXIT["busy"], "another passthrough-prep-helper is changing",
         setup=hold_lock, undo=lambda: lock_holder["f"].close())

    grub = "etc/default/grub"
    real = path("etc/default/grub.real")

    def link_grub():
        os.rename(path(grub), real)
        os.symlink("grub.real", path(grub))

    def unlink_grub():
        os.unlink(path(grub))
        os.rename(real, path(grub))
    case("symlinked target file", reserve, EXIT["unsafe"], "/etc/default/grub is a symbolic link",
         setup=link_grub, undo=unlink_grub)

    def link_default_dir():
        os.rename(path("etc/default"), path("etc/default.real"))
        os.symlink("default.real", path("etc/default"))

    def unlink_default_dir():
        os.unlink(path("etc/default"))
        os.rename(path("etc/default.real"), path("etc/default"))
    case("symlinked parent directory", reserve, EXIT["unsafe"], "/etc/default is a symbolic link",
         setup=link_default_dir, undo=unlink_default_dir)

    def world_writable():
        os.chmod(path(grub), 0o666)
    case("world-writable target", reserve, EXIT["unsafe"], "/etc/default/grub is writable by every user",
         setup=world_writable, undo=lambda: os.chmod(path(grub), 0o644))

    if is_root:
        def foreign_owner():
            os.chown(path(grub), 65534, 65534)
        case("target not owned by root (run as root)", reserve, EXIT["unsafe"],
             "/etc/default/grub is owned by uid 65534", setup=foreign_owner, undo=lambda: os.chown(path(grub), 0, 0))

        def drop_to_nobody():
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
        # nobody must be able to reach the helper it runs: a build dir in a 0700 home or a
        # mktemp dir is not, so then a copy in a directory of its own runs instead
        built_helper, copy_dir = t.helper, None
        if not reachable_by_nobody(built_helper):
            copy_dir = tempfile.mkdtemp(prefix="pp-helper-as-nobody-")
            os.chmod(copy_dir, 0o755)
            t.helper = os.path.join(copy_dir, os.path.basename(built_helper))
            shutil.copy(built_helper, t.helper)
            os.chmod(t.helper, 0o755)
        try:
            case("not root, no --root", ["status"], EXIT["not-permitted"], "only runs as root", with_root=False,
                 preexec=drop_to_nobody)
        finally:
            t.helper = built_helper
            if copy_dir:
                shutil.rmtree(copy_dir)

    # a file changed after reserve: revert refuses and says where the original is
    code, lines, _ = t.helper_run(t.reserve_args(root, address), root)
    check(code == 0, "bad input: reserve for the changed-since case", str(lines[-2:]))
    if code == 0:
        changed_path = path(plan["files"][0]["path"].lstrip("/"))
        saved = open(changed_path, "rb").read()

        def edit_by_hand():
            with open(changed_path, "ab") as f:
                f.write(b"# edited by hand\n")
        case("revert after a file changed", ["revert"], EXIT["changed-since"],
             f"{plan['files'][0]['path']} changed since passthrough-prep wrote it", setup=edit_by_hand,
             undo=lambda: open(changed_path, "wb").write(saved))
        code, lines, _ = t.helper_run(["revert"], root)
        check(code == 0, "bad input: revert once the file is back", str(lines[-2:]))

    # a mode or owner change after reserve counts as a change: revert refuses, and says where the original is
    code, lines, _ = t.helper_run(t.reserve_args(root, address), root)
    check(code == 0, "bad input: reserve for the mode-change case", str(lines[-2:]))
    if code == 0:
        grub_path = path("etc/default/grub")
        grub_stat = os.stat(grub_path)
        case("revert after a mode change", ["revert"], EXIT["changed-since"],
             f"/etc/default/grub has mode 0600 and owner {grub_stat.st_uid}:{grub_stat.st_gid} now, not 0644",
             setup=lambda: os.chmod(grub_path, 0o600), undo=lambda: os.chmod(grub_path, 0o644))
        if is_root:
            case("revert after an owner change (run as root)", ["revert"], EXIT["changed-since"],
                 "/etc/default/grub has mode 0644 and owner 0:65534 now, not 0644 and 0:0",
                 setup=lambda: os.chown(grub_path, 0, 65534), undo=lambda: os.chown(grub_path, 0, 0))

        # a tampered backup set: revert and status refuse it, naming what and where; nothing is removed or run
        manifest = manifest_path(root)
        valid_manifest = open(manifest).read()
        created = re.search(r"^\[file (\d+)\]\npath=[^\n]*\ncreated=true$", valid_manifest, re.M)
        for decoy in ("etc/shadow", "etc/passwd"):
            open(path(decoy), "w").write("root:x:0:0::/root:/bin/bash\n")

        def tampered(section, key, value):
            text = re.sub(rf"(^\[{section}\]\n(?:[^\[\n][^\n]*\n)*?){key}=[^\n]*$", rf"\g<1>{key}={value}",
                          valid_manifest, count=1, flags=re.M)
            check(text != valid_manifest, f"bad input: the manifest has [{section}] {key}")

            def setup():
                open(manifest, "w").write(text)

            def undo():
                check(open(manifest).read() == text, f"bad input: [{section}] {key}={value}: the manifest is kept")
                check(not os.path.exists(path("pwned")), f"bad input: [{section}] {key}={value}: nothing ran")
                open(manifest, "w").write(valid_manifest)
            return {"setup": setup, "undo": undo}

        where = f"/var/lib/passthrough-prep/backups/{backups(root)[-1]}/manifest: "
        for intent in (["revert"], ["status"]):
            case(f"{intent[0]} of a set naming /etc/shadow", intent, EXIT["bad-backup"],
                 where + "[file 0] path “/etc/shadow” is not a file passthrough-prep writes",
                 **tampered("file 0", "path", "/etc/shadow"))
        check(created is not None, "bad input: the set has a file reserve created")
        if created:
            case("revert of a set with created=true on /etc/passwd", ["revert"], EXIT["bad-backup"],
                 where + f"[file {created.group(1)}] path “/etc/passwd” is not a file passthrough-prep writes",
                 **tampered(f"file {created.group(1)}", "path", "/etc/passwd"))
        case("revert of a set running an absolute argv[0]", ["revert"], EXIT["bad-backup"],
             where + "[command 0] argv runs “/bin/sh”, which is not a program passthrough-prep runs",
             **tampered("command 0", "argv", f"/bin/sh;-c;touch {path('pwned')};"))
        case("revert of a set with uid 4294967295", ["revert"], EXIT["bad-backup"],
             where + "[file 0] uid=4294967295 is out of range", **tampered("file 0", "uid", "4294967295"))
        case("revert of a set creating directories elsewhere", ["revert"], EXIT["bad-backup"],
             where + "[backup] created-directories names “/etc/sudoers.d”",
             **tampered("backup", "created-directories", "/etc/sudoers.d;"))
        code, lines, _ = t.helper_run(["revert"], root)
        check(code == 0, "bad input: revert of the untampered set", str(lines[-2:]))

        # only directories named like a set are read: another holding an applied set naming /etc/shadow is not one
        odd_set = os.path.join(os.path.dirname(os.path.dirname(manifest)), backups(root)[-1] + ".copy")

        def plant_odd_set():
            os.makedirs(odd_set)
            open(os.path.join(odd_set, "manifest"), "w").write(
                re.sub(r"^path=.*$", "path=/etc/shadow", valid_manifest, count=1, flags=re.M))

        def remove_odd_set():
            os.unlink(os.path.join(odd_set, "manifest"))
            os.rmdir(odd_set)
        case("a set whose directory is not named like one", ["revert"], EXIT["nothing-to-do"], "Nothing to revert",
             setup=plant_odd_set, undo=remove_odd_set)
        for decoy in ("etc/shadow", "etc/passwd"):
            os.unlink(path(decoy))

    # what the planner reads from sysfs and the editors do not model is refused before anything is written
    no_plan = ["reserve", address, "every-boot", NO_DIGEST]
    audio_link = path("sys/bus/pci/devices/0000:01:00.1/driver")
    audio_target = os.readlink(audio_link)
    odd_driver = "snd_hda_intel\nblacklist vfio_pci"

    def odd_driver_link():
        os.makedirs(path(f"sys/bus/pci/drivers/{odd_driver}"))
        os.unlink(audio_link)
        os.symlink(os.path.join(os.path.dirname(audio_target), odd_driver), audio_link)

    def normal_driver_link():
        os.unlink(audio_link)
        os.symlink(audio_target, audio_link)
        os.rmdir(path(f"sys/bus/pci/drivers/{odd_driver}"))
    case("a driver name with a newline", no_plan, EXIT["refused"],
         "0000:01:00.1 is bound to a driver named “snd_hda_intel\\nblacklist vfio_pci”, which is not a kernel "
         "module name", setup=odd_driver_link, undo=normal_driver_link)

    def replace_line(relpath, prefix, new_line):
        text = open(path(relpath)).read()
        lines_ = text.split("\n")
        index = next(i for i, line in enumerate(lines_) if line.startswith(prefix))
        lines_[index] = new_line

        def setup():
            open(path(relpath), "w").write("\n".join(lines_))
        return index + 1, setup, lambda: open(path(relpath), "w").write(text)
    n, setup, undo = replace_line("etc/default/grub", "GRUB_CMDLINE_LINUX_DEFAULT=",
                                  "GRUB_CMDLINE_LINUX_DEFAULT=$'loglevel=3 quiet'")
    case("$'…' in /etc/default/grub", no_plan, EXIT["host"],
         f"/etc/default/grub:{n}: GRUB_CMDLINE_LINUX_DEFAULT is written with $'…' or $\"…\" quoting",
         setup=setup, undo=undo)
    n, setup, undo = replace_line("etc/mkinitcpio.conf", "MODULES=", "MODULES=($'i915')")
    case("$'…' in /etc/mkinitcpio.conf", no_plan, EXIT["host"],
         f"/etc/mkinitcpio.conf:{n}: MODULES is written with $'…' or $\"…\" quoting", setup=setup, undo=undo)

    # a group-writable directory on the way, or target, of a group that is not root's
    other_groups = [g for g in os.getgroups() if g != os.getgid()] if not is_root else [65534]
    if other_groups:
        group = other_groups[0]
        default_dir = path("etc/default")

        def group_writable(p, mode):
            def setup():
                os.chown(p, -1, group)
                os.chmod(p, mode)
            return setup

        def restore(p, mode):
            def undo():
                os.chown(p, -1, os.getgid())
                os.chmod(p, mode)
            return undo
        case("a group-writable directory on the way", reserve, EXIT["unsafe"],
             f"/etc/default is writable by its group, gid {group}, which is not root's ({os.getgid()})",
             setup=group_writable(default_dir, 0o775), undo=restore(default_dir, 0o755))
        case("a group-writable target", reserve, EXIT["unsafe"],
             f"/etc/default/grub is writable by its group, gid {group}, which is not root's ({os.getgid()})",
             setup=group_writable(path(grub), 0o664), undo=restore(path(grub), 0o644))
    else:
        print("note: the test user has no second group; the group-writable cases are left out")

    # a limit the helper cannot raise (as root: without CAP_SYS_RESOURCE) is refused before anything
    def small_hard_fsize():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        drop_cap_sys_resource()
    case("RLIMIT_FSIZE of 4 KiB, hard", reserve, EXIT["not-permitted"],
         "RLIMIT_FSIZE is 4096 (hard limit 4096) and cannot be set to unlimited", preexec=small_hard_fsize)

    shutil.rmtree(root)

    for other_host, gpu, message in [
            ("ryzen-two-dgpu-bad-group", "0000:25:00.0", "its IOMMU group also holds"),
            ("single-gpu-desktop", "0000:07:00.0", "only GPU and drives its display"),
            ("iommu-off", "0000:01:00.0", "the IOMMU is off")]:
        root = t.make_root(other_host)
        case(f"non-viable GPU ({other_host})", t.reserve_args(root, gpu), EXIT["refused"], message)
        shutil.rmtree(root)

    # the next start boots the Passthrough entry: only one grub.cfg holds, with an id of plain characters
    root = t.make_root("desktop-intel-nvidia")
    code, lines, _ = t.helper_run(t.reserve_args(root, "0000:01:00.0", "boot-entry"), root)
    check(code == 0, "next boot: reserve in boot-entry mode", str(lines[-2:]))
    case("next boot before grub.cfg holds a Passthrough entry", ["next-boot-passthrough"], EXIT["no-boot-entry"],
         "holds no Passthrough entry")
    grub_cfg = os.path.join(root, "boot/grub/grub.cfg")
    stock = open(grub_cfg).read()
    with open(grub_cfg, "a") as f:
        f.write("menuentry 'Arch Linux (Passthrough)' $menuentry_id_option 'passthrough-prep-x;reboot' {\n}\n")
    case("next boot with an entry id that is not plain", ["next-boot-passthrough"], EXIT["no-boot-entry"],
         "holds no Passthrough entry")
    with open(grub_cfg, "w") as f:
        f.write(stock + "menuentry 'Arch Linux, with Linux linux (Passthrough)' --class arch "
                "$menuentry_id_option 'passthrough-prep-vmlinuz-linux' {\n}\n")
    clear_command_log(root)
    code, lines, _ = t.helper_run(["next-boot-passthrough"], root)
    check_events(lines, code, "next boot")
    check(code == 0 and command_log(root) == [["grub-reboot", "passthrough-prep-vmlinuz-linux"]],
          "next boot: grub-reboot with the Passthrough entry's id", f"exit {code}: {lines[-1:]} {command_log(root)}")
    shutil.rmtree(root)

    root = t.make_root(ROM_HOST)
    cases += save_rom_bad_input(t, root, case)
    shutil.rmtree(root)

    print(f"{cases} bad inputs refused")
    check(cases >= 20, f"at least 20 bad inputs ({cases})")


# save-rom

def save_rom_valid(t, root, what):
    """A valid ROM is saved byte for byte, 0644, under the name VM texts use; the
    sysfs rom was turned on once and off once, and nothing else changed."""
    rom = open(os.path.join(root, "sys/bus/pci/devices", ROM_GPU, "rom"), "rb").read()
    before = snapshot(root)
    clear_rom_writes(root, ROM_GPU)
    code, lines, err = t.helper_run(["save-rom", ROM_GPU], root)
    check_events(lines, code, what)
    check(code == 0, f"{what}: exit 0", f"exit {code}: {lines[-2:]} {err}")
    _mkhost, dev = rom_device(t, ROM_GPU)
    name = "%04x-%04x-%04x-%04x.rom" % (dev.vendor, dev.device, dev.subvendor, dev.subdevice)
    path = os.path.join(root, ROM_DIR, name)
    check(saved_roms(root) == [name], f"{what}: saved as {name}, nothing else", str(saved_roms(root)))
    if os.path.exists(path):
        check(open(path, "rb").read() == rom, f"{what}: the saved ROM is the card's, byte for byte")
        check(stat.S_IMODE(os.stat(path).st_mode) == 0o644, f"{what}: the saved ROM is 0644")
        check(stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o755, f"{what}: its directory is 0755")
    check(rom_writes(root, ROM_GPU) == "1\n0\n", f"{what}: turned the ROM on, then off",
          repr(rom_writes(root, ROM_GPU)))
    check(any(line == f"done Saved the ROM of {ROM_GPU} ({len(rom)} bytes) to /{ROM_DIR}/{name}" for line in lines),
          f"{what}: says where it saved it", str(lines[-1:]))
    check(snapshot(root) == before, f"{what}: nothing else changed", str(tree_diff(before, snapshot(root))))
    cfg = subprocess.run([t.cli, "--vm-config", "ultmos", ROM_GPU, "--root", root], capture_output=True, text=True)
    check(f'romfile="/{ROM_DIR}/{name}"' in cfg.stdout, f"{what}: --vm-config names the saved ROM", cfg.stdout)
    shutil.rmtree(os.path.join(root, ROM_DIR))


def save_rom_bad_input(t, root, case):
    mkhost, dev = rom_device(t, ROM_GPU)
    rom_path = os.path.join(root, "sys/bus/pci/devices", ROM_GPU, "rom")
    good = open(rom_path, "rb").read()
    n = 0

    save_rom_valid(t, root, "save-rom of a valid ROM")

    def put(kind):
        def setup():
            clear_rom_writes(root, ROM_GPU)
            open(rom_path, "wb").write(mkhost.option_rom(dev, kind))
        return setup

    def restore():
        open(rom_path, "wb").write(good)

    def written(expected):
        def undo():
            got = rom_writes(root, ROM_GPU)
            check(got == expected, f"bad input: save-rom: the ROM was turned {'on and off again' if expected else 'never on'}",
                  repr(got))
            restore()
        return undo

    for what, args, code, message in [
            ("save-rom without an address", ["save-rom"], EXIT["usage"], "save-rom needs the PCI address"),
            ("save-rom of a path", ["save-rom", "/dev/mem"], EXIT["usage"], '"/dev/mem" is not a PCI address'),
            ("save-rom with a second address", ["save-rom", ROM_GPU, "0001:00:03.1"], EXIT["usage"],
             'unexpected "0001:00:03.1" after save-rom'),
            ("save-rom of a non-GPU (its audio)", ["save-rom", "0001:00:03.1"], EXIT["refused"],
             "0001:00:03.1 is not a GPU"),
            ("save-rom of no device", ["save-rom", "0001:0e:00.0"], EXIT["refused"], "no PCI device 0001:0e:00.0"),
            ("save-rom of the host's display", ["save-rom", "0000:02:00.0"], EXIT["rom-in-use"],
             "0000:02:00.0 drives this computer's display")]:
        case(what, args, code, message, setup=put("valid"), undo=written(""), at=root)
        n += 1

    for kind, code, message in [
            ("bad-signature", EXIT["rom-bad-signature"], "does not start with the 0x55AA signature"),
            ("wrong-vendor", EXIT["rom-wrong-device"],
             "it is the ROM of a 10de:67df, not of this 1002:67df card"),
            ("bad-checksum", EXIT["rom-bad-checksum"], "the checksum of its legacy image is wrong"),
            ("empty", EXIT["rom-missing"], "the ROM of %s is empty" % ROM_GPU)]:
        case(f"save-rom of a ROM with {kind}", ["save-rom", ROM_GPU], code, message, setup=put(kind),
             undo=written("1\n0\n"), at=root)
        n += 1

    def no_rom():
        clear_rom_writes(root, ROM_GPU)
        os.unlink(rom_path)
    case("save-rom of a card without a rom file", ["save-rom", ROM_GPU], EXIT["rom-missing"],
         "has no ROM the kernel can read", setup=no_rom, undo=written(""), at=root)
    n += 1

    def rom_dir_link():
        clear_rom_writes(root, ROM_GPU)
        os.makedirs(os.path.join(root, "var/lib/passthrough-prep/elsewhere"))
        os.symlink("elsewhere", os.path.join(root, ROM_DIR))

    def rom_dir_unlink():
        written("1\n0\n")()
        check(os.listdir(os.path.join(root, "var/lib/passthrough-prep/elsewhere")) == [],
              "bad input: save-rom: nothing written through the link")
        os.unlink(os.path.join(root, ROM_DIR))
        os.rmdir(os.path.join(root, "var/lib/passthrough-prep/elsewhere"))
    case("save-rom into a symlinked directory", ["save-rom", ROM_GPU], EXIT["unsafe"],
         "/var/lib/passthrough-prep/roms is a symbolic link", setup=rom_dir_link, undo=rom_dir_unlink, at=root)
    n += 1

    # a card in use: the GTX 960 of another host, on nvidia
    other = t.make_root("desktop-intel-nvidia")
    case("save-rom of a card in use (on nvidia)", ["save-rom", "0000:01:00.0"], EXIT["rom-in-use"],
         "0000:01:00.0 is used by nvidia, not reserved on vfio-pci", at=other)
    shutil.rmtree(other)
    n += 1
    return n


def save_rom_faults(t):
    root = t.make_root(ROM_HOST)
    for kind_name in ("write", "rename"):
        what = f"save-rom with {kind_name}:1 failing"
        before = snapshot(root)
        clear_rom_writes(root, ROM_GPU)
        code, lines, err = t.helper_run(["save-rom", ROM_GPU], root, {"PP_HELPER_FAIL_AT": f"{kind_name}:1"})
        check_events(lines, code, what)
        check(code == EXIT["failed"], f"{what}: exit 1", f"exit {code}: {lines[-2:]} {err}")
        check(f"injected failure at {kind_name} 1" in failed_message(lines), f"{what}: says what failed",
              failed_message(lines))
        check(saved_roms(root) == [], f"{what}: no ROM and no temp file left", str(saved_roms(root)))
        check(rom_writes(root, ROM_GPU) == "1\n0\n", f"{what}: the ROM was turned off again",
              repr(rom_writes(root, ROM_GPU)))
        check(snapshot(root) == before, f"{what}: nothing else changed", str(tree_diff(before, snapshot(root))))
    code, lines, _ = t.helper_run(["save-rom", ROM_GPU], root)
    check(code == 0 and len(saved_roms(root)) == 1, "save-rom after the failed runs works", str(lines[-2:]))
    shutil.rmtree(root)


def main():
    mode, helper, cli, hosts = sys.argv[1:5]
    t = Tool(os.path.abspath(helper), os.path.abspath(cli), os.path.abspath(hosts))
    try:
        {"reserve-revert": reserve_revert, "faults": faults, "bad-input": bad_input}[mode](t)
    finally:
        shutil.rmtree(t.work, ignore_errors=True)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
