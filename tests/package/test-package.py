#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Debian package, end to end, installed as a user installs it.

Builds the .deb with build-aux/package-deb (its tests left out), checks it
with lintian (no errors; warnings are listed) and installs it with apt-get.
Then:
- dpkg's file list holds the command line, the helper in /usr/libexec, the
  polkit policy, the desktop file, metainfo, both icons, every translation of
  po/LINGUAS, the window module, the demo host and both manual pages (naming
  the installed helper), and nothing test-only;
- the installed command line reads this host and the installed demo host;
- desktop-file-validate passes on the installed desktop file;
- under Xvfb, with a private session bus and AT-SPI bus, the desktop ID
  resolves as a menu looks it up, `gio launch` starts it the way a menu does
  and its window appears on the accessibility bus;
- polkitd on a system bus lists the action with the installed helper's path;
- a throwaway user in polkit's administrators' group runs `pkexec HELPER
  status` with pkttyagent asking for the password on a pty: the right password
  runs the helper as root (exit 0, a `done` line), a wrong one is refused
  (pkexec's 127); a user outside the group, typing their own password where
  an administrator's is asked for, is refused (127).
Whatever happens, it then stops what it started (by PID), removes the users
and purges the package, and checks that nothing of them is left.

usage: test-package.py SRCDIR BUILDDIR
Needs root on a Debian-like system: exit 77 (skip) otherwise, except under
CI=true, where anything that keeps it from running is a failure.
"""
import gzip
import importlib.util
import os
import pty
import pwd
import re
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import termios
import time

APP_ID = 'org.ultmos.PassthroughPrep'
PACKAGE = 'passthrough-prep'
ACTION = APP_ID + '.reserve'
HELPER = '/usr/libexec/passthrough-prep-helper'
DESKTOP_FILE = '/usr/share/applications/%s.desktop' % APP_ID
POLICY = '/usr/share/polkit-1/actions/%s.policy' % APP_ID
DEMO_HOST = '/usr/share/passthrough-prep/demo-host'
MAN_PAGE = '/usr/share/man/man1/passthrough-prep.1.gz'
HELPER_MAN_PAGE = '/usr/share/man/man8/passthrough-prep-helper.8.gz'
ADMIN_USER = 'pp-pkg-test-admin'
OUTSIDER_USER = 'pp-pkg-test-outsider'
RULES_DIRS = ('/etc/polkit-1/rules.d', '/usr/share/polkit-1/rules.d')   # /etc's file wins over one of the same name
LAUNCH_MARK = 'PP_PACKAGE_TEST_LAUNCH'
HERE = os.path.dirname(os.path.abspath(__file__))
GUI_INNER = '--gui-inner'


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# the system bus and polkitd of the polkit test, and the window test's Xvfb and waits
tp = load('pp_polkit_test', os.path.join(HERE, '..', 'polkit', 'test-polkit.py'))
tw = load('pp_window_test', os.path.join(HERE, '..', 'gui', 'test-window.py'))

failures = []
cleanups = []   # callables, run last-in first-out


class Fatal(Exception):
    """A step the rest depends on failed."""


def check(ok, what, detail=''):
    print(('ok   ' if ok else 'FAIL ') + what + (': %s' % detail if detail and not ok else ''), flush=True)
    if not ok:
        failures.append(what)
    return ok


def require(ok, what, detail=''):
    if not check(ok, what, detail):
        raise Fatal(what)


def note(text):
    print('note: ' + text, flush=True)


# test-polkit.py's functions report through our check and clean up with us
tp.check = check
tp.cleanups = cleanups


def run(argv, timeout=60, **kwargs):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kwargs)


def step(name):
    """Prints how long each part took, for the test log."""
    now = time.monotonic()
    if step.name:
        print('time %-28s %5.1f s' % (step.name, now - step.start), flush=True)
    step.name, step.start = name, now


step.name = None


def dpkg_status():
    r = run(['dpkg-query', '-W', '-f=${db:Status-Abbrev}', PACKAGE])
    return r.stdout.strip() if r.returncode == 0 else ''


# ---------------------------------------------------------------- build, lint, install

def build_deb(srcdir, builddir):
    out = os.path.join(builddir, 'deb')
    shutil.rmtree(out, ignore_errors=True)
    # meson's malloc checks would only slow the compilers down
    env = {k: v for k, v in os.environ.items() if not k.startswith('MALLOC_')}
    env.update(PP_DEB_OUTDIR=out, DEB_BUILD_OPTIONS='nocheck parallel=%d' % (os.cpu_count() or 2))
    r = run([os.path.join(srcdir, 'build-aux', 'package-deb')], env=env, timeout=480)
    lines = r.stdout.strip().splitlines()
    deb = lines[-1] if lines else ''
    require(r.returncode == 0 and deb.endswith('.deb') and os.path.isfile(deb),
            'build-aux/package-deb builds the .deb', 'exit %d: %s' % (r.returncode, r.stderr.strip()[-3000:]))
    print(r.stderr.strip())
    print('built ' + deb)
    return deb


def lint(deb):
    r = run(['lintian', '--display-info', '--pedantic', deb], timeout=180)
    tags = [line for line in r.stdout.splitlines() if re.match(r'^[EWIPX]: ', line)]
    errors = [t for t in tags if t.startswith('E: ')]
    warnings = [t for t in tags if t.startswith('W: ')]
    others = [t for t in tags if t[0] in 'IPX']
    print('lintian: %d errors, %d warnings, %d info/pedantic/experimental' % (len(errors), len(warnings), len(others)))
    for tag in errors + warnings + others:
        print('  ' + tag)
    check(r.returncode == 0 and not errors, 'lintian finds no errors',
          'exit %d %s' % (r.returncode, r.stderr.strip()))


def purge():
    r = run(['apt-get', 'purge', '-y', '-o', 'DPkg::Lock::Timeout=120', PACKAGE],
            env=dict(os.environ, DEBIAN_FRONTEND='noninteractive'), timeout=240)
    if r.returncode != 0:
        note('apt-get purge %s: exit %d: %s' % (PACKAGE, r.returncode, r.stderr.strip()))


def install(deb):
    cleanups.append(purge)   # also after a half-done install
    r = run(['apt-get', 'install', '-y', '--no-install-recommends', '-o', 'DPkg::Lock::Timeout=120', deb],
            env=dict(os.environ, DEBIAN_FRONTEND='noninteractive'), timeout=300)
    require(r.returncode == 0 and dpkg_status() == 'ii', 'apt-get install ./%s' % os.path.basename(deb),
            'exit %d: %s' % (r.returncode, (r.stderr or r.stdout).strip()[-2000:]))


def check_files(srcdir):
    files = run(['dpkg', '-L', PACKAGE]).stdout.split()
    multiarch = run(['dpkg-architecture', '-qDEB_HOST_MULTIARCH']).stdout.strip()
    languages = [l.strip() for l in open(os.path.join(srcdir, 'po', 'LINGUAS')) if l.strip() and not l.startswith('#')]
    expected = [
        '/usr/bin/passthrough-prep',
        HELPER,
        POLICY,
        DESKTOP_FILE,
        '/usr/share/metainfo/%s.metainfo.xml' % APP_ID,
        '/usr/share/icons/hicolor/scalable/apps/%s.svg' % APP_ID,
        '/usr/share/icons/hicolor/symbolic/apps/%s-symbolic.svg' % APP_ID,
        '/usr/lib/%s/passthrough-prep/libpp-window.so' % multiarch,
        DEMO_HOST + '/.mkhost-root',
        MAN_PAGE,
        HELPER_MAN_PAGE,
    ] + ['/usr/share/locale/%s/LC_MESSAGES/passthrough-prep.mo' % lang for lang in languages]
    for path in expected:
        check(path in files and os.path.exists(path), 'the package installs %s' % path)
    for man_page in (MAN_PAGE, HELPER_MAN_PAGE):
        if os.path.exists(man_page):
            with gzip.open(man_page, 'rt', encoding='utf-8') as f:
                page = f.read()
            check(HELPER.replace('-', '\\-') in page and '@' not in page,
                  '%s names the installed helper, %s' % (os.path.basename(man_page), HELPER))
    test_only = [f for f in files if not f.startswith(DEMO_HOST + '/') and 'test' in os.path.basename(f)]
    check(not test_only, 'the package holds nothing test-only', ' '.join(test_only))
    st = os.stat(HELPER)
    check(st.st_uid == 0 and (st.st_mode & 0o7777) == 0o755,
          '%s is root\'s, 0755, not setuid' % HELPER, 'uid %d mode %o' % (st.st_uid, st.st_mode & 0o7777))
    # the demo host keeps its sysfs links and its write-only attributes
    check(os.path.islink(os.path.join(DEMO_HOST, 'sys/bus/pci/devices'))
          or any(os.path.islink(os.path.join(DEMO_HOST, 'sys/bus/pci/devices', d))
                 for d in os.listdir(os.path.join(DEMO_HOST, 'sys/bus/pci/devices'))),
          'the installed demo host keeps its sysfs symlinks')
    rescan = os.path.join(DEMO_HOST, 'sys/bus/pci/rescan')
    check(os.path.exists(rescan) and (os.stat(rescan).st_mode & 0o777) == 0o200,
          'the installed demo host keeps its modes (sys/bus/pci/rescan 0200)')


def check_cli():
    r = run(['/usr/bin/passthrough-prep', '--check', '--json'], timeout=30)
    check(r.returncode == 0 and r.stdout.lstrip().startswith('{'), 'passthrough-prep --check --json reads this host',
          'exit %d: %s' % (r.returncode, r.stderr.strip()))
    r = run(['/usr/bin/passthrough-prep', '--root', DEMO_HOST, '--list'], timeout=30)
    check(r.returncode == 0 and 'IOMMU group' in r.stdout, 'passthrough-prep --root DEMO_HOST --list shows its groups',
          'exit %d: %s' % (r.returncode, r.stderr.strip()))
    r = run(['desktop-file-validate', DESKTOP_FILE])
    check(r.returncode == 0 and not r.stdout.strip(), 'desktop-file-validate %s' % DESKTOP_FILE,
          (r.stdout + r.stderr).strip())


# ---------------------------------------------------------------- the window, launched from the menu

def marked_pids(token):
    """Processes this run started under the session bus it made: the window and
    the bus daemons it activated (at-spi-bus-launcher, at-spi2-registryd) all
    inherit the mark in their environment."""
    pids = []
    mark = ('%s=%s' % (LAUNCH_MARK, token)).encode()
    for entry in os.listdir('/proc'):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            environ = open('/proc/%s/environ' % entry, 'rb').read().split(b'\0')
        except OSError:
            continue
        if mark in environ and tp.alive(int(entry)):
            pids.append(int(entry))
    return pids


def check_window(tmp):
    token = secrets.token_hex(8)
    home = os.path.join(tmp, 'home')
    runtime = os.path.join(tmp, 'run')
    os.makedirs(home)
    os.makedirs(runtime, mode=0o700)
    xvfb = tw.Xvfb(1280, 900)
    cleanups.append(lambda: tw.cleanup())   # Xvfb, by its PID

    def stop_left_over():
        for pid in marked_pids(token):
            try:
                name = open('/proc/%d/comm' % pid).read().strip()
            except OSError:
                continue
            note('%s (%d), started for the window, is still running; ending it' % (name, pid))
            tp.kill_pid(pid, name)()
    cleanups.append(stop_left_over)

    env = {
        'PATH': '/usr/sbin:/usr/bin:/sbin:/bin',
        'HOME': home,
        'XDG_RUNTIME_DIR': runtime,
        'LANG': 'C.UTF-8',
        'LC_ALL': 'C.UTF-8',
        'DISPLAY': xvfb.display,
        'GDK_BACKEND': 'x11',
        'GTK_A11Y': 'atspi',
        'GSETTINGS_BACKEND': 'memory',
        LAUNCH_MARK: token,
    }
    # the AT-SPI bus must be found on a session bus of our own: run again inside one
    inner = subprocess.Popen(['dbus-run-session', '--', '/usr/bin/python3', os.path.abspath(__file__), GUI_INNER, token],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        output, _ = inner.communicate(timeout=150)
    except subprocess.TimeoutExpired:
        tp.kill_pid(inner.pid, 'dbus-run-session', inner)()
        output, _ = inner.communicate()
    print(output.rstrip())
    check(inner.returncode == 0, 'the window opens from the menu and is found through AT-SPI',
          'exit %d' % inner.returncode)
    deadline = time.monotonic() + 10
    while marked_pids(token) and time.monotonic() < deadline:
        time.sleep(0.2)
    check(not marked_pids(token), 'the window and the session\'s bus daemons ended with the session',
          ' '.join(map(str, marked_pids(token))))
    xvfb.stop()


def gui_inner(token):
    """Inside dbus-run-session: look the app up and launch it as a menu does."""
    os.environ.pop('NO_AT_BRIDGE', None)
    import pyatspi
    from gi.repository import Gio, GLib
    tw.pyatspi = pyatspi

    info = Gio.DesktopAppInfo.new(APP_ID + '.desktop')
    require(info is not None, 'the desktop ID %s.desktop is found in XDG_DATA_DIRS' % APP_ID)
    check(info.get_filename() == DESKTOP_FILE, 'the menu entry is %s' % DESKTOP_FILE, info.get_filename())
    check(info.should_show(), 'the entry is shown in menus (not NoDisplay, not hidden)')
    check(GLib.find_program_in_path(info.get_executable()) == '/usr/bin/passthrough-prep',
          'its Exec= runs /usr/bin/passthrough-prep', info.get_executable())
    check('Settings' in (info.get_categories() or ''), 'it has a menu category', info.get_categories())

    # the launched window inherits gio's stdout and stderr: no pipes, which it would hold open
    with tempfile.TemporaryFile('w+') as errors:
        r = subprocess.run(['gio', 'launch', DESKTOP_FILE], stdout=subprocess.DEVNULL, stderr=errors, timeout=30)
        errors.seek(0)
        require(r.returncode == 0, 'gio launch %s' % DESKTOP_FILE, 'exit %d: %s' % (r.returncode, errors.read().strip()))

    def window():
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            try:
                app = desktop.getChildAtIndex(i)
                if app is None:
                    continue
                for j in range(app.childCount):
                    frame = app.getChildAtIndex(j)
                    if (frame is not None and frame.getRole() == pyatspi.ROLE_FRAME
                            and (frame.name or '').startswith('PassthroughPrep')):
                        return app, frame
            except Exception:   # an app going away while asked
                continue
        return None

    start = time.monotonic()
    try:
        app, frame = tw.wait_for('a window titled PassthroughPrep… on the accessibility bus', window, timeout=60)
    except tw.Failure as e:
        require(False, 'the launched window appears on the accessibility bus', str(e))
    pid = app.get_process_id()
    check(True, 'the window “%s” of “%s” (pid %d) is on the accessibility bus after %.1f s'
          % (frame.name, app.name, pid, time.monotonic() - start))
    environ = open('/proc/%d/environ' % pid, 'rb').read().split(b'\0')
    check(os.readlink('/proc/%d/exe' % pid) == '/usr/bin/passthrough-prep', 'the window is /usr/bin/passthrough-prep')
    check(('%s=%s' % (LAUNCH_MARK, token)).encode() in environ, 'the window is the one this test launched')
    # what GDesktopAppInfo sets in what it launches (GLib 2.74 no longer sets _FILE itself)
    check(('GIO_LAUNCHED_DESKTOP_FILE_PID=%d' % pid).encode() in environ,
          'it was started from its desktop entry (GIO_LAUNCHED_DESKTOP_FILE_PID)')
    shown = [a.name for a in tw.walk(frame) if a.getRole() == pyatspi.ROLE_LABEL and a.name][:8]
    print('the window shows: ' + ' | '.join(shown))
    tp.kill_pid(pid, 'passthrough-prep')()
    check(not tp.alive(pid), 'the launched window ends on SIGTERM')
    return 1 if failures else 0


# ---------------------------------------------------------------- polkit, as a person authorizes

def check_action():
    for _ in range(50):
        r = run(['pkaction', '--verbose', '--action-id', ACTION], timeout=10)
        if r.returncode == 0:
            break
        time.sleep(0.1)
    print(r.stdout.strip())
    lines = [' '.join(line.split()) for line in r.stdout.splitlines()]
    check(r.returncode == 0, 'pkaction --verbose --action-id %s lists the action' % ACTION, r.stderr.strip())
    check('annotation: org.freedesktop.policykit.exec.path -> %s' % HELPER in lines,
          'the action names the installed helper %s' % HELPER)
    check('implicit active: auth_admin_keep' in lines, 'implicit active: auth_admin_keep')


def admin_group():
    """The group polkit's admin rule names: the rules files run in name order
    (/etc's before /usr/share's of the same name); the first that has an
    addAdminRule decides (Debian 12: 50-default.rules, unix-group:sudo)."""
    files = {}
    for directory in reversed(RULES_DIRS):
        if os.path.isdir(directory):
            for name in os.listdir(directory):
                if name.endswith('.rules'):
                    files[name] = os.path.join(directory, name)
    for name in sorted(files):
        text = open(files[name], encoding='utf-8', errors='replace').read()
        at = text.find('addAdminRule')
        if at >= 0:
            groups = re.findall(r'unix-group:([A-Za-z0-9_.-]+)', text[at:])
            print('polkit\'s admin rule: %s names %s' % (files[name], groups or 'no group'))
            return groups[0] if groups else None
    return None


def add_user(name, groups):
    if name in {p.pw_name for p in pwd.getpwall()}:
        note('%s is left from an earlier run; removing it' % name)
        run(['userdel', name])
    password = secrets.token_urlsafe(12)
    argv = ['useradd', '--no-create-home', '--shell', '/usr/sbin/nologin']
    if groups:
        argv += ['--groups', ','.join(groups)]
    r = run(argv + [name])
    require(r.returncode == 0, 'useradd %s%s' % (name, ' in ' + ','.join(groups) if groups else ''), r.stderr.strip())
    cleanups.append(lambda: run(['userdel', name]))
    r = run(['chpasswd'], input='%s:%s\n' % (name, password))
    require(r.returncode == 0, 'chpasswd %s' % name, r.stderr.strip())
    return password


def pkexec_with_agent(user, password, admin):
    """As @user on a new pty: pkttyagent registered for this process, then
    `pkexec HELPER status`; the password typed at pkttyagent's prompt.
    Returns (pkexec's exit status, the terminal's text)."""
    pw = pwd.getpwnam(user)
    sys.stdout.flush()   # or the child would print our buffered lines again
    pid, fd = pty.fork()
    if pid == 0:   # the user's side
        try:
            os.initgroups(user, pw.pw_gid)
            os.setgid(pw.pw_gid)
            os.setuid(pw.pw_uid)
            env = {'PATH': '/usr/bin:/bin', 'HOME': '/', 'USER': user, 'LOGNAME': user,
                   'LANG': 'C.UTF-8', 'LC_ALL': 'C.UTF-8', 'TERM': 'dumb'}
            ready_r, ready_w = os.pipe()
            # pkexec asks polkit for its parent, this process: the agent answers for it
            agent = subprocess.Popen(['pkttyagent', '--process', str(os.getpid()), '--notify-fd', str(ready_w)],
                                     pass_fds=(ready_w,), env=env)
            os.close(ready_w)
            os.read(ready_r, 1)     # EOF: registered (or gone)
            if agent.poll() is not None:
                print('AGENT-FAILED %d' % agent.returncode, flush=True)
                os._exit(96)
            print('AGENT-REGISTERED', flush=True)
            status = subprocess.call(['pkexec', HELPER, 'status'], env=env)
            print('PKEXEC-EXIT %d' % status, flush=True)
            agent.terminate()
            agent.wait()
            os._exit(status if 0 <= status < 256 else 95)
        except BaseException as e:   # never return into the test in the child
            print('CHILD-ERROR %r' % e, flush=True)
            os._exit(94)

    text = b''
    answered = chosen = 0
    deadline = time.monotonic() + 45
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    data = os.read(fd, 4096)
                except OSError:   # EIO: every holder of the pty is gone
                    break
                if not data:
                    break
                text += data
            plain = text.decode(errors='replace')
            # several administrators: pick ours from pkttyagent's numbered list
            if plain.count('Choose identity to authenticate as') > chosen:
                number = re.search(r'(\d+)\.\s+[^\n]*\(%s\)|(\d+)\.\s+%s\s*$' % (re.escape(admin), re.escape(admin)),
                                   plain, re.M)
                os.write(fd, (((number.group(1) or number.group(2)) if number else '1') + '\n').encode())
                chosen += 1
            if plain.count('Password:') > answered:
                # type once echo is off: turning it off flushes what came before
                for _ in range(50):
                    if not termios.tcgetattr(fd)[3] & termios.ECHO:
                        break
                    time.sleep(0.05)
                os.write(fd, password.encode() + b'\n')
                answered += 1
        else:
            os.kill(pid, signal.SIGKILL)
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    text = text.decode(errors='replace').replace('\r\n', '\n')
    text = re.sub(r'\x1b\[[0-9;]*m', '', text)
    marks = re.findall(r'^PKEXEC-EXIT (-?\d+)$', text, re.M)
    code = int(marks[-1]) if marks else None
    print('--- %s, pkexec %s:\n%s\n---' % (user, code, text.strip()))
    check('AGENT-REGISTERED' in text, '%s: pkttyagent registered for the process that runs pkexec' % user)
    check(answered >= 1, '%s: pkttyagent asked for a password' % user)
    return code, text


def check_pkexec(group):
    admin_password = add_user(ADMIN_USER, [group])
    outsider_password = add_user(OUTSIDER_USER, [])

    # the refusals first: no authorization of the right password is kept for them
    code, text = pkexec_with_agent(ADMIN_USER, 'not-' + admin_password, ADMIN_USER)
    check(code == 127, 'a wrong password is refused: pkexec exits 127', 'exit %s' % code)
    check('AUTHENTICATION FAILED' in text and not re.search(r'^done ', text, re.M),
          'a wrong password: authentication failed, the helper did not run')

    code, text = pkexec_with_agent(OUTSIDER_USER, outsider_password, ADMIN_USER)
    check(code == 127, 'a user outside %s is refused: pkexec exits 127' % group, 'exit %s' % code)
    check(re.search(r'^Authenticating as: .*%s' % re.escape(ADMIN_USER), text, re.M) is not None
          and not re.search(r'^Authenticating as: .*%s' % re.escape(OUTSIDER_USER), text, re.M),
          'a user outside %s is asked for an administrator\'s password, not their own' % group)
    check(not re.search(r'^done ', text, re.M), 'a user outside %s: the helper did not run' % group)

    code, text = pkexec_with_agent(ADMIN_USER, admin_password, ADMIN_USER)
    events = [line for line in text.splitlines() if re.match(r'^(state|file|done|failed) ', line)]
    check(code == 0, 'the right password: pkexec runs the helper as root, exit 0', 'exit %s' % code)
    check('AUTHENTICATION COMPLETE' in text, 'the right password: authentication complete')
    check(any(e.startswith('state ') for e in events) and events[-1:] and events[-1].startswith('done '),
          'the helper prints its state and ends with a done line', ' | '.join(events))


# ---------------------------------------------------------------- the run

def preconditions():
    """None when the test can run here, else why not."""
    if os.geteuid() != 0:
        return 'needs root: it installs a package, adds users and starts polkitd'
    if not os.path.exists('/var/lib/dpkg/status'):
        return 'needs a Debian-like system (dpkg, apt)'
    missing = [t for t in ('dpkg-buildpackage', 'dh', 'lintian', 'apt-get', 'useradd', 'userdel', 'chpasswd',
                           'dbus-daemon', 'dbus-send', 'dbus-run-session', 'pkaction', 'pkexec', 'pkttyagent',
                           'desktop-file-validate', 'gio', 'Xvfb', tp.POLKITD) if not shutil.which(t)]
    if missing:
        return 'not installed: %s (build-aux/setup-debian installs them)' % ', '.join(missing)
    r = run(['/usr/bin/python3', '-c', 'import pyatspi'])
    if r.returncode != 0:
        return 'pyatspi is missing for /usr/bin/python3 (python3-pyatspi)'
    if dpkg_status() not in ('', 'un', 'pn'):
        return '%s is installed here (%s); this test installs and purges its own build: remove it first' \
            % (PACKAGE, dpkg_status())
    stray = [p for p in ('/usr/bin/passthrough-prep', HELPER, POLICY, DESKTOP_FILE) if os.path.lexists(p)]
    if stray:
        return '%s exist outside a package (a meson install to /usr?); the package would replace and ' \
               'its purge remove them: remove them first' % ', '.join(stray)
    return None


def left_over():
    check(dpkg_status() in ('', 'un', 'pn'), 'afterwards: %s is purged' % PACKAGE, dpkg_status())
    for path in ('/usr/bin/passthrough-prep', HELPER, POLICY, DESKTOP_FILE, '/usr/share/passthrough-prep'):
        check(not os.path.lexists(path), 'afterwards: %s is gone' % path)
    users = {p.pw_name for p in pwd.getpwall()}
    for user in (ADMIN_USER, OUTSIDER_USER):
        check(user not in users, 'afterwards: no user %s' % user)


def main():
    if sys.argv[1:2] == [GUI_INNER]:
        try:
            return gui_inner(sys.argv[2])
        except Fatal:
            return 1
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    srcdir, builddir = (os.path.abspath(a) for a in sys.argv[1:3])
    why_not = preconditions()
    if why_not:
        print(why_not)
        return 1 if os.environ.get('CI') == 'true' else 77

    tp.DEADLINE = time.monotonic() + 600   # its run() caps every call by this
    os.makedirs(builddir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix='pp-package-', dir=builddir)
    group = admin_group()
    started = time.monotonic()
    try:
        step('build the .deb')
        deb = build_deb(srcdir, builddir)
        step('lintian')
        lint(deb)
        step('install')
        install(deb)
        step('installed files')
        check_files(srcdir)
        check_cli()
        step('the window from the menu')
        check_window(tmp)
        step('polkit')
        tp.start_system_bus()
        tp.start_polkitd()
        check_action()
        require(group is not None and group in {g.split(':')[0] for g in open('/etc/group')},
                'polkit\'s admin rule names an existing group', group)
        check_pkexec(group)
    except Fatal:
        pass
    except SystemExit:   # test-polkit.py's bus or polkitd did not start
        pass
    except subprocess.TimeoutExpired as e:
        check(False, '%s finished in time' % ' '.join(e.cmd))
    finally:
        step('clean up')
        for cleanup in reversed(cleanups):
            try:
                cleanup()
            except Exception as e:   # keep cleaning up
                note('cleanup: %r' % e)
        shutil.rmtree(tmp, ignore_errors=True)
        step(None)
    left_over()
    print('%d failed, %.0f s' % (len(failures), time.monotonic() - started))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
