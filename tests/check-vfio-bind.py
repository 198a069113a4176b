#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The script that binds a GPU by address (src/core/boot/scripts/passthrough-prep-vfio-bind.sh),
run with every POSIX shell at hand against a fixture host's sysfs: it sets
driver_override for exactly the listed functions, takes them from the driver
they have, asks a built-in vfio-pci to probe them, and leaves alone a device
whose vendor:device ID is not the listed one (a moved card). The hook files
each initramfs tool gets (from `passthrough-prep --plan`) and the script pass
shellcheck.

    check-vfio-bind.py SCRIPT CLI HOSTS_DIR WORK_DIR
"""
import json
import os
import shutil
import subprocess
import sys

from pp_checks import Checks

check = Checks(verbose=False)


HERE = os.path.dirname(os.path.abspath(__file__))
HOST = 'identical-gpus-server'
CARD = ['0000:41:00.0@10de:24b0', '0000:41:00.1@10de:228b']



def shells():
    found = []
    for name, argv in (('dash', ['dash']), ('bash --posix', ['bash', '--posix']), ('busybox sh', ['busybox', 'sh'])):
        if shutil.which(argv[0]):
            found.append((name, argv))
    return found


class Tree:
    """A fresh copy of the fixture host for each run"""

    def __init__(self, pristine, root):
        if os.path.exists(root):
            shutil.rmtree(root)
        shutil.copytree(pristine, root, symlinks=True)
        self.root = root
        self.sys = os.path.join(root, 'sys')

    def device(self, address):
        return os.path.join(self.sys, 'bus', 'pci', 'devices', address)

    def override(self, address):
        return open(os.path.join(self.device(address), 'driver_override')).read().strip()

    def overridden(self):
        devices = os.path.join(self.sys, 'bus', 'pci', 'devices')
        return sorted(a for a in os.listdir(devices) if self.override(a) != '(null)')

    def written(self, relpath):
        return open(os.path.join(self.sys, relpath)).read().strip()

    def run(self, shell, addresses=None, cmdline=None):
        if addresses is not None:
            with open(os.path.join(self.root, 'addresses'), 'w') as f:
                f.write('# Written by PassthroughPrep: the test\n' + ''.join(a + '\n' for a in addresses))
        if cmdline is not None:
            with open(os.path.join(self.root, 'proc', 'cmdline'), 'w') as f:
                f.write(cmdline + '\n')
        log = os.path.join(self.root, 'bind.log')
        env = {'PATH': '/usr/bin:/bin',
               'PASSTHROUGH_PREP_SYSFS': self.sys,
               'PASSTHROUGH_PREP_CMDLINE': os.path.join(self.root, 'proc', 'cmdline'),
               'PASSTHROUGH_PREP_ADDRESSES': os.path.join(self.root, 'addresses'),
               'PASSTHROUGH_PREP_LOG': log}
        proc = subprocess.run(shell + [SCRIPT], env=env, capture_output=True, text=True, timeout=60)
        self.status, self.stderr = proc.returncode, proc.stderr
        self.log = open(log).read() if os.path.exists(log) else ''
        return self


def scenarios(pristine, work, name, shell):
    what = lambda text: '%s: %s' % (name, text)  # noqa: E731
    base = os.path.join(work, 'run')

    t = Tree(pristine, base).run(shell, CARD)
    check(t.status == 0 and t.stderr == '', what('exits 0 quietly'), '%d %r' % (t.status, t.stderr))
    check(t.overridden() == ['0000:41:00.0', '0000:41:00.1'], what('exactly the listed functions get driver_override'),
          str(t.overridden()))
    check(t.override('0000:41:00.0') == 'vfio-pci', what('driver_override says vfio-pci'))
    check(t.written('bus/pci/drivers/nvidia/unbind') == '0000:41:00.0'
          and t.written('bus/pci/drivers/snd_hda_intel/unbind') == '0000:41:00.1',
          what('each is taken from the driver it had'))
    check(t.written('bus/pci/drivers_probe') == '', what('no probe while vfio-pci is a module not loaded yet'))
    check('0000:41:00.0: taken from nvidia' in t.log and '0000:41:00.1 (10de:228b): reserved for vfio-pci' in t.log,
          what('logs what it did'), t.log)

    t = Tree(pristine, base)
    os.makedirs(os.path.join(t.sys, 'bus/pci/drivers/vfio-pci'))
    t.run(shell, CARD)
    check(t.written('bus/pci/drivers_probe') == '0000:41:00.1', what('a built-in vfio-pci is asked to probe them'))

    t = Tree(pristine, base).run(shell, CARD, 'root=/dev/sda1 passthrough_prep.vfio_addresses=0000:81:00.0@10de:24b0 quiet')
    check(t.overridden() == ['0000:81:00.0'], what('the kernel parameter takes precedence over the file'),
          str(t.overridden()))

    t = Tree(pristine, base).run(shell, CARD, 'root=/dev/sda1 passthrough_prep.vfio_addresses= quiet')
    check(t.overridden() == [] and t.status == 0, what('an empty kernel parameter binds nothing'), str(t.overridden()))

    t = Tree(pristine, base).run(shell, ['0000:81:00.0@10de:24b0,0000:81:00.1@10de:228b'])
    check(t.overridden() == ['0000:81:00.0', '0000:81:00.1'], what('entries may be separated by commas'))

    # the card moved: another device now sits at its address
    t = Tree(pristine, base)
    for address, ids in (('0000:41:00.0', ('0x8086', '0x1533')), ('0000:41:00.1', ('0x1b21', '0x1242'))):
        for name_, value in zip(('vendor', 'device'), ids):
            with open(os.path.join(t.device(address), name_), 'w') as f:
                f.write(value + '\n')
    t.run(shell, CARD)
    check(t.overridden() == [], what('a moved card: nothing is bound'), str(t.overridden()))
    check(t.written('bus/pci/drivers/nvidia/unbind') == '', what('a moved card: no driver is unbound'))
    check('0000:41:00.0: holds 8086:1533, not 10de:24b0 (was the card moved?); left alone' in t.log,
          what('a moved card: says so'), t.log)

    t = Tree(pristine, base).run(shell, ['0000:41:00.0', '../../etc@1:2', '0000:41:00.0@10DE:24B0', '0000:99:00.0@10de:24b0',
                                         '0000:41:00.0@10de:24b0;reboot'])
    check(t.overridden() == [] and t.status == 0, what('malformed or absent entries are skipped'), str(t.overridden()))
    check(t.log.count('skipped') == 4 and '0000:99:00.0: no such device; left alone' in t.log,
          what('each is named in the log'), t.log)

    t = Tree(pristine, base)
    os.unlink(os.path.join(t.device('0000:41:00.0'), 'iommu_group'))
    t.run(shell, CARD)
    check(t.overridden() == ['0000:41:00.1'], what('a function in no IOMMU group is left alone'), str(t.overridden()))

    t = Tree(pristine, base).run(shell, None)
    check(t.overridden() == [] and t.status == 0 and t.stderr == '', what('no file, no parameter: nothing, quietly'))

    # twice is as once, and a function already on vfio-pci is not unbound
    t = Tree(pristine, base)
    driver_link = os.path.join(t.device('0000:41:00.1'), 'driver')
    os.makedirs(os.path.join(t.sys, 'bus/pci/drivers/vfio-pci'))
    os.unlink(driver_link)
    os.symlink(os.path.relpath(os.path.join(t.sys, 'bus/pci/drivers/vfio-pci'), t.device('0000:41:00.1')), driver_link)
    t.run(shell, CARD).run(shell, CARD)
    check(t.written('bus/pci/drivers/snd_hda_intel/unbind') == '', what('a function on vfio-pci stays'))
    check(t.overridden() == ['0000:41:00.0', '0000:41:00.1'], what('running twice is as once'))

    # the log cannot be written (no /dev/kmsg yet): messages go to stderr
    t = Tree(pristine, base)
    env_log = os.path.join(t.root, 'no-such-dir', 'log')
    proc = subprocess.run(shell + [SCRIPT], capture_output=True, text=True, timeout=60, env={
        'PATH': '/usr/bin:/bin', 'PASSTHROUGH_PREP_SYSFS': t.sys,
        'PASSTHROUGH_PREP_CMDLINE': os.path.join(t.root, 'proc', 'cmdline'),
        'PASSTHROUGH_PREP_ADDRESSES': os.path.join(t.root, 'none'),
        'PASSTHROUGH_PREP_LOG': env_log})
    check(proc.returncode == 0, what('an unwritable log is no failure'))


def new_file_texts(cli, root, address):
    """The text of each file the plan creates, from its diff"""
    proc = subprocess.run([cli, '--plan', address, '--mode', 'every-boot', '--json', '--root', root],
                          capture_output=True, text=True, timeout=60)
    plan = json.loads(proc.stdout)
    texts = {}
    for f in plan['files']:
        if f['new']:
            lines = f['diff'].split('\n')
            body = lines[lines.index(next(line for line in lines if line.startswith('@@'))) + 1:]
            texts[f['path']] = ''.join(line[1:] + '\n' for line in body if line.startswith('+'))
    return plan, texts


# what runs in the initramfs or sets it up: the script and each tool's hooks
HOOK_PATHS = ('/etc/passthrough-prep/vfio-bind', '/etc/initcpio/', '/etc/initramfs-tools/hooks/',
              '/etc/initramfs-tools/scripts/', '/usr/lib/dracut/modules.d/')


def shellcheck(path, text, shell):
    if not shutil.which('shellcheck'):
        return
    proc = subprocess.run(['shellcheck', '-s', shell, '-'], input=text, capture_output=True, text=True, timeout=60)
    check(proc.returncode == 0, 'shellcheck -s %s %s' % (shell, path), proc.stdout[-2000:])


def main(argv):
    global SCRIPT
    SCRIPT, cli, hosts, work = (os.path.abspath(a) for a in argv[1:5])
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    pristine = os.path.join(work, HOST)
    subprocess.run([sys.executable, os.path.join(HERE, 'mkhost.py'), os.path.join(hosts, HOST + '.host'), pristine],
                   check=True)

    found = shells()
    check(any(n == 'dash' for n, _ in found), 'dash is there to run the script with')
    for name, shell in found:
        scenarios(pristine, work, name, shell)
        print('ran the scenarios with %s' % name)

    if not shutil.which('shellcheck'):
        check.fail('shellcheck is not installed (apt-get install shellcheck)')
    shellcheck(SCRIPT, open(SCRIPT).read(), 'sh')
    # the hooks each initramfs tool gets, as the plan writes them
    for variant in ('', '-mkinitcpio', '-dracut'):
        root = os.path.join(work, 'plan' + variant)
        subprocess.run([sys.executable, os.path.join(HERE, 'mkhost.py'),
                        os.path.join(hosts, HOST + variant + '.host'), root], check=True)
        plan, texts = new_file_texts(cli, root, '0000:41:00.0')
        check(plan['binding'] == 'address' and len(texts) >= 4, 'plan%s binds by address' % variant, str(plan))
        for path, text in texts.items():
            if not path.startswith(HOOK_PATHS):
                continue
            bash = path.startswith('/etc/initcpio/install/') or path.endswith('/module-setup.sh')
            shellcheck(path, text, 'bash' if bash else 'sh')
            if path == '/etc/passthrough-prep/vfio-bind':
                check(text == open(SCRIPT).read(), 'the plan writes the shipped script as it is')

    return check.summary()


if __name__ == '__main__':
    sys.exit(main(sys.argv))
