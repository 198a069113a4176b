#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The whole flow in the window under Xvfb, driven through AT-SPI: pick a GPU,
review the plan (every diff readable as the text of its view), apply it
through the real helper in test mode against a fixture root, watch progress
and the done page, restart through a stand-in logind on a private bus (a Reboot refused: a
toast says so; then one asked for), revert with
a confirmation and get the root back byte for byte; a failing rebuild tool
shows the helper's reason and leaves the root as it was; a refused GPU keeps
Apply off. After the restart (a fixture with the GPU on vfio-pci), "Use in a
VM" from Readiness and from the card shows the ULTMOS, libvirt and QEMU texts
as --vm-config prints them, Copy puts each on the clipboard (read back with
xclip), and saving the card's ROM through the helper names it in the texts,
or says why not. Screenshots (light, dark, 360 px wide) go where
test-window.py keeps its own.

The window runs the helper as `HELPER --root ROOT ...` because the test sets
PP_HELPER_COMMAND, a variable the app alone honours (docs/helper.md).

Usage: test-flow.py APP HELPER SRCDIR BUILDDIR"""

import importlib.util
import json
import re
import os
import shutil
import signal
import subprocess
import sys
import time

INNER = 'PP_GUI_TEST_INNER'
HERE = os.path.dirname(os.path.abspath(__file__))

# the tree walking, app launching and screenshot helpers of the window test
_spec = importlib.util.spec_from_file_location('pp_window_test', os.path.join(HERE, 'test-window.py'))
tw = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tw)
check, wait_for, walk, names, find_all, find_one, has_text, click = (
    tw.check, tw.wait_for, tw.walk, tw.names, tw.find_all, tw.find_one, tw.has_text, tw.click)

HOST = 'desktop-intel-nvidia'
GPU = '0000:01:00.0'
REFUSED_HOST = 'ryzen-two-dgpu-bad-group'
ACS_HOST = 'zen-chipset-group'     # linux-zen: the ACS override is offered
VM_HOST = 'vfio-polaris-domain1'
VM_GPU = '0001:00:03.0'
VM_ROM = 'var/lib/passthrough-prep/roms/1002-67df-1da2-e366.rom'
ARTIFACTS = None   # where screenshots go, set by main_inner
VM_TEXTS = (('ultmos', 'ULTMOS lines'), ('libvirt', 'libvirt XML'), ('qemu', 'QEMU arguments'))
ENTRY_HOST = 'nvidia-4fn-igpu-0380'    # systemd-boot: logind boots the Passthrough entry once
ENTRY_GPU = '0000:01:00.0'

log, run_case = tw.log, tw.run_case


# A mkinitcpio stand-in that logs as the fixtures' do and fails the first time
MKINITCPIO_FAILING_ONCE = r"""#!/bin/bash
root=$(cd "${0%/*}/../.." && pwd -P) || exit 1
line=mkinitcpio
for arg in "$@"; do line+=" $(printf '%q' "$arg")"; done
printf '%s\n' "$line" >> "$root/var/log/pp-test-commands.log" || exit 1
if [ ! -e "$root/var/mkinitcpio-failed-once" ]; then
  : > "$root/var/mkinitcpio-failed-once"
  echo "mkinitcpio: error: failing on purpose, once" >&2
  exit 1
