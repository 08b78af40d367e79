#!/usr/bin/env python3
"""ctest cli.topo_tree.*: the hierarchy `atslab topo --lspci DUMP --tree` builds against the one
pciutils derives from the same dump (`lspci -F DUMP -t`): each function below the same bridge, each
bridge with the same bus range [secondary-subordinate]. Both drawings are read back into
"function -> the bridge it sits below" by one parser (lspci -t's columns: a function belongs to the
nearest bus marker to its left that is still open). atslab's own root ports, which stand above a
dump's bare endpoints (named in a note and in `topo --json` as "atslab's root port ..."), are looked
through: the function below one sits, as in lspci, below no bridge of the dump. Functions Linux's
scan would not find are left out of atslab's tree with a note (check-topo-lspci.py checks which);
when there are none and no port of atslab's, the two drawings must be equal line for line.

usage: check-topo-tree.py ATSLAB DUMP [--require-lspci]
Exit 0 when they agree, 1 on a disagreement (each printed), 77 when lspci is missing (a skip)
unless --require-lspci (CI), which makes that a failure.
"""
import json
import re
import shutil
import subprocess
import sys

TOKEN = re.compile(r"\[(?P<dom>[0-9a-f]{4}):(?P<bus>[0-9a-f]{2})\]"        # a bus of the host bridge (or a further bus of a bridge)
                   r"|\[(?P<sec>[0-9a-f]{2})(?:-(?P<sub>[0-9a-f]{2}))?\]"  # a bridge's range, after its function
                   r"|(?P<dev>[0-9a-f]{2})\.(?P<fn>[0-7])")                # a function


def parse_tree(text):
    """lspci -t's drawing as ({bdf: the bridge above it or None}, {bridge bdf: (secondary, subordinate)})."""
    parent, ranges = {}, {}
    stack = []  # open buses: (column, domain, bus, the bridge they are below)
    last_dev = None
    for line in text.splitlines():
        for m in TOKEN.finditer(line):
            col = m.start()
            if m.group("dom"):
                while stack and stack[-1][0] >= col:
                    stack.pop()
                above = stack[-1][3] if stack else None
                stack.append((col, m.group("dom"), m.group("bus"), above))
            elif m.group("sec"):
                sec, sub = m.group("sec"), m.group("sub") or m.group("sec")
                ranges[last_dev] = (sec, sub)
                stack.append((col, stack[-1][1], sec, last_dev))
            else:
                while stack and stack[-1][0] >= col:
                    stack.pop()
                _, dom, bus, above = stack[-1]
                last_dev = f"{dom}:{bus}:{m.group('dev')}.{m.group('fn')}"
                parent[last_dev] = above
    return parent, ranges


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    require = "--require-lspci" in sys.argv
    if len(args) != 2:
        print(__doc__.strip().splitlines()[-3], file=sys.stderr)
        return 2
    atslab, dump = args
    if not shutil.which("lspci"):
        print("lspci is not installed (scripts/setup.sh installs pciutils)" + ("" if require else ": skipped"))
        return 1 if require else 77
    want_text = subprocess.run(["lspci", "-F", dump, "-t"], capture_output=True, text=True, check=True).stdout
    run = subprocess.run([atslab, "topo", "--lspci", dump, "--tree"], capture_output=True, text=True)
    if run.returncode != 0:
        # A dump Linux would find nothing in is refused; check-topo-lspci.py checks that.
        print(f"{dump}: atslab exited {run.returncode}: {run.stderr.strip()}")
        return 0 if "no function that Linux would find" in run.stderr else 1
    table = json.loads(subprocess.run([atslab, "topo", "--lspci", dump, "--json"], capture_output=True, text=True,
                                      check=True).stdout)
    ours = {d["bdf"] for d in table if d["source"].startswith("atslab's root port")}
    notes = [l for l in run.stderr.splitlines() if l.startswith("note: ")]
    left_out = {m.group(1) for n in notes for m in [re.search(r" (\w{4}:\w{2}:\w{2}\.\w) left out:", n)] if m}
    want, want_ranges = parse_tree(want_text)
    got, got_ranges = parse_tree(run.stdout)

    def real_parent(bdf):  # the nearest bridge of the dump above, looking through atslab's ports
        p = got[bdf]
        while p in ours:
            p = got[p]
        return p

    errors = []
    for bdf, above in want.items():
        if bdf in left_out:
            if bdf in got:
                errors.append(f"{bdf}: noted as left out, yet in atslab's tree")
            continue
        if bdf not in got:
            errors.append(f"{bdf}: below {above or 'the host bridge'} in lspci -t, not in atslab's tree")
            continue
        if real_parent(bdf) != above:
            errors.append(f"{bdf}: below {real_parent(bdf) or 'the host bridge'} in atslab's tree, "
                          f"below {above or 'the host bridge'} in lspci -t")
        if want_ranges.get(bdf) != got_ranges.get(bdf):
            errors.append(f"{bdf}: bus range {got_ranges.get(bdf)} in atslab's tree, {want_ranges.get(bdf)} in lspci -t")
    for bdf in got:
        if bdf not in want and bdf not in ours:
            errors.append(f"{bdf}: in atslab's tree, not in lspci -t")
    for bdf in ours:
        if not any(bdf in n and "root port of atslab's" in n for n in notes):
            errors.append(f"{bdf}: atslab's own root port, without a note saying so")
    if not ours and not left_out and run.stdout != want_text:
        errors.append(f"the drawings differ:\n--- lspci -t\n{want_text}--- atslab topo --tree\n{run.stdout}")
    for e in errors:
        print(f"{dump}: {e}")
    if not errors:
        print(f"{dump}: {len(want)} function(s), {len(want_ranges)} bridge(s) as lspci -t has them"
              f" ({len(ours)} root port(s) of atslab's above bare endpoints, {len(left_out)} left out)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
