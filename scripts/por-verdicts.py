#!/usr/bin/env python3
"""The reductions' verdict test (issue 19): partial-order reduction, or symmetry reduction.

For every shipped scenario, explores with and without the reduction (`atslab explore --all
--json --por`, then the same with --no-por; with `--reduction symmetry`, --symmetry and
--no-symmetry) under each variant and asserts the same verdicts: the same set of violated
invariants, each with the same shortest-trace length, and the same exhaustion. Prints per
search the unique states and transitions of each run and, for partial-order reduction, the
transitions it did not run.

Unique states are not compared: a search under partial-order reduction expands fewer orders, so
it may reach a state only at its full depth where the unreduced one also reached it with budget
to spare (never a state the other does not reach: the verdicts would differ); under symmetry
reduction states equal up to renaming count once, which is the point -- they are printed.

usage: por-verdicts.py ATSLAB [--reduction por|symmetry|both] [--depth N] [--variants a,b] [--jobs N]
                        [--scenario NAME ...] [--faults all] [--no-interleave]
"""
import argparse
import concurrent.futures
import glob
import json
import os
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Depths per scenario where the default is too slow for CI on 2 cores (both searches together
# well under a minute).
DEPTHS = {}


EXTRA = []  # further explore options for every search (--faults, --no-interleave)
REDUCTION = "por"  # the reduction compared: its flag is --REDUCTION, and --no-REDUCTION without it


def explore(atslab, scenario, variant, depth, on):
    cmd = [atslab, "explore", scenario, "--variant", variant, "--depth", str(depth), "--all", "--json"] + EXTRA
    # "both": partial-order reduction on top of symmetry reduction, against neither.
    for flag in (["por", "symmetry"] if REDUCTION == "both" else [REDUCTION]):
        cmd.append(f"--{flag}" if on else f"--no-{flag}")
    t0 = time.monotonic()
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    r = json.loads(out)["results"][0]
    r["wall"] = time.monotonic() - t0
    return r


def verdict(r):
    return {v["invariant"]: v["length"] for v in r["violations"]}


def compare(atslab, scenario, variant, depth):
    a = explore(atslab, scenario, variant, depth, True)
    b = explore(atslab, scenario, variant, depth, False)
    problems = []
    if verdict(a) != verdict(b):
        problems.append(f"verdicts differ: with reduction {verdict(a)}, without {verdict(b)}")
    if a["exhausted"] != b["exhausted"] or a["depth_reached"] != b["depth_reached"]:
        problems.append(f"exhausted/depth differ: {a['exhausted']}/{a['depth_reached']} vs {b['exhausted']}/{b['depth_reached']}")
    return a, b, problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("atslab")
    ap.add_argument("--depth", type=int, default=3)
    ap.add_argument("--variants", default="series-v3,fail-early,upstream")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--scenario", action="append", default=[])
    ap.add_argument("--faults", help="passed to every search (e.g. all): forced faults are transitions too")
    ap.add_argument("--no-interleave", action="store_true", help="passed to every search")
    ap.add_argument("--reduction", choices=["por", "symmetry", "both"], default="por", help="the reduction compared")
    args = ap.parse_args()
    global REDUCTION
    REDUCTION = args.reduction
    if args.faults:
        EXTRA.extend(["--faults", args.faults])
    if args.no_interleave:
        EXTRA.append("--no-interleave")
    scenarios = sorted(glob.glob(os.path.join(ROOT, "scenarios", "*.yaml")))
    if args.scenario:
        scenarios = [s for s in scenarios if os.path.basename(s)[:-5] in args.scenario]
    jobs = [(s, v, DEPTHS.get(os.path.basename(s)[:-5], args.depth)) for s in scenarios for v in args.variants.split(",")]
    failed = 0
    totals = [0, 0, 0, 0, 0]
    no = "-no" + {"por": "por", "symmetry": "sym", "both": "red"}[REDUCTION]
    print(f"{'scenario':<40} {'variant':<10} {'d':>2} {'unique':>8} {'unique' + no:>12} {'trans':>9} {'trans' + no:>11} "
          f"{'skipped':>9} {'s':>5} {'s' + no:>7}  verdict")
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        futs = [(j, ex.submit(compare, args.atslab, *j)) for j in jobs]
        for (s, v, d), f in futs:
            a, b, problems = f.result()
            name = os.path.basename(s)
            inv = ",".join(f"{k}({n})" for k, n in sorted(verdict(b).items())) or "-"
            print(f"{name:<40} {v:<10} {d:>2} {a['unique']:>8} {b['unique']:>12} {a['states']:>9} {b['states']:>11} "
                  f"{a['por_skipped']:>9} {a['wall']:>5.1f} {b['wall']:>7.1f}  {'SAME ' + inv if not problems else 'DIFFERENT'}")
            for p in problems:
                print(f"  {name} {v}: {p}")
            failed += bool(problems)
            for i, x in enumerate((a["unique"], b["unique"], a["states"], b["states"], a["por_skipped"])):
                totals[i] += x
    print(f"total ({REDUCTION}): unique {totals[0]} (without reduction {totals[1]}), transitions {totals[2]} (without {totals[3]}), "
          f"{totals[4]} not run")
    if failed:
        print(f"{failed} search(es) with different verdicts", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
