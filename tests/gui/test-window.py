#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The window under Xvfb, read through the accessibility tree (AT-SPI).

For each host of GUI_HOSTS (tests/hosts) the test builds a fake root with mkhost.py,
asks the command line (--list --json, --check --json) what the window must
show, launches the window on that root and checks that every GPU card and
every IOMMU group card is there with the right names, badges and verdicts,
and that the empty and error states appear. It also checks that the view
switcher and the Reserve buttons are reached with the keyboard, and keeps
screenshots (light, dark, 360 px wide) in meson-logs/screenshots of the
build dir, or in $PP_ARTIFACTS_DIR.

Usage: test-window.py APP SRCDIR BUILDDIR
Runs itself again inside dbus-run-session so the session and AT-SPI buses
are private to the test."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

INNER = 'PP_GUI_TEST_INNER'
SRCDIR = None   # set in main()

# from tests/hosts: one of each scenario, a group with a device in the way,
# and the IOMMU off; the first is also shown dark, narrow and by keyboard
GUI_HOSTS = [
    'desktop-intel-nvidia',
    'ryzen-two-dgpu-bad-group',
    'iommu-off',
    'server-no-gpu',
    'single-gpu-desktop',
]

CHILDREN = []          # every process we started, ended in cleanup()
RESULTS = []           # (name, ok, message)


TAP = sys.stdout    # the inner run writes TAP to the fd the outer run hands it


def log(*args):
    # every line a TAP comment: the app's own output has several
    text = ' '.join(str(a) for a in args)
    print('\n'.join('# ' + line for line in text.splitlines() or ['']), file=TAP, flush=True)


def cleanup():
    for proc in reversed(CHILDREN):
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    CHILDREN.clear()


