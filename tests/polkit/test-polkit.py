#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The helper's polkit action against a real polkitd on a real system bus.

Needs root. Starts a system bus (only if none answers) and polkitd (only if
none owns org.freedesktop.PolicyKit1), installs the built policy, then checks
pkaction, pkcheck for an unprivileged process and pkexec running the helper.
Stops and removes only what it started or installed.

usage: test-polkit.py POLICY BUILT_HELPER INSTALLED_HELPER_PATH
Exit 77 (skip) when not root, except under CI=true where that is a failure.
"""
import filecmp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time

ACTION = "org.ultmos.PassthroughPrep.reserve"
ACTIONS_DIR = "/usr/share/polkit-1/actions"
POLKITD = "/usr/lib/polkit-1/polkitd"
BUS_SOCKET = "/run/dbus/system_bus_socket"
TEST_USER = "pp-polkit-test"
DEADLINE = time.monotonic() + 55

failures = []
cleanups = []   # callables, run last-in first-out


def check(ok, what, detail=""):
    print(("ok   " if ok else "FAIL ") + what + (f": {detail}" if detail and not ok else ""))
    if not ok:
        failures.append(what)
    return ok


def run(argv, timeout=15, **kwargs):
    remaining = max(1, min(timeout, DEADLINE - time.monotonic()))
    return subprocess.run(argv, capture_output=True, text=True, timeout=remaining, **kwargs)


def bus_answers():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(BUS_SOCKET)
        return True
    except OSError:
        return False
    finally:
        s.close()


def name_has_owner(name):
    r = run(["dbus-send", "--system", "--print-reply", "--dest=org.freedesktop.DBus",
             "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", f"string:{name}"], timeout=5)
    return r.returncode == 0 and "boolean true" in r.stdout


def alive(pid, proc=None):
    if proc is not None:
        return proc.poll() is None
    try:
        # a zombie is gone for our purpose (no init may reap it in a container)
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def kill_pid(pid, what, proc=None):
    """Stops the process we started, by its PID only."""
    def stop():
        if not alive(pid, proc):
            return
        os.kill(pid, signal.SIGTERM)
        for _ in range(50):
            if not alive(pid, proc):
                return
            time.sleep(0.1)
        print(f"note: {what} ({pid}) ignored SIGTERM; killing it")
        os.kill(pid, signal.SIGKILL)
        if proc is not None:
            proc.wait()
    return stop


def start_system_bus():
    if bus_answers():
        print("note: a system bus is already running; using it")
        return
    os.makedirs("/run/dbus", exist_ok=True)
    pid_file = "/run/dbus/pid"
    if os.path.exists(pid_file):
        # a pid file without a bus behind it is stale and blocks dbus-daemon
        try:
            os.kill(int(open(pid_file).read().strip()), 0)
        except (ValueError, ProcessLookupError):
            os.unlink(pid_file)
    r = run(["dbus-daemon", "--system", "--fork", "--print-pid"], timeout=10)
    if not check(r.returncode == 0, "dbus-daemon --system starts", r.stderr.strip()):
        raise SystemExit(1)
    pid = int(r.stdout.split()[0])
    cleanups.append(kill_pid(pid, "dbus-daemon"))
    for _ in range(50):
        if bus_answers():
            return
        time.sleep(0.1)
    check(False, "the system bus answers")
    raise SystemExit(1)


def start_polkitd():
    if name_has_owner("org.freedesktop.PolicyKit1"):
        print("note: polkitd is already running; using it")
        return
    proc = subprocess.Popen([POLKITD, "--no-debug"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    cleanups.append(kill_pid(proc.pid, "polkitd", proc))
    for _ in range(100):
        if name_has_owner("org.freedesktop.PolicyKit1"):
            return
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    check(False, "polkitd owns org.freedesktop.PolicyKit1", proc.stderr.read().decode() if proc.poll() is not None else "timeout")
    raise SystemExit(1)


def install(src, dest):
    """Copies src to dest, putting back whatever was there afterwards."""
    saved = None
    if os.path.lexists(dest):
        saved = dest + ".pp-polkit-test-saved"
        os.rename(dest, saved)
    created = []
    parent = os.path.dirname(dest)
    while not os.path.isdir(parent):
        created.append(parent)
        parent = os.path.dirname(parent)
    for d in reversed(created):
        os.mkdir(d, 0o755)
    shutil.copy2(src, dest)

    def remove():
        os.unlink(dest)
        if saved:
            os.rename(saved, dest)
        for d in created:
            os.rmdir(d)
    cleanups.append(remove)


def unprivileged_process():
    try:
        user = pwd.getpwnam(TEST_USER)
    except KeyError:
        r = run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", TEST_USER])
        if not check(r.returncode == 0, f"useradd {TEST_USER}", r.stderr.strip()):
            raise SystemExit(1)
        cleanups.append(lambda: run(["userdel", TEST_USER]))
        user = pwd.getpwnam(TEST_USER)
    proc = subprocess.Popen(["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}",
                             "--clear-groups", "sleep", "60"])
    cleanups.append(kill_pid(proc.pid, "sleep", proc))
    # wait for the exec: pkcheck must see sleep's credentials, not ours
    for _ in range(50):
        try:
            if os.stat(f"/proc/{proc.pid}").st_uid == user.pw_uid:
                break
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    return proc.pid, user.pw_uid


def checks(policy, built_helper, installed_helper):
    install(policy, os.path.join(ACTIONS_DIR, os.path.basename(policy)))
    start_system_bus()
    start_polkitd()

    # polkitd watches the actions dir; give it a moment if it was already running
    for _ in range(50):
        r = run(["pkaction", "--verbose", "--action-id", ACTION], timeout=5)
        if r.returncode == 0:
            break
        time.sleep(0.1)
    check(r.returncode == 0, "pkaction --verbose knows the action", r.stderr.strip())
    out = r.stdout
    print(out.strip())
    lines = [" ".join(line.split()) for line in out.splitlines()]
    check("implicit active: auth_admin_keep" in lines, "implicit active: auth_admin_keep")
    check("implicit any: auth_admin" in lines, "implicit any: auth_admin")
    check("implicit inactive: auth_admin" in lines, "implicit inactive: auth_admin")
    check(f"annotation: org.freedesktop.policykit.exec.path -> {installed_helper}" in lines,
          f"annotation org.freedesktop.policykit.exec.path -> {installed_helper}")

    pid, uid = unprivileged_process()
    r = run(["pkcheck", "--action-id", ACTION, "--process", str(pid)], timeout=10)
    print(f"pkcheck for uid {uid}: exit {r.returncode}: {r.stderr.strip()} {r.stdout.strip()}")
    check(r.returncode == 2, "pkcheck for an unprivileged process: authentication required (exit 2)",
          f"exit {r.returncode}")
    check("authentication" in r.stderr.lower(), "pkcheck says authentication is required", r.stderr.strip())

    # run the helper at the path the policy names, so pkexec picks our action
    helper = installed_helper
    if not os.path.exists(installed_helper):
        install(built_helper, installed_helper)
    elif not filecmp.cmp(installed_helper, built_helper, shallow=False):
        print(f"note: {installed_helper} is another build; running the built helper directly")
        helper = built_helper
    clean_env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}
    r = run(["pkexec", helper, "status"], env=clean_env, timeout=15)
    print(r.stdout.strip(), r.stderr.strip())
    events = r.stdout.splitlines()
    check(r.returncode == 0, "pkexec helper status as root exits 0", f"exit {r.returncode}: {r.stderr.strip()}")
    check(any(e.startswith("state ") for e in events) and events[-1:] and events[-1].startswith("done "),
          "pkexec helper status prints a state and ends with done")

    # the installed helper has no test hooks at all: --root is not an option of it
    r = run(["pkexec", helper, "--root", "/tmp", "status"], env=clean_env, timeout=15)
    check(r.returncode == 2 and 'unknown intent "--root"' in r.stdout,
          "pkexec helper --root is not an option of the installed helper (exit 2)",
          f"exit {r.returncode}: {r.stdout.strip()}")


def main():
    policy, built_helper, installed_helper = sys.argv[1:4]
    if os.geteuid() != 0:
        print("needs root: it installs a policy and starts polkitd")
        return 1 if os.environ.get("CI") == "true" else 77
    for tool in ("dbus-daemon", "dbus-send", "pkaction", "pkcheck", "pkexec", "setpriv", POLKITD):
        if not shutil.which(tool):
            print(f"FAIL {tool} is missing (build-aux/setup-debian installs it)")
            return 1
    try:
        checks(policy, built_helper, installed_helper)
    except subprocess.TimeoutExpired as e:
        check(False, f"{' '.join(e.cmd)} finished in time")
    except SystemExit:
        pass
    finally:
        for cleanup in reversed(cleanups):
            try:
                cleanup()
            except Exception as e:   # keep cleaning up
                print(f"note: cleanup: {e}")
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
