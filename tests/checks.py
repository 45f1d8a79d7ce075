"""The pass/fail bookkeeping the Python suites share.

check() prints one line per assertion; finish() prints the closing
"SUITE: N passed, N failed" line that CI reads and returns the exit status.
"""

passed, failed = 0, 0


def check(name, cond, detail=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok   %s" % name)
    else:
        failed += 1
        print("FAIL %s%s" % (name, (": " + str(detail)[-800:]) if detail else ""))
    return bool(cond)


def finish(suite):
    print("%s: %d passed, %d failed" % (suite, passed, failed))
    return 1 if failed else 0
