#!/usr/bin/env python3
"""explore --mpi over N ranks against the single-process search (issue 19, item 4).

Runs `atslab explore ARGS --json` alone and `mpirun -np N atslab explore --mpi ARGS --json`, and
checks that every variant's verdicts are equal: the invariants violated, each one's trace (its
operations, minimised), violation objects and detail, the depth reached, whether the search was
exhausted, and (when it was, or with --all) the unique states; and that each document names its
engine (`engine`, `mpi_ranks`). The other counts differ by design (docs/exploration.md).

Exit status 77 (ctest's skip) when mpirun is missing, unless --no-skips: CI runs every test.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys


def run(cmd, env):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: exit {p.returncode}\n{p.stderr}")
    if p.stderr.strip():
        # Only rank 0 speaks, and a --json run has nothing to say on stderr.
        sys.exit(f"{' '.join(cmd)}: unexpected output on stderr:\n{p.stderr}")
    return json.loads(p.stdout)


def verdict(r, with_unique):
    v = {
        "variant": r["variant"],
        "depth_reached": r["depth_reached"],
        "exhausted": r["exhausted"],
        "violations": [
            {k: x[k] for k in ("invariant", "length", "steps", "objects", "detail", "step")} for x in r["violations"]
        ],
    }
    if with_unique:
        v["unique"] = r["unique"]
    return v


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--atslab", required=True)
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--no-skips", action="store_true")
    ap.add_argument("explore_args", nargs=argparse.REMAINDER, help="after --: the explore arguments")
    a = ap.parse_args()
    args = [x for x in a.explore_args if x != "--"]
    mpirun = shutil.which("mpirun") or shutil.which("mpiexec")
    if not mpirun:
        print("mpirun is not installed (scripts/setup.sh installs openmpi-bin)" + ("" if a.no_skips else ": skipped"))
        return 1 if a.no_skips else 77
    env = dict(os.environ)
    # CI runs as root, which Open MPI refuses unless told; it is harmless otherwise.
    env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    # Two ranks on a machine that may have fewer free slots (a 2-core VM, a CI runner).
    alone = run([a.atslab, "explore", *args, "--json"], env)
    spread = run([mpirun, "-np", str(a.ranks), "--oversubscribe", a.atslab, "explore", "--mpi", *args, "--json"], env)
    with_unique = "--all" in args
    ok = len(alone["results"]) == len(spread["results"]) and len(alone["results"]) > 0
    for x, y in zip(alone["results"], spread["results"]):
        # Each document names its engine, so a reader of the numbers knows which counts compare.
        engines = (x.get("engine"), x.get("mpi_ranks"), y.get("engine"), y.get("mpi_ranks"))
        if engines != ("depth-first", 0, "breadth-first", a.ranks):
            print(f"{x['variant']}: engine and ranks named wrongly: {engines}")
            ok = False
        unique = with_unique or x["exhausted"]
        vx, vy = verdict(x, unique), verdict(y, unique)
        same = vx == vy
        ok = ok and same
        print(f"{x['variant']}: {'same' if same else 'DIFFERENT'}: depth {vx['depth_reached']}, exhausted {vx['exhausted']}, "
              f"unique {x['unique']} / {y['unique']} over {a.ranks} ranks, invariants "
              f"{[v['invariant'] for v in vx['violations']]} / {[v['invariant'] for v in vy['violations']]}")
        if not same:
            print(json.dumps({"alone": vx, "mpi": vy}, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
