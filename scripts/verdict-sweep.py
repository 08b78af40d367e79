#!/usr/bin/env python3
"""The trustworthy-verdicts sweep (issue 14's "done when"): every shipped scenario
explored to --depth with interleavings and every operation under series-v3 and
fail-early, and stressed with --interleave 1000 for --seeds seeds under fail-early.
Prints one line per run that reports a violation, then a summary; exit status 1
when any did. Each explore run gets --timeout seconds; one that does not finish is
reported as cut (run it again with a smaller --depth and note it in
docs/exploration.md).

    scripts/verdict-sweep.py [--atslab build/tools/atslab/atslab] [--depth 5]
                             [--seeds 20] [--ops 1000] [--timeout 600] [SCENARIO...]
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import time


def run(cmd, timeout):
    t = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, timeout
    if p.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout), time.monotonic() - t


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--atslab", default=os.path.join(here, "..", "build", "tools", "atslab", "atslab"))
    ap.add_argument("--depth", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--ops", type=int, default=1000)
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--variants", default="series-v3,fail-early")
    ap.add_argument("scenarios", nargs="*")
    a = ap.parse_args()
    scenarios = a.scenarios or sorted(glob.glob(os.path.join(here, "..", "scenarios", "*.yaml")))
    bad = 0
    for sc in scenarios:
        name = os.path.basename(sc)
        for v in a.variants.split(","):
            out, secs = run([a.atslab, "explore", sc, "--variant", v, "--depth", str(a.depth), "--all", "--json"], a.timeout)
            if out is None:
                print(f"explore {name} {v} depth {a.depth}: cut at {a.timeout} s", flush=True)
                continue
            r = out["results"][0] if "results" in out else out
            found = sorted({x["invariant"]: x["length"] for x in r.get("violations", [])}.items())
            line = f"explore {name} {v} depth {r.get('depth_reached')} exhausted {r.get('exhausted')} " \
                   f"unique {r.get('unique')} {secs:.1f} s: {found or 'clean'}"
            print(line, flush=True)
            bad += bool(found)
        seen = {}
        for seed in range(1, a.seeds + 1):
            out, _ = run([a.atslab, "stress", sc, "--variant", "fail-early", "--interleave", "1000", "--seed", str(seed),
                          "--ops", str(a.ops), "--json"], a.timeout)
            r = out[0] if isinstance(out, list) else out
            for fv in r.get("first_violations", []):
                seen.setdefault(fv.get("invariant"), []).append(seed)
        print(f"stress {name} fail-early x{a.seeds}: {seen or 'clean'}", flush=True)
        bad += bool(seen)
    print(f"{bad} run groups with violations")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
