# SPDX-License-Identifier: GPL-3.0-or-later
"""The count of checks a test script makes, shared by the scripts in tests/.

    check = Checks(verbose=True)      # verbose: a line for each check that passes too
    check(ok, "what was checked", "detail shown when it fails")
    return check.summary()            # "N checks passed, M failed"; exit status 1 on any
                                      # failure, or when nothing was checked at all
"""


class Checks:
    def __init__(self, verbose=False):
        self.verbose = verbose
        self.passed = 0
        self.failures = []

    def __call__(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            if self.verbose:
                print(f"ok {what}")
        else:
            self.fail(what, detail)
        return ok

    def fail(self, what, detail=""):
        self.failures.append(what)
        print(f"FAIL {what}" + (f"\n     {detail}" if detail else ""))

    def summary(self):
        print(f"{self.passed} checks passed, {len(self.failures)} failed")
        return 1 if self.failures or self.passed == 0 else 0
