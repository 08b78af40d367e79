#!/usr/bin/env python3
"""The commands docs/reports/*.md quote, run again: each must still print what the report says.

    scripts/report-commands.py --atslab PATH [--skip-source] [--update] [REPORT.md ...]

A report quotes a run in a ```console block: a line `$ COMMAND` (run by sh from the
project's root, `atslab` being PATH's directory, stderr merged into stdout as a terminal
shows it), then the lines it prints, exactly. A line `...` stands for any number of lines
(a long log cut short). --skip-source leaves out the commands with `--driver source`: a build
whose kernel tree is not Debian's 6.12.118 gives other output for them (tests/CMakeLists.txt).

Exit 0 when every quoted output is still what the command prints, 1 when one is not (with
a diff), 2 on bad usage. This is the ctest reports.commands, so a report cannot drift.
--update writes what the commands print now in place of each drifted quote that has no `...`
line (a quote cut short is left for its author, and still fails); read the diff before committing.
"""
import argparse
import difflib
import glob
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, ".."))


def quoted_runs(path):
    """(line number, command, expected lines) for every `$ ` line of the file's console blocks."""
    runs, inside, current = [], False, None
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if re.match(r"^```console\s*$", line):
                inside = True
                continue
            if inside and line.startswith("```"):
                inside, current = False, None
                continue
            if not inside:
                continue
            if line.startswith("$ "):
                current = (n, line[2:], [])
                runs.append(current)
            elif current is None:
                raise SystemExit(f"{path}:{n}: output before any `$ ` command in a console block")
            else:
                current[2].append(line)
    if inside:
        raise SystemExit(f"{path}: a console block is not closed")
    return runs


def matches(expected, actual):
    """Whether `actual` is `expected`, each `...` line standing for zero or more lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--atslab", required=True, help="the atslab binary to run the commands with")
    ap.add_argument("--skip-source", action="store_true", help="leave out the commands with --driver source")
    ap.add_argument("--update", action="store_true", help="rewrite each drifted quote without `...` as printed now")
    ap.add_argument("reports", nargs="*", help="default: docs/reports/*.md")
    a = ap.parse_args()
    if not os.access(a.atslab, os.X_OK):
        print(f"report-commands: {a.atslab}: not an executable", file=sys.stderr)
        return 2
    reports = a.reports or sorted(glob.glob(os.path.join(ROOT, "docs", "reports", "*.md")))
    env = dict(os.environ, PATH=os.path.dirname(os.path.abspath(a.atslab)) + os.pathsep + os.environ.get("PATH", ""))
    failed = checked = 0
    for report in reports:
        updates = []  # (line of the `$ ` line, number of quoted lines, lines printed now)
        for line_no, cmd, expected in quoted_runs(report):
            if a.skip_source and "--driver source" in cmd:
                continue
            p = subprocess.run(["sh", "-c", "{ " + cmd + "\n} 2>&1"], cwd=ROOT, env=env, capture_output=True, text=True)
            actual = p.stdout.rstrip("\n").split("\n") if p.stdout.strip() else []
            checked += 1
            if not matches(expected, actual):
                failed += 1
                rel = os.path.relpath(report, ROOT)
                print(f"{rel}:{line_no}: `{cmd}` no longer prints what the report quotes:")
                sys.stdout.writelines(difflib.unified_diff([l + "\n" for l in expected], [l + "\n" for l in actual],
                                                           "quoted", "printed now"))
                if a.update and "..." not in expected:
                    updates.append((line_no, len(expected), actual))
                    failed -= 1
        if updates:
            with open(report, encoding="utf-8") as f:
                lines = f.read().split("\n")
            for line_no, n, actual in sorted(updates, reverse=True):
                lines[line_no:line_no + n] = actual  # line_no is 1-based: the quote starts after the `$ ` line
            with open(report, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
            print(f"report-commands: {os.path.relpath(report, ROOT)}: {len(updates)} quote(s) rewritten")
    print(f"report-commands: {checked} quoted commands, {failed} drifted")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
