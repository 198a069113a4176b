#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The manual pages say what the programs do, and groff reads them without a warning.

    check-man.py cli MAN_PAGE APP
    check-man.py helper MAN_PAGE PROTOCOL_H PROTOCOL_C VERSION

cli: every option --help lists is in the page's OPTIONS and the page lists no
other; the exit statuses --help names are the page's EXIT STATUS; the version
is the program's.
helper: the page's EXIT STATUS is every PpHelperExit of pp-helper-protocol.h,
and its SYNOPSIS every intent of pp-helper-protocol.c.
Both: nothing is left unconfigured (@NAME@), and groff -man -ww -z prints no
warning (where groff is installed).
"""
import re
import shutil
import subprocess
import sys

from pp_checks import Checks

check = Checks(verbose=True)


def section(page, name):
    return page.split(f".SH {name}", 1)[1].split(".SH ", 1)[0]


def exit_statuses(page):
    return set(int(n) for n in re.findall(r"^\.B (\d+)$", section(page, "EXIT STATUS"), re.M))


def check_cli(page, app):
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
    help_text = subprocess.run([app, "--help"], capture_output=True, text=True, env=env, check=True).stdout
    version = subprocess.run([app, "--version"], capture_output=True, text=True, env=env, check=True).stdout.split()[-1]

    options_section = section(page, "OPTIONS")
    in_help = set(re.findall(r"^\s+(?:-\w, )?--([a-z-]+)", help_text, re.M))
    # each option's tag is the line after .TP
    lines = options_section.splitlines()
    tags = [line for prev, line in zip(lines, lines[1:]) if prev == ".TP"]
    in_page = set(m.replace("\\-", "-") for tag in tags for m in re.findall(r"\\-\\-((?:[a-z]|\\-)+)", tag))
    check(bool(in_help), "--help lists options", help_text)
    check(in_help == in_page, "the page's OPTIONS are --help's options",
          f"only in --help: {sorted(in_help - in_page)}, only in the page: {sorted(in_page - in_help)}")
    statuses = set(int(n) for n in re.findall(r"(\d) [a-z]", help_text.split("Exit status:", 1)[1].split("\n", 1)[0]))
    check(statuses and statuses == exit_statuses(page), "the page's EXIT STATUS is --help's",
          f"--help {sorted(statuses)}, the page {sorted(exit_statuses(page))}")
    check(f'"passthrough-prep {version}"' in page, f"the page is for version {version}")


def check_helper(page, protocol_h, protocol_c, version):
    header = open(protocol_h, encoding="utf-8").read()
    enum = header.split("typedef enum", 1)[1].split("} PpHelperExit;", 1)[0]
    statuses = set(int(n) for n in re.findall(r"^\s*PP_HELPER_EXIT_\w+\s*=\s*(\d+),", enum, re.M))
    check(len(statuses) > 10 and statuses == exit_statuses(page), "the page's EXIT STATUS is every PpHelperExit",
          f"only in the header: {sorted(statuses - exit_statuses(page))}, "
          f"only in the page: {sorted(exit_statuses(page) - statuses)}")
    intents = set(re.findall(r'^\s*\[PP_HELPER_INTENT_\w+\] = "([a-z-]+)",', open(protocol_c, encoding="utf-8").read(),
                             re.M))
    synopsis = section(page, "SYNOPSIS")
    in_page = set(m.replace("\\-", "-") for m in re.findall(r"passthrough\\-prep\\-helper ((?:[a-z]|\\-)+)$",
                                                               synopsis, re.M))
    check(len(intents) >= 5 and intents == in_page, "the SYNOPSIS has every intent the helper takes",
          f"protocol {sorted(intents)}, the page {sorted(in_page)}")
    check(f'"passthrough-prep {version}"' in page, f"the page is for version {version}")


def main():
    kind, man_path = sys.argv[1:3]
    page = open(man_path, encoding="utf-8").read()
    env = {"PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"}
    if kind == "cli":
        check_cli(page, sys.argv[3])
    else:
        check_helper(page, *sys.argv[3:6])
    check(re.search(r"@[A-Z]+@", page) is None, "nothing is left unconfigured", str(re.findall(r"@[A-Z]+@", page)))
    if shutil.which("groff"):
        p = subprocess.run(["groff", "-man", "-ww", "-z", man_path], capture_output=True, text=True, env=env)
        check(p.returncode == 0 and p.stderr == "", "groff reads it without a warning", p.stderr)
    else:
        print("note: groff is not installed; the page's markup was not checked")
    return check.summary()


if __name__ == "__main__":
    sys.exit(main())