fi
echo "mkinitcpio (test stand-in): done"
"""


def tree_bytes(root):
    """Every file and link of a host tree but var/ (the helper's backups, lock
    and the tools' command log), by path."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        rel = os.path.relpath(dirpath, root)
        if rel == 'var' or rel.startswith('var' + os.sep):
            dirnames[:] = []
            continue
        for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            path = os.path.join(dirpath, name)
            key = os.path.relpath(path, root)
            if os.path.islink(path):
                out[key] = ('link', os.readlink(path))
            else:
                with open(path, 'rb') as f:
                    out[key] = ('file', f.read(), os.stat(path).st_mode)
    return out


def compare_trees(before, after):
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    check(not changed, 'the root differs from before in: %s' % ', '.join(changed[:10]))


def settled_text(acc, text):
    """has_text, where a row the window is replacing right now counts as not there yet."""
    try:
        return has_text(acc, text)
    except Exception:
        return False


def button(acc, label):
    """The push button showing @label (GTK 4.8 names one with a mnemonic “_Apply Apply”)."""
    found = [b for b in find_all(acc, role=pyatspi.ROLE_PUSH_BUTTON)
             if b.name == label or (b.name or '').endswith(' ' + label)]
    check(found, 'no “%s” button' % label)
    return found[0]


def has_button(acc, label):
    return any(b.name == label or (b.name or '').endswith(' ' + label)
               for b in find_all(acc, role=pyatspi.ROLE_PUSH_BUTTON))


def frames(app):
    """The app's windows; one closing right now is left out."""
    out = []
    for i in range(app.acc.childCount):
        child = app.acc.getChildAtIndex(i)
        if child is not None:
            out.append(child.name)
    return out


def flow_frame(app):
    wait_for('a second window', lambda: len(frames(app)) == 2, timeout=10)
    return app.acc.getChildAtIndex(1)


def mode_check(flow, title):
    """The radio button of the mode row titled @title: the one in the nearest enclosing row."""
    rows = [a for a in walk(flow) if a.name == title]
    check(rows, 'no mode row “%s”' % title)
    around = rows[0]
    for _ in range(5):
        found = [a for a in walk(around) if a.getRole() in (pyatspi.ROLE_RADIO_BUTTON, pyatspi.ROLE_CHECK_BOX)]
        if len(found) == 1:
            return found[0]
        check(len(found) == 0, 'more than one radio button around “%s”' % title)
        around = around.parent
    check(False, 'the mode row “%s” has no radio button' % title)


def choose_with_mnemonic(keysym):
    """A row chosen with Alt and its title's mnemonic (GTK 4.8 gives a radio button no AT-SPI action)."""
    alt_keycode = 64     # Alt_L in Xvfb's default keymap
    pyatspi.Registry.generateKeyboardEvent(alt_keycode, None, pyatspi.KEY_PRESS)
    pyatspi.Registry.generateKeyboardEvent(keysym, None, pyatspi.KEY_SYM)
    pyatspi.Registry.generateKeyboardEvent(alt_keycode, None, pyatspi.KEY_RELEASE)


def open_review(app, gpu_name):
    tw.show_view(app, 'GPUs')
    buttons = [b for b in find_all(tw.flow_box(app, 'GPUs'), role=pyatspi.ROLE_PUSH_BUTTON)
               if b.description == 'Reserve %s for a virtual machine' % gpu_name]
    check(buttons, 'no Reserve button for %s' % gpu_name)
    button = buttons[0]
    click(button)
    flow = flow_frame(app)
    wait_for('the review', lambda: has_text(flow, 'Reserved for the Virtual Machine')
             or has_text(flow, 'This GPU Cannot Be Reserved'), timeout=20)
    return flow


def acs_switch(flow):
    """The ACS override's switch (GTK 4.8 shows a switch as a check box)"""
    found = [a for a in walk(flow) if a.getRole() in (pyatspi.ROLE_CHECK_BOX, pyatspi.ROLE_TOGGLE_BUTTON)
             and 'Use the ACS override' in (a.name or '')]
    check(found, 'the ACS override switch: not found')
    return found[0]


def text_of(acc):
    text = acc.queryText()
    return text.getText(0, text.characterCount)


def diff_view(flow, path):
    """The source view of the file's diff (in the tree even while its row is folded)."""
    return wait_for('the diff view of %s' % path,
                    lambda: next((a for a in walk(flow) if a.name == 'Changes to %s' % path
                                  and a.getRole() == pyatspi.ROLE_TEXT), None), timeout=5)


def check_review(app, flow, plan, expect):
    text = names(flow)
    for address in plan['reserve']:
        check(any(address in t for t in text), 'reserved function %s not shown' % address)
    for ids in plan['ids']:
        check(any(ids in t for t in text), 'ID %s not shown' % ids)
    for warning in plan['warnings']:
        check(warning in text, 'warning not shown: %s' % warning)
    for argv in plan['commands']:
        check(' '.join(argv) in text, 'command not shown: %s' % ' '.join(argv))
    for step in plan['manual_steps']:
        check(step in text, 'manual step not shown: %s' % step)
    check(plan['files'], 'the plan changes no file: nothing to review')
    for file in plan['files']:
        view = diff_view(flow, file['path'])
        check(text_of(view) == file['diff'], '%s: the view shows\n%s\nnot the plan’s diff\n%s'
              % (file['path'], text_of(view), file['diff']))
    apply = button(flow, 'Apply')
    check(apply.getState().contains(pyatspi.STATE_SENSITIVE), 'Apply is off for a viable GPU')
    return apply


def wait_result(flow, what, timeout=60):
    return wait_for(what, lambda: has_text(flow, 'Restart to Finish') or has_text(flow, 'Failed'), timeout=timeout)


def progress_value(flow):
    bars = find_all(flow, role=pyatspi.ROLE_PROGRESS_BAR)
    check(bars, 'no progress bar')
    return bars[0].queryValue().currentValue


def log_text(flow):
    view = find_one(flow, 'the log', name='Log', role=pyatspi.ROLE_TEXT) if find_all(flow, name='Log', role=pyatspi.ROLE_TEXT) \
        else next(a for a in walk(flow) if a.name == 'Log' and a.getRole() != pyatspi.ROLE_LABEL)
    return text_of(view)


def vm_config(binary, root, fmt):
    proc = subprocess.run([binary, '--root', root, '--vm-config', fmt, VM_GPU], capture_output=True,
                          text=True, timeout=30)
    check(proc.returncode == 0, '--vm-config %s failed: %s' % (fmt, proc.stderr))
    return proc.stdout.rstrip('\n'), proc.stderr.strip()


def clipboard_text(display):
    """What a paste would get, asked of the clipboard's owner as any other client would."""
    check(shutil.which('xclip') is not None, 'xclip is not installed (build-aux/setup installs it)')
    proc = subprocess.run(['xclip', '-selection', 'clipboard', '-out'], capture_output=True, text=True,
                          timeout=10, env=dict(os.environ, DISPLAY=display))
    return proc.stdout if proc.returncode == 0 else None


def open_vm_window(app, from_readiness=False):
    if from_readiness:
        tw.show_view(app, 'Readiness')
        tw.screenshot(app, ARTIFACTS, 'vm-readiness')
        click(button(app.acc.getChildAtIndex(0), 'Use in a VM'))
    else:
        tw.show_view(app, 'GPUs')
        buttons = [b for b in find_all(tw.flow_box(app, 'GPUs'), role=pyatspi.ROLE_PUSH_BUTTON)
                   if (b.description or '').endswith('to a virtual machine: its VM configuration')]
        check(len(buttons) == 1, 'one “Use in a VM” button on the cards, not %d' % len(buttons))
        click(buttons[0])
    window = flow_frame(app)
    wait_for('the VM texts', lambda: settled_text(window, 'libvirt and virt-manager'), timeout=20)
    return window


def vm_text(window, name):
    return text_of(wait_for('the %s' % name, lambda: next((a for a in walk(window) if a.name == name
                                                             and a.getRole() == pyatspi.ROLE_TEXT), None),
                            timeout=10))


def copy_button(window, name):
    found = [b for b in find_all(window, role=pyatspi.ROLE_PUSH_BUTTON)
             if b.description == 'Copy the %s to the clipboard' % name]
    check(len(found) == 1, 'no Copy button for the %s' % name)
    return found[0]


def start_fake_logind(tmp, record):
    """A private bus with tests/gui/fake-logind.py on it; returns the bus address."""
    bus = subprocess.Popen(['dbus-daemon', '--session', '--nofork', '--print-address=1',
                            '--address=unix:path=%s' % os.path.join(tmp, 'system-bus')],
                           stdout=subprocess.PIPE, text=True)
    tw.CHILDREN.append(bus)
    address = bus.stdout.readline().strip()
    check(address, 'the private bus for logind did not start')
    logind = subprocess.Popen([sys.executable, os.path.join(HERE, 'fake-logind.py'), address, record],
                              stdout=subprocess.PIPE, text=True)
    tw.CHILDREN.append(logind)
    check(logind.stdout.readline().strip() == 'ready', 'the stand-in logind did not start')
    return address


def reboot_calls(record):
    if not os.path.exists(record):
        return []
    with open(record) as f:
        return f.read().splitlines()


def main_inner(binary, helper, srcdir, builddir):
    global ARTIFACTS
    hosts_dir, builder, artifacts, tmp = tw.run_dirs(srcdir, builddir, 'pp-flow-')
    ARTIFACTS = artifacts
    wide = os.environ['DISPLAY']
    narrow = os.environ['PP_GUI_NARROW_DISPLAY']
    # the window runs the helper in test mode, and restarts through a stand-in
    # logind on a bus of the test's own
    os.environ['PP_HELPER_COMMAND'] = helper
    reboot_record = os.path.join(tmp, 'reboot-calls')
    os.environ['DBUS_SYSTEM_BUS_ADDRESS'] = start_fake_logind(tmp, reboot_record)
    print('1..10', file=tw.TAP, flush=True)

    def fresh_root(host, name):
        root = os.path.join(tmp, name)
        tw.build_root(builder, os.path.join(hosts_dir, host + '.host'), root)
        return root

    try:
        root = fresh_root(HOST, 'apply')
        expect = tw.Expect(binary, root)
        gpu_name = expect.devices[GPU]['name']
        plan = tw.cli_json(binary, root, '--plan', GPU, '--mode', 'every-boot')
        entry_plan = tw.cli_json(binary, root, '--plan', GPU)
        pristine = tree_bytes(root)
        app = tw.App(binary, root, wide)
        state = {}
        try:
            wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)

            def review():
                flow = open_review(app, gpu_name)
                state['flow'] = flow
                # the default: a Passthrough boot entry, as the wiki advises
                entry = mode_check(flow, 'Only When I Choose Passthrough at Boot')
                check(entry.getState().contains(pyatspi.STATE_CHECKED), 'the boot-entry mode is not the default')
                check(entry_plan['mode'] == 'boot-entry', 'the default plan is %s' % entry_plan['mode'])
                for title in entry_plan['boot_entries']:
                    check(has_text(flow, title), 'the review does not name the entry %s' % title)
                check_review(app, flow, entry_plan, expect)
                tw.screenshot(app, artifacts, 'flow-review-entry')
                # every boot, chosen: planned anew
                choose_with_mnemonic(0x65)    # Alt+E: At _Every Boot
                wait_for('the every-boot mode to be chosen', lambda: mode_check(flow, 'At Every Boot').getState()
                         .contains(pyatspi.STATE_CHECKED), timeout=10)
                wait_for('the every-boot plan', lambda: settled_text(flow, '/etc/default/grub'), timeout=20)
                state['apply'] = check_review(app, flow, plan, expect)
                tw.screenshot(app, artifacts, 'flow-review')
            run_case('review: the mode, functions, IDs, warnings, commands and every diff', review)

            def apply():
                flow = state['flow']
                click(state['apply'])
                wait_for('the progress page', lambda: find_all(flow, role=pyatspi.ROLE_PROGRESS_BAR), timeout=10)
                wait_result(flow, 'the helper to finish')
                tw.screenshot(app, artifacts, 'flow-done')
                check(has_text(flow, 'Restart to Finish'), 'no done page: %s' % names(flow))
                check(progress_value(flow) == 1.0, 'progress at %s after done' % progress_value(flow))
                logged = log_text(flow)
                for argv in plan['commands']:
                    check(argv[0] in logged, 'the log does not show %s: %s' % (argv[0], logged))
                with open(os.path.join(root, 'var', 'log', 'pp-test-commands.log')) as f:
                    ran = f.read()
                check('mkinitcpio -P' in ran, 'mkinitcpio did not run: %s' % ran)
                after = tw.cli_json(binary, root, '--plan', GPU, '--mode', 'every-boot')
                check(after['files'] == [], 'files still to change after apply: %s'
                      % [f['path'] for f in after['files']])
                # the stand-in logind refuses a Reboot, and the window says so; then allows it
                with open(reboot_record + '.refuse', 'w'):
                    pass
                click(button(flow, 'Restart'))
                wait_for('the restart refused toast', lambda: has_text(flow, 'Restart not allowed here'),
                         timeout=10)
                tw.screenshot(app, artifacts, 'flow-restart-error')
                os.unlink(reboot_record + '.refuse')
                click(button(flow, 'Restart'))
                asked = wait_for('the second Reboot call', lambda: reboot_calls(reboot_record)
                                 if len(reboot_calls(reboot_record)) == 2 else None, timeout=10)
                want = 'Reboot interactive=true allow-interactive-authorization=true'
                check(asked == [want, want], 'logind was asked %s, expected twice “%s”' % (asked, want))
                click(button(flow, 'Later'))
                wait_for('the flow window to close', lambda: len(frames(app)) == 1, timeout=10)
                # read again: the reservation is there, waiting for the restart
                wait_for('the reserved check', lambda: settled_text(app.acc, 'Reserved functions'), timeout=20)
                time.sleep(1)   # the rows of the refresh settle before the menu is used
            run_case('apply through the helper: progress, done, restart error, readiness', apply)

            def revert_window():
                try:
                    window = app.acc.getChildAtIndex(1) if len(frames(app)) == 2 else None
                    return window if window is not None and has_text(window, 'Log') else None
                except GLib.Error:
                    # the confirmation's widgets go while the revert window comes
                    check(app.proc.poll() is None, 'the app died: %s' % app.output()[-2000:])
                    return None

            def start_revert(screenshot=None):
                tw.open_menu_item(app, 'Revert Changes…')
                dialog = flow_frame(app)
                check(has_text(dialog, 'Revert the Changes?'), 'no confirmation: %s' % names(dialog))
                if screenshot:
                    tw.screenshot(app, artifacts, screenshot)
                click(button(dialog, 'Revert'))
                return wait_for('the revert window', revert_window, timeout=10)

            def revert():
                # a damaged backup set first: the window names it and where the originals are; nothing changes
                backups = os.path.join(root, 'var/lib/passthrough-prep/backups')
                manifest = os.path.join(backups, sorted(os.listdir(backups))[-1], 'manifest')
                valid_manifest = open(manifest).read()
                open(manifest, 'w').write(re.sub(r'^path=.*$', 'path=/etc/shadow', valid_manifest, count=1,
                                                 flags=re.M))
                applied = tree_bytes(root)
                flow = start_revert()
                wait_result(flow, 'the revert of a damaged backup to be refused')
                text = names(flow)
                check('The Backup Is Damaged' in text, 'no damaged-backup title: %s' % text)
                check(any('/etc/shadow' in t and '/var/lib/passthrough-prep/backups' in t for t in text),
                      'the refusal does not name the entry and the backups: %s' % text)
                tw.screenshot(app, artifacts, 'flow-revert-bad-backup')
                check(tree_bytes(root) == applied, 'a refused revert changed the root')
                click(button(flow, 'Close'))
                wait_for('the flow window to close', lambda: len(frames(app)) == 1, timeout=10)
                open(manifest, 'w').write(valid_manifest)

                flow = start_revert('flow-revert-confirm')
                wait_result(flow, 'the revert to finish')
                tw.screenshot(app, artifacts, 'flow-revert-done')
                check(has_text(flow, 'Restart to Finish'), 'revert did not finish: %s' % names(flow))
                compare_trees(pristine, tree_bytes(root))
                click(button(flow, 'Later'))
                wait_for('the flow window to close', lambda: len(frames(app)) == 1, timeout=10)
            run_case('revert: a damaged backup named and refused; confirmation, then the root byte for byte', revert)
        finally:
            if app.proc.poll() is not None:
                log('the app exited with %d: %s' % (app.proc.returncode, app.output()))
            app.stop()

        def failure():
            root = fresh_root(HOST, 'failure')
            # fails once, as one that wrote part of its images: run again on the restored files, it works
            open(os.path.join(root, 'usr/bin/mkinitcpio'), 'w').write(MKINITCPIO_FAILING_ONCE)
            before = tree_bytes(root)
            app = tw.App(binary, root, wide)
            try:
                wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
                flow = open_review(app, gpu_name)
                click(button(flow, 'Apply'))
                wait_result(flow, 'the helper to fail')
                text = names(flow)
                check('Reserving the GPU Failed' in text, 'no failure title: %s' % text)
                check(any('mkinitcpio' in t and 'Every file was restored' in t for t in text),
                      'the failure does not give the reason and the restore: %s' % text)
                tw.screenshot(app, artifacts, 'flow-failed')
                compare_trees(before, tree_bytes(root))
                log_path = os.path.join(root, 'var/log/pp-test-commands.log')
                ran = [line.split()[0] for line in open(log_path).read().splitlines()]
                check(ran == ['mkinitcpio', 'mkinitcpio'], 'mkinitcpio was not run again: %s' % ran)
            finally:
                app.stop()
        run_case('a failing mkinitcpio: its reason, every file restored, it ran again', failure)

        def refused():
            root = fresh_root(REFUSED_HOST, 'refused')
            exp = tw.Expect(binary, root)
            gpu = next(g for g in exp.check['gpus'] if not g['viable'])
            app = tw.App(binary, root, wide)
            try:
                wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
                flow = open_review(app, exp.devices[gpu['address']]['name'])
                check(has_text(flow, 'This GPU Cannot Be Reserved'), 'no refusal: %s' % names(flow))
                # --plan exits 1 on a refusal, with the reason in its JSON
                refusal = subprocess.run([binary, '--root', root, '--json', '--plan', gpu['address']],
                                         stdout=subprocess.PIPE, text=True, timeout=30)
                reason = json.loads(refusal.stdout)['refused']
                text = names(flow)
                check(reason in text, 'the reason is not shown: %s' % reason)
                # why the group is shared, and each remedy, in order
                check('What Can Be Done' in text and gpu['why_not_viable'] in text,
                      'the review does not say why: %s' % gpu['why_not_viable'])
                wanted = [r['text'] for r in gpu['remedies']]
                shown = []
                for t in text:
                    if t in wanted and t not in shown:
                        shown.append(t)
                check(shown == wanted, 'remedies shown %s, expected %s' % (shown, wanted))
                check(not any('Use the ACS override' in t for t in text), 'the ACS override offered on a stock kernel')
                apply = button(flow, 'Apply')
                check(not apply.getState().contains(pyatspi.STATE_SENSITIVE), 'Apply is on for a refused GPU')
                tw.screenshot(app, artifacts, 'flow-refused')
            finally:
                app.stop()
        run_case('a refused GPU: the reason, why, what can be done, Apply off', refused)

        def acs_override():
            root = fresh_root(ACS_HOST, 'acs')
            exp = tw.Expect(binary, root)
            gpu = next(g for g in exp.check['gpus'] if not g['viable'])
            acs = next(r for r in gpu['remedies'] if r['kind'] == 'acs-override')
            plan = tw.cli_json(binary, root, '--plan', gpu['address'], '--acs-override')
            app = tw.App(binary, root, wide)
            try:
                wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
                flow = open_review(app, exp.devices[gpu['address']]['name'])
                check(has_text(flow, 'This GPU Cannot Be Reserved'), 'no refusal before the choice')
                toggle = acs_switch(flow)
                check(not toggle.getState().contains(pyatspi.STATE_CHECKED), 'the ACS override is on by default')
                check(has_text(flow, acs['text']), 'the plain statement of what it weakens is missing')
                tw.screenshot(app, artifacts, 'flow-acs-offered')
                click(toggle)
                wait_for('the plan with the override', lambda: settled_text(flow, 'Reserved for the Virtual Machine')
                         and not settled_text(flow, 'This GPU Cannot Be Reserved'), timeout=20)
                check(any('is expected to split' in t for t in names(flow)), 'no word on which group splits')
                toggle = acs_switch(flow)
                check(toggle.getState().contains(pyatspi.STATE_CHECKED), 'the switch is not on in the new review')
                apply = wait_for('Apply to be on', lambda: (lambda b: b if b.getState().contains(
                    pyatspi.STATE_SENSITIVE) else None)(button(flow, 'Apply')), timeout=10)
                tw.screenshot(app, artifacts, 'flow-acs-chosen')
                click(apply)
                wait_result(flow, 'the helper to finish')
                check(has_text(flow, 'Restart to Finish'), 'reserving with the override failed: %s' % log_text(flow))
                # the default mode: on the Passthrough entries' command line only
                check(plan['mode'] == 'boot-entry', 'the plan with the override is %s' % plan['mode'])
                entries = open(os.path.join(root, 'etc/grub.d/42_passthrough-prep')).read()
                check('pcie_acs_override=downstream,multifunction' in entries,
                      'the override is not on the Passthrough entries')
            finally:
                app.stop()
        run_case('the ACS override: offered on linux-zen, chosen, reviewed, applied', acs_override)

        def boot_entry():
            root = fresh_root(ENTRY_HOST, 'entry')
            exp = tw.Expect(binary, root)
            entry_plan = tw.cli_json(binary, root, '--plan', ENTRY_GPU)
            open(reboot_record, 'w').close()
            app = tw.App(binary, root, wide)
            try:
                wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
                flow = open_review(app, exp.devices[ENTRY_GPU]['name'])
                check(mode_check(flow, 'Only When I Choose Passthrough at Boot').getState().contains(
                    pyatspi.STATE_CHECKED), 'the boot-entry mode is not the default')
                apply = check_review(app, flow, entry_plan, exp)
                click(apply)
                wait_result(flow, 'the helper to finish')
                check(has_text(flow, 'Restart to Finish'), 'no done page: %s' % names(flow))
                tw.screenshot(app, artifacts, 'flow-done-entry')
                click(button(flow, 'Restart into Passthrough'))
                asked = wait_for('logind to be asked', lambda: reboot_calls(reboot_record)
                                 if len(reboot_calls(reboot_record)) == 2 else None, timeout=10)
                want = ['SetRebootToBootLoaderEntry %s' % entry_plan['restart']['entry'],
                        'Reboot interactive=true allow-interactive-authorization=true']
                check(entry_plan['restart']['method'] == 'logind', 'restart by %s' % entry_plan['restart'])
                check(asked == want, 'logind was asked %s, expected %s' % (asked, want))
                click(button(flow, 'Later'))
                wait_for('the flow window to close', lambda: len(frames(app)) == 1, timeout=10)
                # a normal entry is running: Readiness says the GPU stays with the host
                wait_for('the boot entry check', lambda: settled_text(app.acc, 'A normal entry is running'),
                         timeout=20)
                tw.show_view(app, 'Readiness')
                tw.screenshot(app, artifacts, 'readiness-boot-entry')
            finally:
                app.stop()
        run_case('boot entry: the default mode, then Restart into Passthrough through logind', boot_entry)

        def not_this_computer():
            # without PP_HELPER_COMMAND the window would go through pkexec: a
            # stand-in first on PATH records any call, and none may come
            root = fresh_root(HOST, 'captured')
            stand_in_dir = os.path.join(tmp, 'stand-in-bin')
            record = os.path.join(tmp, 'pkexec-calls')
            os.makedirs(stand_in_dir, exist_ok=True)
            with open(os.path.join(stand_in_dir, 'pkexec'), 'w') as f:
                f.write('#!/bin/sh\necho "$@" >> %s\nexit 0\n' % record)
            os.chmod(os.path.join(stand_in_dir, 'pkexec'), 0o755)
            saved = dict(os.environ)
            os.environ.pop('PP_HELPER_COMMAND')
            os.environ['PATH'] = stand_in_dir + ':' + os.environ['PATH']
            try:
                app = tw.App(binary, root, wide)
            finally:
                os.environ.clear()
                os.environ.update(saved)
            try:
                wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
                banner = 'This is the host read from %s, not this computer' % root
                check(has_text(app.acc.getChildAtIndex(0), banner), 'no banner in the main window')
                flow = open_review(app, gpu_name)
                check(has_text(flow, banner), 'no banner in the review: %s' % names(flow)[:8])
                apply = button(flow, 'Apply')
                check(not apply.getState().contains(pyatspi.STATE_SENSITIVE), 'Apply is on for a captured host')
                tw.screenshot(app, artifacts, 'flow-not-this-computer')
                apply.queryAction().doAction(0)   # even a click that gets through does nothing
                time.sleep(1)
                check(not os.path.exists(record), 'pkexec was run: %s' % (
                    open(record).read() if os.path.exists(record) else ''))
            finally:
                app.stop()
        run_case('a host that is not this computer: a banner, Apply off, pkexec never run', not_this_computer)

        def dark_and_narrow():
            root = fresh_root(HOST, 'dark')
            # this window finds no system bus at all: Restart says logind is out of reach
            logind_bus = os.environ['DBUS_SYSTEM_BUS_ADDRESS']
            os.environ['DBUS_SYSTEM_BUS_ADDRESS'] = 'unix:path=%s' % os.path.join(tmp, 'no-system-bus')
            try:
                app = tw.App(binary, root, wide, dark=True)
            finally:
                os.environ['DBUS_SYSTEM_BUS_ADDRESS'] = logind_bus
            try:
                wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
                flow = open_review(app, gpu_name)
                tw.screenshot(app, artifacts, 'dark-flow-review')
                click(button(flow, 'Apply'))
                wait_result(flow, 'the helper to finish')
                tw.screenshot(app, artifacts, 'dark-flow-done')
                click(button(flow, 'Restart'))
                wait_for('the no-logind toast', lambda: has_text(flow, 'Cannot reach logind'), timeout=10)
                tw.screenshot(app, artifacts, 'dark-flow-no-logind')
            finally:
                app.stop()
            root = fresh_root(HOST, 'narrow')
            app = tw.App(binary, root, narrow)
            try:
                wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
                flow = open_review(app, gpu_name)
                tw.screenshot(app, artifacts, 'narrow-flow-review')
                width = flow.queryComponent().getExtents(pyatspi.DESKTOP_COORDS).width
                check(width <= 360, 'the review needs %d px, more than 360' % width)
                click(button(flow, 'Apply'))
                wait_result(flow, 'the helper to finish')
                tw.screenshot(app, artifacts, 'narrow-flow-done')
            finally:
                app.stop()
        run_case('dark and 360 px wide: review and done; no logind to restart', dark_and_narrow)

        def use_in_vm():
            root = fresh_root(VM_HOST, 'vm')
            rom = os.path.join(root, 'sys/bus/pci/devices', VM_GPU, 'rom')
            good_rom = open(rom, 'rb').read()
            app = tw.App(binary, root, wide)
            try:
                wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
                window = open_vm_window(app, from_readiness=True)
                for fmt, name in VM_TEXTS:
                    want, note = vm_config(binary, root, fmt)
                    check(vm_text(window, name) == want, 'the %s shown are not what --vm-config prints:\n%s\n%s'
                          % (name, vm_text(window, name), want))
                    check(note in names(window), 'the note on the %s is not shown: %s' % (name, note))
                for fmt, name in (VM_TEXTS[1], VM_TEXTS[0]):
                    click(copy_button(window, name))
                    want = vm_config(binary, root, fmt)[0]
                    got = wait_for('the %s on the clipboard' % name,
                                   lambda: clipboard_text(wide) if clipboard_text(wide) == want else None,
                                   timeout=10)
                    check(got == want, 'the clipboard holds %r' % got)
                    wait_for('the copied toast', lambda: has_text(window, '%s copied' % name), timeout=5)
                tw.screenshot(app, artifacts, 'vm-config')

                click(button(window, 'Save the Card’s ROM'))
                wait_for('the ROM to be saved', lambda: settled_text(window, 'The card’s ROM is saved, and the '
                                                                     'texts below name it.'), timeout=30)
                saved = os.path.join(root, VM_ROM)
                check(os.path.exists(saved) and open(saved, 'rb').read() == good_rom,
                      'the helper did not save the card’s ROM')
                wait_for('the texts to name the ROM',
                         lambda: 'romfile="/%s"' % VM_ROM in vm_text(window, 'ULTMOS lines'), timeout=10)
                check(vm_text(window, 'libvirt XML') == vm_config(binary, root, 'libvirt')[0],
                      'the libvirt XML does not name the saved ROM as --vm-config does')
                tw.screenshot(app, artifacts, 'vm-config-rom-saved')

                sys.path.insert(0, os.path.dirname(builder))
                import mkhost
                dev = next(d for d in mkhost.parse(os.path.join(hosts_dir, VM_HOST + '.host')).devices
                           if d.addr == VM_GPU)
                with open(rom, 'wb') as f:
                    f.write(mkhost.option_rom(dev, 'bad-checksum'))
                click(button(window, 'Save the Card’s ROM'))
                wait_for('the refusal', lambda: settled_text(window, 'checksum of its legacy image is wrong'),
                         timeout=30)
                check(has_text(window, 'Nothing was saved'), 'the refusal does not say nothing was saved')
                check(open(saved, 'rb').read() == good_rom, 'the saved ROM changed after a refusal')
                tw.screenshot(app, artifacts, 'vm-config-rom-refused')
            finally:
                app.stop()

            # the card: its reset advice and its own way to the VM texts; dark, then 360 px wide
            app = tw.App(binary, root, wide, dark=True)
            try:
                wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
                tw.show_view(app, 'GPUs')
                check(has_text(tw.flow_box(app, 'GPUs'), 'vendor-reset is not loaded now'),
                      'the card does not give the reset advice')
                tw.screenshot(app, artifacts, 'dark-vm-card')
                open_vm_window(app)
                tw.screenshot(app, artifacts, 'dark-vm-config')
            finally:
                app.stop()
            app = tw.App(binary, root, narrow)
            try:
                wait_for('the host to be shown', lambda: find_all(app.acc, name='Processor'), timeout=20)
                window = open_vm_window(app)
                tw.screenshot(app, artifacts, 'narrow-vm-config')
                width = window.queryComponent().getExtents(pyatspi.DESKTOP_COORDS).width
                check(width <= 360, 'the VM texts need %d px, more than 360' % width)
            finally:
                app.stop()
        run_case('use in a VM: the texts, copy, save the ROM; reset advice; dark and 360 px', use_in_vm)
    finally:
        tw.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)

    return 1 if any(not ok for _, ok, _ in tw.RESULTS) else 0


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    binary, helper, srcdir, builddir = (os.path.abspath(a) for a in sys.argv[1:])
    missing = [tool for tool in ('Xvfb', 'dbus-run-session', 'import') if shutil.which(tool) is None]
    if missing:
        print('1..0 # SKIP not installed: %s' % ', '.join(missing), flush=True)
        return 0
    tw.SRCDIR = srcdir
    if os.environ.get(INNER) != '1':
        tap_fd = os.dup(sys.stdout.fileno())
        env = dict(os.environ, **{INNER: '1', 'PP_GUI_TAP_FD': str(tap_fd)})
        env.pop('DBUS_SESSION_BUS_ADDRESS', None)
        env.pop('AT_SPI_BUS_ADDRESS', None)
        try:
            env['DISPLAY'] = tw.Xvfb(1280, 900).display
            env['PP_GUI_NARROW_DISPLAY'] = tw.Xvfb(360, 760).display
            return subprocess.run(['dbus-run-session', '--', sys.executable, os.path.abspath(__file__),
                                   binary, helper, srcdir, builddir], env=env, timeout=230,
                                  stdout=sys.stderr, pass_fds=(tap_fd,)).returncode
        except subprocess.TimeoutExpired:
            print('Bail out! the flow test took longer than 230 s', flush=True)
            return 1
        finally:
            tw.cleanup()
    tw.TAP = os.fdopen(int(os.environ['PP_GUI_TAP_FD']), 'w')
    signal.signal(signal.SIGTERM, tw.on_signal)
    signal.signal(signal.SIGINT, tw.on_signal)
    return main_inner(binary, helper, srcdir, builddir)


if __name__ == '__main__':
    if os.environ.get(INNER) == '1':
        os.environ.pop('NO_AT_BRIDGE', None)
        import pyatspi   # noqa: E402
        from gi.repository import Gio, GLib   # noqa: E402
        tw.pyatspi = pyatspi
        tw.GLib = GLib
        tw.Gio = Gio
    sys.exit(main())
