#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The scripts PassthroughPrep writes to a host for boot-entry mode, run for real.

    check-boot-scripts.py SCRIPTS_DIR WORK_DIR

- /etc/grub.d/42_passthrough-prep (grub-passthrough-entries.sh) beside a stand-in 10_linux
  that prints what Arch's does for two kernels, microcode and a fallback initramfs: one
  Passthrough menuentry per kernel with the parameters on its linux line and nothing else
  changed, no fallback, recovery or savedefault, unique ids, the same with sh and dash,
  grub-script-check accepts it, and a kernel added later gets its entry at the next run;
- /etc/kernel/install.d/95-passthrough-prep.install (kernel-install-passthrough-entry.sh):
  add writes the sibling of a new kernel's entry, remove takes it away, other layouts
  are left alone;
- shellcheck on both, where it is installed.
"""
import os
import re
import shutil
import subprocess
import sys

from pp_checks import Checks

check = Checks(verbose=True)


PARAMS = "intel_iommu=on iommu=pt vfio-pci.ids=10de:1401,10de:0fba passthrough_prep.boot=1"

STAND_IN_10_LINUX = r'''#!/bin/sh
# prints what Arch's 10_linux prints, for the kernels in $PP_TEST_BOOT
for k in $(ls -r "$PP_TEST_BOOT"/vmlinuz-* 2>/dev/null); do
  b=${k##*/}; v=${b#vmlinuz-}
  if [ "$GRUB_DISABLE_SUBMENU" != true ]; then echo "submenu 'Advanced options for Arch Linux' {"; fi
  for type in advanced fallback recovery; do
    [ "$type" = recovery ] && [ "$GRUB_DISABLE_RECOVERY" = true ] && continue
    [ "$type" = fallback ] && [ ! -e "$PP_TEST_BOOT/initramfs-$v-fallback.img" ] && continue
    title="Arch Linux, with Linux $v"; [ "$type" = advanced ] || title="$title ($type initramfs)"
    initrd="/initramfs-$v.img"; [ "$type" = fallback ] && initrd="/initramfs-$v-fallback.img"
    echo "menuentry '$title' --class arch --class gnu-linux --class gnu --class os \$menuentry_id_option 'gnulinux-$v-$type-0a3b5c7d' {"
    echo "	savedefault"
    echo "	load_video"
    echo "	set gfxpayload=keep"
    echo "	insmod gzio"
    echo "	search --no-floppy --fs-uuid --set=root 0a3b5c7d"
    echo "	echo	'Loading Linux $v ...'"
    echo "	linux	/vmlinuz-$v root=UUID=0a3b5c7d rw  loglevel=3 quiet"
    echo "	echo	'Loading initial ramdisk ...'"
    echo "	initrd	/intel-ucode.img $initrd"
    echo "}"
  done
  if [ "$GRUB_DISABLE_SUBMENU" != true ]; then echo "}"; fi
done
echo ""
'''


def render(scripts, name, dest):
    text = open(os.path.join(scripts, name)).read().replace("@PASSTHROUGH_PARAMS@", PARAMS)
    with open(dest, "w") as f:
        f.write(text)
    os.chmod(dest, 0o755)


def grub_entries(scripts, work):
    grub_d = os.path.join(work, "grub.d")
    boot = os.path.join(work, "boot")
    os.makedirs(grub_d)
    os.makedirs(boot)
    for name in ("vmlinuz-linux", "vmlinuz-linux-lts", "initramfs-linux.img", "initramfs-linux-fallback.img",
                 "initramfs-linux-lts.img", "intel-ucode.img"):
        open(os.path.join(boot, name), "w").close()
    linux = os.path.join(grub_d, "10_linux")
    with open(linux, "w") as f:
        f.write(STAND_IN_10_LINUX)
    os.chmod(linux, 0o755)
    ours = os.path.join(grub_d, "42_passthrough-prep")
    render(scripts, "grub-passthrough-entries.sh", ours)
    env = dict(os.environ, PP_TEST_BOOT=boot)

    def run(shell):
        return subprocess.run([shell, ours], capture_output=True, text=True, env=env, timeout=30)

    out = run("sh")
    check(out.returncode == 0, "grub generator exits 0", out.stderr)
    dash = run("dash") if shutil.which("dash") else out
    check(dash.stdout == out.stdout, "grub generator: dash prints what sh prints")
    text = out.stdout
    heads = re.findall(r"^menuentry '([^']*)' .* \$menuentry_id_option '([^']*)' \{$", text, re.M)
    check([h[0] for h in heads] == ["Arch Linux, with Linux linux-lts (Passthrough)",
                                     "Arch Linux, with Linux linux (Passthrough)"],
          "grub generator: one Passthrough entry per kernel, titled after 10_linux's", str(heads))
    check([h[1] for h in heads] == ["passthrough-prep-vmlinuz-linux-lts", "passthrough-prep-vmlinuz-linux"],
          "grub generator: unique ids after the kernel file", str(heads))
    linux_lines = re.findall(r"^\tlinux\t(.*)$", text, re.M)
    check(linux_lines == ["/vmlinuz-linux-lts root=UUID=0a3b5c7d rw  loglevel=3 quiet " + PARAMS,
                          "/vmlinuz-linux root=UUID=0a3b5c7d rw  loglevel=3 quiet " + PARAMS],
          "grub generator: 10_linux's linux line plus the parameters", str(linux_lines))
    check(re.findall(r"^\tinitrd\t(.*)$", text, re.M) == ["/intel-ucode.img /initramfs-linux-lts.img",
                                                          "/intel-ucode.img /initramfs-linux.img"],
          "grub generator: the same initrds, microcode first, no fallback")
    check("savedefault" not in text and "fallback" not in text and "recovery" not in text
          and "submenu" not in text, "grub generator: no savedefault, fallback, recovery or submenu", text)
    if shutil.which("grub-script-check"):
        r = subprocess.run(["grub-script-check"], input=text, capture_output=True, text=True)
        check(r.returncode == 0, "grub generator: grub-script-check accepts its output", r.stderr)
    else:
        print("note: grub-script-check is not installed (grub-common); its check is left out")

    open(os.path.join(boot, "vmlinuz-linux-zen"), "w").close()
    again = run("sh").stdout
    check("'passthrough-prep-vmlinuz-linux-zen'" in again and again.count("menuentry ") == 3,
          "grub generator: a kernel installed later gets its entry at the next run")

    os.chmod(linux, 0o644)
    off = run("sh")
    check(off.returncode == 0 and off.stdout == "", "grub generator: nothing when 10_linux is switched off")


ENTRY = """title Fedora Linux (6.9.7-200.fc40.x86_64) 40 (Workstation Edition)
version 6.9.7-200.fc40.x86_64
linux /vmlinuz-6.9.7-200.fc40.x86_64
initrd /initramfs-6.9.7-200.fc40.x86_64.img
options root=UUID=5a1e rw rhgb quiet
grub_users $grub_users
grub_arg --unrestricted
grub_class fedora
sort-key fedora
"""


def kernel_install(scripts, work):
    boot = os.path.join(work, "esp")
    entries = os.path.join(boot, "loader", "entries")
    os.makedirs(entries)
    plugin = os.path.join(work, "95-passthrough-prep.install")
    render(scripts, "kernel-install-passthrough-entry.sh", plugin)
    token, version = "5d1e7f0a", "6.9.7-200.fc40.x86_64"
    with open(os.path.join(entries, f"{token}-{version}.conf"), "w") as f:
        f.write(ENTRY)
    sibling = os.path.join(entries, f"{token}-{version}-passthrough.conf")
    env = dict(os.environ, KERNEL_INSTALL_BOOT_ROOT=boot, KERNEL_INSTALL_ENTRY_TOKEN=token,
               KERNEL_INSTALL_LAYOUT="bls")
    for shell in ("sh", "dash"):
        if not shutil.which(shell):
            continue
        r = subprocess.run([shell, plugin, "add", version, f"{boot}/{token}/{version}", "/vmlinuz"],
                           capture_output=True, text=True, env=env, timeout=30)
        check(r.returncode == 0 and os.path.exists(sibling), f"kernel-install plugin ({shell}): add writes the sibling",
              r.stderr)
        text = open(sibling).read() if os.path.exists(sibling) else ""
        want = ENTRY.replace("Edition)\n", "Edition) (Passthrough)\n", 1) \
            .replace("rhgb quiet\n", "rhgb quiet " + PARAMS + "\n").replace("sort-key fedora\n", "sort-key fedora-passthrough\n")
        check(text == want, f"kernel-install plugin ({shell}): the sibling is the entry titled, sorted after, "
              "with the parameters", text)
        r = subprocess.run([shell, plugin, "remove", version, f"{boot}/{token}/{version}"],
                           capture_output=True, text=True, env=env, timeout=30)
        check(r.returncode == 0 and not os.path.exists(sibling), f"kernel-install plugin ({shell}): remove takes it away")
    r = subprocess.run(["sh", plugin, "add", version, "/x", "/vmlinuz"], capture_output=True, text=True,
                       env=dict(env, KERNEL_INSTALL_LAYOUT="uki"), timeout=30)
    check(r.returncode == 0 and not os.path.exists(sibling), "kernel-install plugin: the uki layout is left alone")
    r = subprocess.run(["sh", plugin, "add", "6.10.0", "/x", "/vmlinuz"], capture_output=True, text=True,
                       env=env, timeout=30)
    check(r.returncode == 0 and len(os.listdir(entries)) == 1, "kernel-install plugin: no entry, nothing written")


def main():
    scripts, work = (os.path.abspath(a) for a in sys.argv[1:3])
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        grub_entries(scripts, os.path.join(work, "grub"))
        kernel_install(scripts, os.path.join(work, "kernel-install"))
        if shutil.which("shellcheck"):
            for name in sorted(os.listdir(scripts)):
                r = subprocess.run(["shellcheck", "-s", "sh", os.path.join(scripts, name)], capture_output=True, text=True)
                check(r.returncode == 0, f"shellcheck {name}", r.stdout)
        else:
            print("note: shellcheck is not installed; its check is left out")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
