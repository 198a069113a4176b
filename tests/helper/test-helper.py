#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""passthrough-prep-helper against fixture roots (test mode, --root).

    test-helper.py MODE HELPER CLI HOSTS_DIR

MODE:
  reserve-revert  every GPU of every host: reserve does what `--plan --json`
                  says (or refuses as it does), status reports it, revert puts
                  every file back byte for byte (mode and owner too)
  faults          a failure injected at every step (backup, each write, each
                  rename, each command, each real tool failing) of reserve and
                  of revert leaves every file as it was
  bad-input       bad arguments and unsafe targets are refused with the right
                  exit status and message, and nothing changes

CLI is a passthrough-prep command line (for --plan); HOSTS_DIR holds
NAME.host and mkhost.py is beside it. The tree compared is the whole root
but var/ (the helper's backups, the tools' command log).
"""
import hashlib
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile

EXIT = {"ok": 0, "failed": 1, "usage": 2, "not-permitted": 3, "refused": 4,
        "unsafe": 5, "changed-since": 6, "nothing-to-do": 7, "host": 8, "rollback-failed": 9, "busy": 10,
        "plan-changed": 11}
# what a caller passes where the plan is refused anyway: the shape of a digest
NO_DIGEST = "0" * 64

EVENT_RE = re.compile(r"^(step \d+/\d+ \S.*|log [^:]+: .*|warning \S.*|manual \S.*|backup /\S+|"
                      r"rollback \S.*|state (none|(applied|incomplete|rolled-back|reverted) \S+ \S+( \S+)?)|"
                      r"file (applied|original|changed|missing) /\S+|done \S.*|failed \S.*)$")
GPU_RE = re.compile(r"^\s+([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\s+03[0-9a-f]{2}\s")

failures = []
passed = 0


def check(ok, what, detail=""):
    global passed
    if ok:
        passed += 1
    else:
        failures.append(what)
        print(f"FAIL {what}" + (f"\n     {detail}" if detail else ""))
    return ok


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

    def helper_run(self, args, root=None, env_extra=None, env_drop_pkexec=True, preexec=None):
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8"}
        for key in ("ASAN_OPTIONS", "LSAN_OPTIONS", "UBSAN_OPTIONS", "G_DEBUG", "MALLOC_CHECK_"):
            if key in os.environ:
                env[key] = os.environ[key]
        env.update(env_extra or {})
        argv = [self.helper] + (["--root", root] if root is not None else []) + list(args)
        proc = subprocess.run(argv, capture_output=True, env=env, timeout=120, preexec_fn=preexec)
        out = proc.stdout.decode("utf-8", "replace")
        return proc.returncode, out.splitlines(), proc.stderr.decode("utf-8", "replace")

    def reserve_args(self, root, address):
        """reserve ADDRESS DIGEST, with the digest of the plan as --plan shows it now"""
        return ["reserve", address, self.plan(root, address).get("digest") or NO_DIGEST]

    def plan(self, root, address):
        proc = subprocess.run([self.cli, "--plan", address, "--json", "--root", root],
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
            path = os.path.join(dirpath, name)
            rel = os.path.normpath(os.path.join(rel_dir, name))
            st = os.lstat(path)
            entry = (stat.S_IFMT(st.st_mode), stat.S_IMODE(st.st_mode), st.st_uid, st.st_gid)
            if stat.S_ISLNK(st.st_mode):
                entry += (os.readlink(path),)
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


def host_gpus(hosts, host):
    return [m.group(1) for line in open(os.path.join(hosts, host + ".host"))
            if (m := GPU_RE.match(line))]


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


def backups(root):
    d = os.path.join(root, "var/lib/passthrough-prep/backups")
    return sorted(os.listdir(d)) if os.path.isdir(d) else []


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


# reserve + revert on every host

def reserve_revert(t):
    latin1_bytes(t)
    hosts = sorted(f[:-5] for f in os.listdir(t.hosts) if f.endswith(".host"))
    reserved_hosts = set()
    for host in hosts:
        root = t.make_root(host)
        original = snapshot(root)
        for address in host_gpus(t.hosts, host):
            what = f"{host} reserve {address}"
            plan = t.plan(root, address)
            clear_command_log(root)
            sets_before = backups(root)
            code, lines, err = t.helper_run(t.reserve_args(root, address), root)
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
            code2, lines2, _ = t.helper_run(t.reserve_args(root, address), root)
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
        kinds.update(line.split()[1] for line in open(os.path.join(t.hosts, host + ".host")) if line.startswith("overlay "))
    # hosts whose every plan is a refusal (NixOS) have nothing to reserve
    refusing = {h for h in gpu_hosts if os.path.exists(os.path.join(t.hosts, h + ".expect"))
                and any(line.startswith("plan refused ") for line in open(os.path.join(t.hosts, h + ".expect")))}
    every_kind = {line.split()[1] for h in gpu_hosts if h not in refusing
                  for line in open(os.path.join(t.hosts, h + ".host")) if line.startswith("overlay ")}
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
        kind = tuple(line.split()[1] for line in open(os.path.join(t.hosts, host + ".host")) if line.startswith("overlay "))[:1]
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
            + [("rename", i) for i in range(1, n_files + 1)] + [("command", i) for i in range(1, len(commands) + 1)]
        for kind_name, n in injections:
            what = f"{host} reserve {address} with {kind_name}:{n} failing"
            clear_command_log(root)
            code, lines, err = t.helper_run(t.reserve_args(root, address), root, {"PP_HELPER_FAIL_AT": f"{kind_name}:{n}"})
            check_events(lines, code, what)
            check(code == EXIT["failed"], f"{what}: exit 1", f"exit {code}: {lines[-2:]} {err}")
            check(f"injected failure at {kind_name} {n}" in failed_message(lines), f"{what}: says what failed",
                  failed_message(lines))
            written = kind_name == "command" or (kind_name in ("write", "rename") and n > 1)
            if written:
                check("every file was put back" in failed_message(lines), f"{what}: says every file was put back",
                      failed_message(lines))
            check(snapshot(root) == original, f"{what}: every file as it was",
                  str(tree_diff(original, snapshot(root))))
            if kind_name == "command":
                ran = expected_log(commands[:n - 1])
                # a rebuild runs again on the restored files; a command with an undo is undone
                rolled_back = expected_log([undo or argv for argv, undo in zip(commands[:n - 1], plan["undo_commands"])])
                check(command_log(root) == ran + rolled_back,
                      f"{what}: the commands that ran were run again or undone", str(command_log(root)))

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
            check(code == EXIT["failed"], f"{what}: exit 1", f"exit {code}: {lines[-2:]}")
            check(f"{tool}" in failed_message(lines) and "exited with status 1" in failed_message(lines),
                  f"{what}: names the command and its status", failed_message(lines))
            check(any(line.startswith(f"log {tool}: ") and "failing on purpose" in line for line in lines),
                  f"{what}: streams the tool's output as log events")
            check(after == before, f"{what}: every file as it was", str(tree_diff(before, after)))

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
            + [("command", i) for i in range(1, len(commands) + 1)]
        for kind_name, n in injections:
            what = f"{host} revert with {kind_name}:{n} failing"
            code, lines, err = t.helper_run(["revert"], root, {"PP_HELPER_FAIL_AT": f"{kind_name}:{n}"})
            check_events(lines, code, what)
            check(code == EXIT["failed"], f"{what}: exit 1", f"exit {code}: {lines[-2:]} {err}")
            check(snapshot(root) == applied, f"{what}: every file as it was (still reserved)",
                  str(tree_diff(applied, snapshot(root))))
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
        shutil.rmtree(root)

    check(len(tried_kinds) >= 3, "failures injected on at least three host kinds", str(tried_kinds))


# bad input

def bad_input(t):
    host = "desktop-intel-nvidia"
    root = t.make_root(host)
    address, plan = first_plannable(t, host, root)
    check(address is not None, f"{host} has a GPU to reserve")
    address = address or "0000:01:00.0"
    is_root = os.geteuid() == 0
    cases = 0

    def case(what, args, code, message, setup=None, undo=None, env=None, with_root=True, preexec=None):
        nonlocal cases
        cases += 1
        if setup:
            setup()
        before = snapshot(root)
        sets = backups(root)
        c, lines, err = t.helper_run(args, root if with_root else None, env, preexec=preexec)
        check_events(lines, c, what)
        check(c == code, f"bad input: {what}: exit {code}", f"exit {c}: {lines[-1:]}")
        check(message in failed_message(lines), f"bad input: {what}: says {message!r}", failed_message(lines))
        check(message in err, f"bad input: {what}: says it on stderr too", err)
        check(snapshot(root) == before and backups(root) == sets, f"bad input: {what}: nothing changed",
              str(tree_diff(before, snapshot(root))))
        if undo:
            undo()

    def path(p):
        return os.path.join(root, p)

    usage = EXIT["usage"]
    case("no intent", [], usage, "no intent given")
    case("empty intent", [""], usage, "unknown intent an empty argument")
    case("unknown intent", ["frobnicate"], usage, 'unknown intent "frobnicate"')
    reserve = t.reserve_args(root, address)
    digest = reserve[2]
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

    grub_text = open(path("etc/default/grub"), "rb").read()

    def edit_grub_after_review():
        with open(path("etc/default/grub"), "ab") as f:
            f.write(b"# edited after the review\n")

    def undo_grub_edit():
        open(path("etc/default/grub"), "wb").write(grub_text)
    case("a file changed after the review", reserve, EXIT["plan-changed"], "the system changed since the plan",
         setup=edit_grub_after_review)
    fresh = t.reserve_args(root, address)
    check(fresh[2] != digest, "bad input: the changed file gives another digest")
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
        # nobody must be able to reach the built helper (a build dir in a 0700 home is not)
        if reachable_by_nobody(t.helper):
            case("not root, no --root", ["status"], EXIT["not-permitted"], "only runs as root", with_root=False,
                 preexec=drop_to_nobody)
        else:
            print(f"note: {t.helper} is not reachable by uid 65534; the not-root case is left out")

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

    shutil.rmtree(root)

    for other_host, gpu, message in [
            ("ryzen-two-dgpu-bad-group", "0000:25:00.0", "its IOMMU group also holds"),
            ("single-gpu-desktop", "0000:07:00.0", "only GPU and drives its display"),
            ("iommu-off", "0000:01:00.0", "the IOMMU is off")]:
        root = t.make_root(other_host)
        case(f"non-viable GPU ({other_host})", t.reserve_args(root, gpu), EXIT["refused"], message)
        shutil.rmtree(root)

    print(f"{cases} bad inputs refused")
    check(cases >= 20, f"at least 20 bad inputs ({cases})")


def main():
    mode, helper, cli, hosts = sys.argv[1:5]
    t = Tool(os.path.abspath(helper), os.path.abspath(cli), os.path.abspath(hosts))
    try:
        {"reserve-revert": reserve_revert, "faults": faults, "bad-input": bad_input}[mode](t)
    finally:
        shutil.rmtree(t.work, ignore_errors=True)
    print(f"{passed} checks passed, {len(failures)} failed")
    return 1 if failures or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
