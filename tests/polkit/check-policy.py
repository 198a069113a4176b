#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the built polkit policy: well-formed, one action, auth_admin_keep,
the exec.path annotation pointing at the installed helper, and a message."""
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

ACTION = "org.ultmos.PassthroughPrep.reserve"


def main():
    policy, helper_path = sys.argv[1], sys.argv[2]
    failures = []

    def check(ok, what):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    if shutil.which("xmllint"):
        lint = subprocess.run(["xmllint", "--noout", policy], capture_output=True, text=True)
        check(lint.returncode == 0, "xmllint --noout: " + (lint.stderr.strip() or "well-formed"))

    text = open(policy, encoding="utf-8").read()
    check("policyconfig.dtd" in text, "DOCTYPE names the polkit DTD")

    check("@LIBEXECDIR@" not in text, "no @LIBEXECDIR@ left")

    root = ET.fromstring(text.encode())
    check(root.tag == "policyconfig", "root element is policyconfig")
    actions = root.findall("action")
    check([a.get("id") for a in actions] == [ACTION], f"exactly one action, {ACTION}")
    if not actions:
        return 1
    action = actions[0]
    defaults = action.find("defaults")
    check(defaults is not None and defaults.findtext("allow_active") == "auth_admin_keep",
          "allow_active is auth_admin_keep")
    for key in ("allow_any", "allow_inactive"):
        value = defaults.findtext(key) if defaults is not None else None
        check(value in ("no", "auth_admin", "auth_admin_keep"), f"{key} needs an admin or is no ({value})")
    annotations = {a.get("key"): a.text for a in action.findall("annotate")}
    check(annotations.get("org.freedesktop.policykit.exec.path") == helper_path,
          f"exec.path annotation is {helper_path} ({annotations.get('org.freedesktop.policykit.exec.path')})")
    check(len((action.findtext("message") or "").strip()) > 20, "has a message")
    check(len((action.findtext("description") or "").strip()) > 5, "has a description")

    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
