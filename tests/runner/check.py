#!/usr/bin/env python3
"""Checks that `clif-util test` reports failures: runs it over cases/, whose
files each state the line the runner must print for them in a first-line
comment (`; expect: PASS`, `; expect: FAIL <line>: <text>`,
`; expect: SKIP <text>`; the text must start the reason) and optionally
`; expect-output: <line>` for printed output; then checks the watchdog and
the fuel limit on hang/loop.clif, the formats of `verify` and `interpret`,
and the error of `compile` for a bad target line (targets/).

usage: check.py CLIF_UTIL RUNNER_DIR"""
import os
import re
import subprocess
import sys

clif, here = sys.argv[1], sys.argv[2]
cases = os.path.join(here, "cases")
problems = []


def run(*args, timeout=300):
    p = subprocess.run([clif, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def expect(cond, what):
    if not cond:
        problems.append(what)


files = sorted(f for f in os.listdir(cases) if f.endswith(".clif"))
code, out, err = run("test", "--interpret", cases)
lines = out.splitlines()
expect(code == 1, f"test exit code {code}, expected 1")
counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
for name in files:
    path = os.path.join(cases, name)
    text = open(path).read().splitlines()
    want = re.match(r"; expect: (PASS|FAIL|SKIP)\s*(.*)", text[0])
    if not want:
        problems.append(f"{name}: no `; expect:` first line")
        continue
    status, rest = want.group(1), want.group(2)
    counts[status] += 1
    got = [l for l in lines if re.match(rf"^(PASS|FAIL|SKIP) {re.escape(path)}(:|$)", l)]
    if len(got) != 1:
        problems.append(f"{name}: {len(got)} result lines")
        continue
    prefix = f"{status} {path}" + (f": {rest}" if rest else "")
    expect(got[0].startswith(prefix), f"{name}: got `{got[0]}`, expected `{prefix}...`")
    for l in text:
        m = re.match(r"; expect-output: (.*)", l)
        if m:
            expect(m.group(1) in lines, f"{name}: output line `{m.group(1)}` missing")
summary = f"{counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped"
expect(lines and lines[-1] == summary, f"last line `{lines[-1] if lines else ''}`, expected `{summary}`")

# The watchdog and the fuel limit: a hang fails its file, and the run goes on.
loop = os.path.join(here, "hang", "loop.clif")
passing = os.path.join(cases, "pass-run.clif")
code, out, err = run("test", "--fuel", "0", "--timeout", "2", loop, passing)
expect(code == 1 and f"FAIL {loop}: 12: timeout" in out, f"watchdog: got `{out.strip()}`")
expect(f"PASS {passing}" in out and "1 passed, 1 failed, 0 skipped" in out,
       f"watchdog: the run did not go on: `{out.strip()}`")
code, out, err = run("test", "--fuel", "100000", loop)
expect(code == 1 and re.search(rf"^FAIL {re.escape(loop)}: 12: ", out, re.M) is not None
       and "timeout" not in out, f"fuel limit: got `{out.strip()}`")

# Options: a number beyond 64 bits is refused, not clamped.
code, out, err = run("test", "--fuel", "99999999999999999999999", passing)
expect(code == 2 and "usage: clif-util test" in err, f"--fuel beyond 64 bits: {code} `{out.strip()}`")

# verify: path:line:col: message, exit 1; nothing and exit 0 for a good file.
bad = os.path.join(cases, "fail-verifier-unexpected.clif")
code, out, err = run("verify", bad)
expect(code == 1 and re.match(rf"^{re.escape(bad)}:11:5: .", out), f"verify: got `{out.strip()}`")
code, out, err = run("verify", passing)
expect(code == 0 and out == "", f"verify of a good file: {code} `{out.strip()}`")

# interpret: prints print commands, reports failures as path:line:col.
code, out, err = run("interpret", passing)
expect(code == 0 and out == "%add(40, 2) -> 42\n", f"interpret: {code} `{out.strip()}`")
trap = os.path.join(cases, "fail-trap.clif")
code, out, err = run("interpret", trap)
expect(code == 1 and f"{trap}:10:1: unexpected trap: int_divz" in out, f"interpret trap: `{out.strip()}`")

# cat prints every function, parse errors as path:line:col.
code, out, err = run("cat", passing)
expect(code == 0 and out.count("function %") == 2, f"cat: {code} `{out.strip()}`")
parse = os.path.join(cases, "fail-parse.clif")
code, out, err = run("cat", parse)
expect(code == 1 and re.match(rf"^{re.escape(parse)}:7:\d+: ", err), f"cat parse error: `{err.strip()}`")

# A file that cannot be read: its name, then why.
missing = os.path.join(here, "no-such-file.clif")
code, out, err = run("cat", missing)
expect(code == 1 and err.startswith(f"{missing}: cannot open: "), f"cat missing file: `{err.strip()}`")

# compile: a bad target line is an error at that line, naming the whole flag.
longflag = os.path.join(here, "targets", "long-flag.clif")
code, out, err = run("compile", longflag)
expect(code == 1 and re.match(rf"^{re.escape(longflag)}:4:1: unknown setting 'has_x{{150}}' ", err),
       f"compile target error: {code} `{err.strip()}`")

for p in problems:
    print("problem:", p)
print(f"runner checks: {len(problems)} problems")
sys.exit(1 if problems else 0)