def on_signal(signum, frame):
    cleanup()
    sys.exit(1)


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def wait_for(what, predicate, timeout=20.0, interval=0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise Failure('timed out after %.0f s waiting for %s' % (timeout, what))
        time.sleep(interval)


# ---------------------------------------------------------------- X and app

class Xvfb:
    def __init__(self, width, height):
        read_fd, write_fd = os.pipe()
        self.proc = subprocess.Popen(
            ['Xvfb', '-displayfd', str(write_fd), '-screen', '0', '%dx%dx24' % (width, height),
             '-nolisten', 'tcp', '-noreset'],
            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        CHILDREN.append(self.proc)
        os.close(write_fd)
        with os.fdopen(read_fd) as f:
            number = f.readline().strip()
        if not number:
            raise Failure('Xvfb did not start')
        self.display = ':' + number

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)


class App:
    def __init__(self, binary, root, display, dark=False):
        env = dict(os.environ)
        env.update({
            'DISPLAY': display,
            'GDK_BACKEND': 'x11',
            'GSETTINGS_BACKEND': 'memory',
            'GTK_A11Y': 'atspi',
            'ADW_DEBUG_COLOR_SCHEME': 'prefer-dark' if dark else 'prefer-light',
            'LANG': 'C.UTF-8',
            'LC_ALL': 'C.UTF-8',
            # the app's icon from the source tree, as if installed
            'XDG_DATA_DIRS': '%s:%s' % (os.path.join(SRCDIR, 'data'),
                                        os.environ.get('XDG_DATA_DIRS', '/usr/local/share:/usr/share')),
        })
        env.pop('NO_AT_BRIDGE', None)
        env.pop('PP_EXIT_AFTER_FIRST_FRAME', None)
        self.display = display
        self.proc = subprocess.Popen([binary, '--root', root], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        CHILDREN.append(self.proc)
        self.acc = wait_for('the window on the accessibility bus', self._find, timeout=30)

    def _find(self):
        check(self.proc.poll() is None, 'the app exited early: %s' % self.output())
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            try:
                if app is not None and app.get_process_id() == self.proc.pid:
                    return app
            except Exception:
                continue
        return None

    def output(self):
        if self.proc.poll() is None:
            return ''
        return self.proc.stdout.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        CHILDREN.remove(self.proc)


# ---------------------------------------------------------------- tree helpers

def walk(acc, depth=0):
    """Every accessible under acc (acc included), depth first, in order. GTK 4.8
    leaves hidden widgets out of the tree but keeps the stack pages not on
    screen, so checks look inside a card or for text only one state sets."""
    if acc is None or depth > 60:
        return
    yield acc
    try:
        count = acc.childCount
    except GLib.Error:
        return      # gone while walking (cards rebuilt by a refresh, a window closing)
    for i in range(count):
        try:
            child = acc.getChildAtIndex(i)
        except GLib.Error:
            continue
        yield from walk(child, depth + 1)


def names(acc):
    return [a.name for a in walk(acc) if a.name]


def find_all(acc, role=None, name=None, contains=None):
    out = []
    for a in walk(acc):
        if role is not None and a.getRole() != role:
            continue
        if name is not None and a.name != name:
            continue
        if contains is not None and contains not in (a.name or ''):
            continue
        out.append(a)
    return out


def find_one(acc, what, **kwargs):
    found = find_all(acc, **kwargs)
    check(found, '%s: not found' % what)
    return found[0]


def has_text(acc, text):
    return any(text in n for n in names(acc))


def click(acc):
    action = acc.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ('click', 'press', 'activate', 'toggle'):
            action.doAction(i)
            return
    action.doAction(0)


def show_view(app, title):
    button = find_one(app.acc, 'view switcher button “%s”' % title,
                      role=pyatspi.ROLE_PAGE_TAB, name=title)
    click(button)
    wait_for('the %s view' % title,
             lambda: button.getState().contains(pyatspi.STATE_SELECTED), timeout=5)


def screenshot(app, artifacts, name):
    path = os.path.join(artifacts, name + '.png')
    time.sleep(0.5)
    env = dict(os.environ, DISPLAY=app.display)
    subprocess.run(['import', '-window', 'root', path], env=env, check=True, timeout=20,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log('screenshot', path)


# ---------------------------------------------------------------- expectations

def cli_json(binary, root, *args):
    out = subprocess.run([binary, '--root', root, '--json', *args], check=True, timeout=30,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    return json.loads(out)


class Expect:
    def __init__(self, binary, root):
        self.list = cli_json(binary, root, '--list')
        self.check = cli_json(binary, root, '--check')
        self.devices = {}
        for group in self.list['groups']:
            for dev in group['devices']:
                self.devices[dev['address']] = dev
        for dev in self.list['ungrouped']:
            self.devices[dev['address']] = dev


def check_readiness(app, expect):
    show_view(app, 'Readiness')
    text = names(app.acc)    # one walk: the tree is big and every call crosses D-Bus
    for title in ('Processor', 'IOMMU', 'Kernel parameters', 'VFIO modules', 'Boot loader',
                  'Initramfs', 'Firmware'):
        check(title in text, 'readiness row “%s” missing' % title)
    titles = {'no-gpu': 'No GPU to Pass Through',
              'single-gpu': 'Single-GPU Passthrough Is Not Supported'}
    scenario = expect.check['scenario']
    if scenario in titles:
        check(titles[scenario] in text, 'verdict “%s” missing' % titles[scenario])
    else:
        check(any(t in text for t in ('Ready to Reserve a GPU', 'Almost Ready', 'Not Ready Yet')),
              'no verdict on the Readiness page')
    if not expect.check['iommu']['enabled']:
        check(any(t.startswith('Off: the kernel made no IOMMU groups') for t in text),
              'IOMMU row does not say off')


def flow_box(app, name):
    """The flow box labelled @name, looked up once: walking only below it keeps
    the many waits of the test cheap."""
    cache = app.__dict__.setdefault('flow_boxes', {})
    if name not in cache:
        cache[name] = next(a for a in walk(app.acc) if a.name == name
                           and a.getRole() not in (pyatspi.ROLE_LABEL, pyatspi.ROLE_PAGE_TAB))
    return cache[name]


def gpu_cards(app):
    return [a for a in walk(flow_box(app, 'GPUs')) if a.getRole() == pyatspi.ROLE_PANEL and a.name
            and (a.description or '').startswith(('Viable', 'Not viable'))]


def check_gpus(app, expect):
    show_view(app, 'GPUs')
    gpus = expect.check['gpus']
    if not gpus:
        check(has_text(app.acc, 'No GPU Found'), 'the no-GPU status page is missing')
        return
    cards = {}
    for card in gpu_cards(app):
        cards.setdefault(card.name, []).append(card)
    for gpu in gpus:
        dev = expect.devices[gpu['address']]
        candidates = cards.get(dev['name'], [])
        card = next((c for c in candidates if has_text(c, gpu['address'])), None)
        check(card is not None, 'no card for GPU %s (%s); cards: %s' % (gpu['address'], dev['name'], sorted(cards)))
        text = names(card)
        check(dev['vendor'] in text, '%s: vendor “%s” missing' % (gpu['address'], dev['vendor']))
        ids = '%s:%s' % (dev['vendor_id'], dev['device_id'])
        check(ids in text, '%s: IDs %s missing' % (gpu['address'], ids))
        check((dev['driver'] or 'None') in text, '%s: driver missing' % gpu['address'])
        check(('Drives the display' in text) == gpu['boot_vga'],
              '%s: display badge is wrong (boot_vga=%s)' % (gpu['address'], gpu['boot_vga']))
        badge = 'Viable' if gpu['viable'] else 'Not viable'
        check(badge in text, '%s: badge “%s” missing' % (gpu['address'], badge))
        verdict_prefix = 'Viable:' if gpu['viable'] else 'Not viable:'
        check(any(t.startswith(verdict_prefix) for t in text), '%s: verdict text missing' % gpu['address'])
        check(card.description.startswith(verdict_prefix), '%s: card description is not the verdict' % gpu['address'])
        for blocker in gpu['blockers']:
            check(any(blocker in t and t.startswith('In the way') for t in text),
                  '%s: device in the way %s not listed' % (gpu['address'], blocker))
        for function in gpu['reserve']:
            check(any(function in t and t.startswith('Reserving it binds') for t in text),
                  '%s: reserved function %s not listed' % (gpu['address'], function))
        check(any(t.startswith('macOS: ') for t in text), '%s: macOS hint missing' % gpu['address'])
        check(('Why, and What Can Be Done' in text) == (gpu['why_not_viable'] is not None),
              '%s: why and what can be done: %s' % (gpu['address'], 'missing' if gpu['why_not_viable'] else 'shown'))
        if gpu['why_not_viable'] is not None:
            expander = next(a for a in walk(card) if a.name == 'Why, and What Can Be Done')
            for _ in range(4):     # the label, or the expander around it, takes the click
                try:
                    if expander.queryAction().nActions > 0:
                        break
                except NotImplementedError:
                    pass
                expander = expander.parent
            click(expander)
            wait_for('%s: why, once unfolded' % gpu['address'],
                     lambda: has_text(card, 'Why: ' + gpu['why_not_viable']), timeout=5)
            for remedy in gpu['remedies']:
                check(any(remedy['text'] in t for t in names(card)),
                      '%s: remedy %s missing' % (gpu['address'], remedy['kind']))
        check(find_all(card, role=pyatspi.ROLE_PUSH_BUTTON, contains='Reserve for VM'),
              '%s: Reserve button missing' % gpu['address'])
    check(len(gpu_cards(app)) == len(gpus), 'expected %d GPU cards, found %d' % (len(gpus), len(gpu_cards(app))))


def group_cards(app):
    return [a for a in walk(flow_box(app, 'IOMMU groups'))
            if a.getRole() == pyatspi.ROLE_PANEL and a.name.startswith(('Group ', 'Not in a Group'))]


def check_groups(app, expect):
    show_view(app, 'IOMMU Groups')
    if not expect.check['iommu']['enabled']:
        check(has_text(app.acc, 'The IOMMU Is Off'), 'the IOMMU-off status page is missing')
        check(has_text(app.acc, 'VT-d') or has_text(app.acc, 'AMD-Vi'), 'no word on how to turn the IOMMU on')
        check(not group_cards(app), 'group cards shown although the IOMMU is off')
        return
    cards = group_cards(app)
    shown = [c.name for c in cards]
    expected = ['Group %d' % g['id'] for g in expect.list['groups']]
    check(sorted(shown) == sorted(expected), 'group cards %s, expected %s' % (shown, expected))
    gpu_groups = {'Group %d' % g['id'] for g in expect.list['groups']
                  if any(d['class'].startswith('03') for d in g['devices'])}
    first = shown[:len(gpu_groups)]
    check(set(first) == gpu_groups, 'GPU groups are not first: %s' % shown)
    for group, card in zip(sorted(expect.list['groups'], key=lambda g: 'Group %d' % g['id']),
                           sorted(cards, key=lambda c: c.name)):
        text = names(card)
        for dev in group['devices']:
            check(dev['name'] in text, '%s: device %s (%s) missing' % (card.name, dev['address'], dev['name']))
            check(any(dev['address'] in t and '%s:%s' % (dev['vendor_id'], dev['device_id']) in t for t in text),
                  '%s: address and IDs of %s missing' % (card.name, dev['address']))

    # the selected GPU's groups carry the "Selected GPU" badge
    selected = [c.name for c in group_cards(app) if has_text(c, 'Selected GPU')]
    viable = [g for g in expect.check['gpus'] if g['viable'] and not g['boot_vga']]
    if viable:
        device = expect.devices[viable[0]['address']]
        group_id = next(g['id'] for g in expect.list['groups']
                        if any(d['address'] == device['address'] for d in g['devices']))
        check(selected == ['Group %d' % group_id], 'highlighted groups %s, expected Group %d' % (selected, group_id))

    check_topology(app, expect)

    # search by ID, by address and by name
    entry = find_one(app.acc, 'search entry', role=pyatspi.ROLE_ENTRY)
    some = expect.list['groups'][-1]['devices'][0]
    for needle in ('%s:%s' % (some['vendor_id'], some['device_id']), some['address'], some['name'].upper()):
        entry.queryEditableText().setTextContents(needle)
        want = sorted('Group %d' % g['id'] for g in expect.list['groups']
                      if any(needle.casefold() in ('%s\n%s\n%s:%s\n%s' % (d['name'], d['vendor'], d['vendor_id'],
                                                                          d['device_id'], d['address'])).casefold()
                             for d in g['devices']))
        wait_for('search “%s” to show %s' % (needle, want),
                 lambda: sorted(c.name for c in group_cards(app)) == want, timeout=5)
    entry.queryEditableText().setTextContents('no such device 0000')
    wait_for('no group card left', lambda: not group_cards(app), timeout=5)
    entry.queryEditableText().setTextContents('')
    wait_for('all groups back', lambda: len(group_cards(app)) == len(expected), timeout=5)


def tree_rows(app):
    """The PCIe tree's rows on screen (a list view makes rows for what shows),
    by the text they give a screen reader"""
    tree = find_one(app.acc, 'the PCIe tree', role=pyatspi.ROLE_LIST, name='PCIe tree')
    return [a.name for a in walk(tree) if a.name and a.name != 'PCIe tree' and a.getRole() == pyatspi.ROLE_PANEL]


def row_address(row):
    match = re.search(r', ([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]) · ', row)
    return match.group(1) if match else None


def selected_path(expect, address):
    """The GPU's functions and every bridge above it, from --list's parents"""
    gpu = next(g for g in expect.check['gpus'] if g['address'] == address)
    path = list(gpu['reserve'])
    parent = expect.devices[address]['parent']
    while parent is not None:
        path.append(parent)
        parent = expect.devices[parent]['parent']
    return path


def check_topology(app, expect):
    """The tree beside the cards: each device row says its group, the selected
    GPU's path says so, the port behind which a GPU's group is shared says why."""
    rows = wait_for('the PCIe tree rows', lambda: tree_rows(app), timeout=10)
    check(rows[0].startswith('PCI root complex'), 'the tree does not start at a root complex: %s' % rows[:2])
    for row in rows[1:]:
        address = row_address(row)
        dev = expect.devices.get(address)
        check(dev is not None, 'a tree row names no device: %r' % row)
        mark = 'IOMMU group %d' % dev['iommu_group'] if dev['iommu_group'] is not None else 'in no IOMMU group'
        check(mark in row, 'the tree row of %s does not say “%s”: %r' % (address, mark, row))
    viable = [g for g in expect.check['gpus'] if g['viable'] and not g['boot_vga']]
    if viable:
        path = selected_path(expect, viable[0]['address'])
        on_path = [row_address(r) for r in rows[1:] if 'on the selected GPU’s path' in r]
        shown = [a for a in path if any(row_address(r) == a for r in rows[1:])]
        # a long tree shows its first rows only; a short one the whole path
        check(sorted(on_path) == sorted(shown) and (shown or len(expect.devices) > 25),
              'the selected GPU’s path: %s, expected %s' % (on_path, shown))
        gpu_row = next((r for r in rows[1:] if row_address(r) == viable[0]['address']), None)
        check(gpu_row is None or ('IOMMU group' in gpu_row and 'on the selected GPU’s path' in gpu_row),
              'the GPU’s row does not carry its group and the path: %r' % gpu_row)
    for gpu in expect.check['gpus']:
        if gpu['why_not_viable'] and gpu['blockers']:
            check(any(gpu['why_not_viable'] in r for r in rows),
                  'no row marks why %s shares its group: %s' % (gpu['address'], gpu['why_not_viable']))


# ---------------------------------------------------------------- keyboard

KEYSYM_TAB = 0xff09
KEYSYM_RIGHT = 0xff53
KEYSYM_HOME = 0xff50
KEYCODE_SHIFT = 50      # Shift_L in Xvfb's default keymap


class FocusWatch:
    """Follows focus changes through AT-SPI events (GTK 4.8 leaves stale
    focused states in the tree, the events are right)."""

    def __init__(self):
        self.focused = None
        self.changes = 0
        pyatspi.Registry.registerEventListener(self.on_event, 'object:state-changed:focused')

    def on_event(self, event):
        if event.detail1 != 1:
            return
        try:
            self.focused = (event.source.getRoleName(), event.source.name or '', event.source.description or '')
            self.changes += 1
        except Exception:
            pass

    def close(self):
        pyatspi.Registry.deregisterEventListener(self.on_event, 'object:state-changed:focused')

    def pump(self, seconds, stop=lambda: False):
        end = time.monotonic() + seconds
        while time.monotonic() < end and not stop():
            GLib.MainContext.default().iteration(False)
            time.sleep(0.01)

    def press(self, keysym, shift=False):
        before = self.changes
        if shift:
            pyatspi.Registry.generateKeyboardEvent(KEYCODE_SHIFT, None, pyatspi.KEY_PRESS)
        pyatspi.Registry.generateKeyboardEvent(keysym, None, pyatspi.KEY_SYM)
        if shift:
            pyatspi.Registry.generateKeyboardEvent(KEYCODE_SHIFT, None, pyatspi.KEY_RELEASE)
        # until the focus moves (and settles), or a while for keys that do not move it
        self.pump(0.6, lambda: self.changes != before)
        self.pump(0.1)
        return self.focused


def check_keyboard(app, expect):
    """The keyboard reaches the view switcher and every Reserve button: Tab
    goes into the GPU cards, the arrows move between cards (GtkFlowBox's way),
    Tab goes to the card's button."""
    show_view(app, 'GPUs')
    watch = FocusWatch()
    try:
        seen_switcher = set()
        for _ in range(20):
            role, name, _ = watch.press(KEYSYM_TAB) or ('', '', '')
            if role == 'page tab':
                seen_switcher.add(name)
            if role == 'table cell' or (role == 'push button' and 'Reserve for VM' in name):
                break
        check(seen_switcher, 'Tab never reached the view switcher')
        check(role in ('table cell', 'push button'), 'Tab never reached a GPU card')
        if role == 'push button':
            watch.press(KEYSYM_TAB, shift=True)
        watch.press(KEYSYM_HOME)
        reached = []
        for i in range(len(expect.check['gpus'])):
            role, name, description = watch.press(KEYSYM_TAB)
            check(role == 'push button' and 'Reserve for VM' in name,
                  'Tab on GPU card %d focused %s “%s”, not its Reserve button' % (i + 1, role, name))
            reached.append(description)
            watch.press(KEYSYM_TAB, shift=True)
            watch.press(KEYSYM_RIGHT)
        want = ['Reserve %s for a virtual machine' % expect.devices[g['address']]['name']
                for g in expect.check['gpus']]
        check(reached == want, 'Reserve buttons reached: %s, expected %s' % (reached, want))
    finally:
        watch.close()


KEYSYM_F5 = 0xffc2
KEYSYM_F = 0x66
KEYCODE_CONTROL = 37    # Control_L in Xvfb's default keymap


def press_with_control(watch, keysym):
    pyatspi.Registry.generateKeyboardEvent(KEYCODE_CONTROL, None, pyatspi.KEY_PRESS)
    result = watch.press(keysym)
    pyatspi.Registry.generateKeyboardEvent(KEYCODE_CONTROL, None, pyatspi.KEY_RELEASE)
    return result


def check_shortcuts(app):
    """F5 reads the host again (a toast says so), Ctrl+F opens the group search."""
    watch = FocusWatch()
    try:
        watch.press(KEYSYM_F5)
        wait_for('the refresh toast', lambda: has_text(app.acc, 'Read the host again'), timeout=10)
        press_with_control(watch, KEYSYM_F)
        wait_for('Ctrl+F to focus the search entry',
                 lambda: watch.focused is not None and watch.focused[0] == 'entry', timeout=5)
        tab = find_one(app.acc, 'IOMMU Groups tab', role=pyatspi.ROLE_PAGE_TAB, name='IOMMU Groups')
        check(tab.getState().contains(pyatspi.STATE_SELECTED), 'Ctrl+F did not show the IOMMU groups')
    finally:
        watch.close()


KEYSYM_DOWN = 0xff54


def check_tree_keyboard(app):
    """Tab reaches the PCIe tree from the search entry; the arrows walk its rows,
    each read with its group"""
    show_view(app, 'IOMMU Groups')
    watch = FocusWatch()
    try:
        press_with_control(watch, KEYSYM_F)     # the search entry, focused already or now
        focused = None
        rows_before = []
        for _ in range(6):
            focused = watch.press(KEYSYM_TAB)
            rows_before = tree_focus_names(app)
            if rows_before:
                break
        check(rows_before, 'Tab never reached the PCIe tree (focus on %s)' % (focused,))
        watch.press(KEYSYM_DOWN)
        watch.press(KEYSYM_DOWN)
        rows_after = tree_focus_names(app)
        check(rows_after and rows_after != rows_before, 'the arrow keys do not move in the tree: %s' % rows_after)
    finally:
        watch.close()


def tree_focus_names(app):
    """The tree row that holds the keyboard focus, by what it is read as"""
    tree = find_one(app.acc, 'the PCIe tree', role=pyatspi.ROLE_LIST, name='PCIe tree')
    out = []
    for item in walk(tree):
        try:
            if item.getState().contains(pyatspi.STATE_FOCUSED):
                out += [a.name for a in walk(item) if a.name and 'IOMMU group' in a.name][:1]
        except Exception:
            continue
    return out


def open_menu_item(app, label):
    button = next(a for a in walk(app.acc) if a.getRole() == pyatspi.ROLE_PUSH_BUTTON
                  and a.description == 'Main Menu' and a.queryAction().nActions > 0)
    click(button)
    item = wait_for('menu item “%s”' % label,
                    lambda: next(iter(find_all(app.acc, role=pyatspi.ROLE_MENU_ITEM, name=label)), None),
                    timeout=5)
    click(item)


def frames(app):
    return [app.acc.getChildAtIndex(i).name for i in range(app.acc.childCount)]


def check_menu(app, artifacts):
    open_menu_item(app, 'Copy Report')
    wait_for('the copied toast', lambda: has_text(app.acc, 'Report copied'), timeout=5)
    open_menu_item(app, 'Keyboard Shortcuts')
    wait_for('the shortcuts window', lambda: len(frames(app)) == 2, timeout=10)
    screenshot(app, artifacts, 'shortcuts')
    shortcuts = app.acc.getChildAtIndex(1)
    for title in ('Read the host again', 'Copy the report as Markdown', 'Search the IOMMU groups'):
        check(has_text(shortcuts, title), 'the shortcuts window lacks “%s”' % title)
    # the keys of the application's accelerators, not only the written-in ones
    for key in ('F5', 'Q', 'F'):
        check(find_all(shortcuts, name=key), 'the shortcuts window shows no “%s” key: %s' % (key, names(shortcuts)))


KEYSYM_QUESTION = 0x3f
KEYSYM_ESCAPE = 0xff1b


def a11y_call(app, path, interface, method, args, reply_type):
    """One raw AT-SPI call on the app's own objects, past pyatspi's cache."""
    session = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    address = session.call_sync('org.a11y.Bus', '/org/a11y/bus', 'org.a11y.Bus', 'GetAddress', None,
                                GLib.VariantType.new('(s)'), Gio.DBusCallFlags.NONE, 5000, None).unpack()[0]
    bus = Gio.DBusConnection.new_for_address_sync(
        address, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION,
        None, None)
    try:
        names = bus.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
                              'ListNames', None, GLib.VariantType.new('(as)'), Gio.DBusCallFlags.NONE,
                              5000, None).unpack()[0]
        refused = []
        for name in names:
            if not name.startswith(':'):
                continue
            try:
                pid = bus.call_sync('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus',
                                    'GetConnectionUnixProcessID', GLib.Variant('(s)', (name,)),
                                    GLib.VariantType.new('(u)'), Gio.DBusCallFlags.NONE, 5000, None).unpack()[0]
            except GLib.Error:
                continue
            if pid != app.proc.pid:
                continue
            try:
                return bus.call_sync(name, path, interface, method, args, GLib.VariantType.new(reply_type),
                                     Gio.DBusCallFlags.NONE, 5000, None).unpack()
            except GLib.Error as e:
                if 'UnknownObject' in str(e) or 'UnknownMethod' in str(e):
                    refused.append('%s: %s' % (name, e.message))
                    continue
                raise
        raise Failure('the app (pid %d, %s) has no %s on the accessibility bus: %s'
                      % (app.proc.pid, 'running' if app.proc.poll() is None else 'exited %s' % app.proc.returncode,
                         path, refused))
    finally:
        bus.close_sync(None)


def check_stale_window_index(app):
    """Ctrl+? opens the shortcuts window, Escape closes it; then a screen
    reader that still counts it asks for the window past the last one. GTK 4.8
    answers with the last toplevel it holds, which crashed the app while that
    was GtkApplication's never-shown help overlay."""
    watch = FocusWatch()
    try:
        if len(frames(app)) > 1:    # the menu's shortcuts window, left open by the case before
            watch.press(KEYSYM_ESCAPE)
            wait_for('the earlier shortcuts window to close', lambda: len(frames(app)) == 1, timeout=10)
        press_with_control(watch, KEYSYM_QUESTION)
        wait_for('Ctrl+? to open the shortcuts window', lambda: len(frames(app)) == 2, timeout=10)
        watch.press(KEYSYM_ESCAPE)
        wait_for('Escape to close the shortcuts window', lambda: len(frames(app)) == 1, timeout=10)
    finally:
        watch.close()
    for index in (1, 2, 7):
        try:
            a11y_call(app, '/org/a11y/atspi/accessible/root', 'org.a11y.atspi.Accessible',
                      'GetChildAtIndex', GLib.Variant('(i)', (index,)), '((so))')
        except GLib.Error:
            pass    # an error for a missing child is a fine answer
        time.sleep(0.3)     # a crash shows in poll() a moment after the bus hangs up
        check(app.proc.poll() is None, 'the app died answering GetChildAtIndex(%d): %s'
              % (index, app.output()[-2000:]))
    first = a11y_call(app, '/org/a11y/atspi/accessible/root', 'org.a11y.atspi.Accessible',
                      'GetChildAtIndex', GLib.Variant('(i)', (0,)), '((so))')
    check(first and first[0][1], 'the app no longer names its window: %s' % (first,))
    check(find_all(app.acc, name='Processor'), 'the window no longer answers')


def check_about(app, artifacts):
    open_menu_item(app, 'About PassthroughPrep')
    wait_for('the about window', lambda: len(frames(app)) == 2, timeout=10)
    about = app.acc.getChildAtIndex(1)
    check(has_text(about, 'PassthroughPrep'), 'the about window does not name the app')
    screenshot(app, artifacts, 'about')


# ---------------------------------------------------------------- the run

def build_root(builder, desc, root):
    subprocess.run([sys.executable, builder, desc, root], check=True, timeout=60)


def run_case(name, func):
    start = time.monotonic()
    try:
        func()
        log('%s: %.1f s' % (name, time.monotonic() - start))
        RESULTS.append((name, True, ''))
        print('ok %d - %s' % (len(RESULTS), name), file=TAP, flush=True)
    except Exception as e:   # one failed case must not hide the others
        RESULTS.append((name, False, str(e)))
        print('not ok %d - %s' % (len(RESULTS), name), file=TAP, flush=True)
        log(str(e))
        if not isinstance(e, Failure):   # a bug in the test itself: where
            log(traceback.format_exc())


def run_dirs(srcdir, builddir, prefix):
    """The fixture hosts, their builder, where screenshots go, and a temp dir."""
    artifacts = os.environ.get('PP_ARTIFACTS_DIR') or os.path.join(builddir, 'meson-logs', 'screenshots')
    os.makedirs(artifacts, exist_ok=True)
    return (os.path.join(srcdir, 'tests', 'hosts'), os.path.join(srcdir, 'tests', 'mkhost.py'),
            artifacts, tempfile.mkdtemp(prefix=prefix))


def main_inner(binary, srcdir, builddir):
    hosts_dir, builder, artifacts, tmp = run_dirs(srcdir, builddir, 'pp-gui-')
    wide_display = os.environ['DISPLAY']
    narrow_display = os.environ['PP_GUI_NARROW_DISPLAY']
    hosts = GUI_HOSTS
    print('1..%d' % (len(hosts) * 3 + 12), file=TAP, flush=True)

    try:
        roots = {}
        for host in hosts:
            roots[host] = os.path.join(tmp, host)
            build_root(builder, os.path.join(hosts_dir, host + '.host'), roots[host])

        for host in hosts:
            try:
                expect = Expect(binary, roots[host])
                start = time.monotonic()
                app = App(binary, roots[host], wide_display)
                log('%s: window up after %.1f s' % (host, time.monotonic() - start))
                wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
            except Exception as e:   # the host's three cases fail, the others still run
                reason = 'no window: %s' % e
                for case in ('readiness', 'GPU cards', 'IOMMU group cards'):
                    run_case('%s: %s' % (host, case), lambda: check(False, reason))
                cleanup_app = [p for p in CHILDREN if p.args[0] == binary]
                for proc in cleanup_app:
                    proc.kill()
                    proc.wait()
                    CHILDREN.remove(proc)
                continue
            try:
                run_case('%s: readiness' % host, lambda: check_readiness(app, expect))
                screenshot(app, artifacts, '%s-readiness' % host)
                run_case('%s: GPU cards' % host, lambda: check_gpus(app, expect))
                screenshot(app, artifacts, '%s-gpus' % host)
                run_case('%s: IOMMU group cards' % host, lambda: check_groups(app, expect))
                screenshot(app, artifacts, '%s-groups' % host)
            finally:
                app.stop()

        main_host = hosts[0]
        expect = Expect(binary, roots[main_host])

        app = App(binary, roots[main_host], wide_display)
        try:
            wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
            run_case('keyboard: view switcher and Reserve buttons', lambda: check_keyboard(app, expect))
            run_case('F5 and Ctrl+F', lambda: check_shortcuts(app))
            run_case('keyboard: the PCIe tree', lambda: check_tree_keyboard(app))
            run_case('Copy Report and the shortcuts window', lambda: check_menu(app, artifacts))
            run_case('Ctrl+?, Escape, then a window index past the last', lambda: check_stale_window_index(app))
        finally:
            app.stop()

        def about():
            app = App(binary, roots[main_host], wide_display)
            try:
                wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
                check_about(app, artifacts)
            finally:
                app.stop()
        run_case('the about window', about)

        def first_frame():
            env = dict(os.environ, DISPLAY=wide_display, GDK_BACKEND='x11', NO_AT_BRIDGE='1',
                       PP_EXIT_AFTER_FIRST_FRAME='1')
            start = time.monotonic()
            r = subprocess.run([binary, '--root', roots[main_host]], env=env, timeout=30,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            check(r.returncode == 0, 'exit status %d' % r.returncode)
            check(r.stdout == '', 'printed: %r' % r.stdout)
            log('first frame after %.2f s' % (time.monotonic() - start))
        run_case('PP_EXIT_AFTER_FIRST_FRAME=1 quits after the first frame, silently', first_frame)

        def unreadable():
            empty = os.path.join(tmp, 'no-sysfs')
            os.makedirs(empty)
            app = App(binary, empty, wide_display)
            try:
                # the page's title is always in the tree; its description is set by the error alone
                wait_for('the error page', lambda: has_text(app.acc, 'sys/bus/pci/devices'), timeout=20)
                screenshot(app, artifacts, 'unreadable-sysfs')
            finally:
                app.stop()
        run_case('unreadable sysfs: error page', unreadable)

        def uninstalled():
            # this computer, from a build that is not installed where polkit looks for its helper
            app = App(binary, '/', wide_display)
            try:
                wait_for('the install banner', lambda: has_text(
                    app.acc, 'is not installed where polkit looks for its helper'), timeout=20)
                screenshot(app, artifacts, 'uninstalled-banner')
            finally:
                app.stop()
        run_case('an uninstalled build on this computer: the banner says to install it', uninstalled)

        def skipped():
            odd = os.path.join(tmp, 'stray-entry')
            shutil.copytree(roots[main_host], odd, symlinks=True)
            os.makedirs(os.path.join(odd, 'sys', 'bus', 'pci', 'devices', 'not-an-address'))
            app = App(binary, odd, wide_display)
            try:
                wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
                text = names(app.acc)
                check('Skipped While Reading' in text, 'no group of skipped entries on the Readiness page')
                check(any('not-an-address' in t and 'skipped' in t for t in text),
                      'the stray entry is not named')
                check(len(gpu_cards(app)) == len(expect.check['gpus']), 'a stray entry lost GPU cards')
            finally:
                app.stop()
        run_case('a stray sysfs entry: listed as skipped, the rest shown', skipped)

        def styled(prefix, display, dark=False, max_width=None):
            app = App(binary, roots[main_host], display, dark=dark)
            try:
                wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
                screenshot(app, artifacts, prefix + '-readiness')
                check_gpus(app, expect)
                screenshot(app, artifacts, prefix + '-gpus')
                show_view(app, 'IOMMU Groups')
                screenshot(app, artifacts, prefix + '-groups')
                if max_width is not None:
                    # too narrow for the tree beside the cards: a button shows it over them
                    tree_button = [a for a in find_all(app.acc, name='PCIe Tree')
                                   if a.getRole() in (pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_TOGGLE_BUTTON)]
                    check(tree_button, 'the PCIe tree button: not found')
                    click(tree_button[0])
                    wait_for('the PCIe tree over the cards', lambda: tree_rows(app), timeout=5)
                    screenshot(app, artifacts, prefix + '-tree')
                    frame = find_one(app.acc, 'window', role=pyatspi.ROLE_FRAME)
                    width = frame.queryComponent().getExtents(pyatspi.DESKTOP_COORDS).width
                    check(width <= max_width, 'the window needs %d px, more than %d' % (width, max_width))
            finally:
                app.stop()
        run_case('dark style: %s' % main_host, lambda: styled('dark', wide_display, dark=True))
        run_case('narrow 360 px: %s' % main_host, lambda: styled('narrow', narrow_display, max_width=360))
    finally:
        cleanup()
        shutil.rmtree(tmp, ignore_errors=True)

    failed = [r for r in RESULTS if not r[1]]
    return 1 if failed else 0


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    binary, srcdir, builddir = (os.path.abspath(a) for a in sys.argv[1:])
    missing = [tool for tool in ('Xvfb', 'dbus-run-session', 'import') if shutil.which(tool) is None]
    if missing:
        print('1..0 # SKIP not installed: %s' % ', '.join(missing), flush=True)
        return 0
    global SRCDIR
    SRCDIR = srcdir
    if os.environ.get(INNER) != '1':
        # the bus daemons chatter on stdout: only our TAP goes there
        tap_fd = os.dup(sys.stdout.fileno())
        env = dict(os.environ, **{INNER: '1', 'PP_GUI_TAP_FD': str(tap_fd)})
        env.pop('DBUS_SESSION_BUS_ADDRESS', None)
        env.pop('AT_SPI_BUS_ADDRESS', None)
        try:
            # the AT-SPI registry, started on the private bus, sends our key
            # presses to $DISPLAY: the wide screen
            env['DISPLAY'] = Xvfb(1280, 900).display
            env['PP_GUI_NARROW_DISPLAY'] = Xvfb(360, 760).display
            return subprocess.run(['dbus-run-session', '--', sys.executable, os.path.abspath(__file__),
                                   binary, srcdir, builddir], env=env, timeout=220,
                                  stdout=sys.stderr, pass_fds=(tap_fd,)).returncode
        except subprocess.TimeoutExpired:
            print('Bail out! the window test took longer than 220 s', flush=True)
            return 1
        finally:
            cleanup()
    global TAP
    TAP = os.fdopen(int(os.environ['PP_GUI_TAP_FD']), 'w')
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    return main_inner(binary, srcdir, builddir)


if __name__ == '__main__':
    if os.environ.get(INNER) == '1':
        # the AT-SPI bus must be found on the private session bus, so import here
        os.environ.pop('NO_AT_BRIDGE', None)
        import pyatspi   # noqa: E402
        from gi.repository import Gio, GLib   # noqa: E402
    sys.exit(main())
