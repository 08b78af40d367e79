#!/usr/bin/env python3
"""ctests of atslab's user-facing outputs against what the seed thread
(../shared/docs/seed-thread.txt) and the kernel say, not against atslab itself.

usage: check-cli-content.py CHECK ATSLAB [ARGS...]
  repro-json ATSLAB          the seed's WARN, call trace and the series' claim, in `repro --json`
  repro-amd-json ATSLAB      `repro --iommu amd --json`: AMD-Vi ran, and its variants' rows
  report ATSLAB SCENARIO OUT the HTML report's variant table for the seed scenario
  stress-trace ATSLAB SCENARIO DIR   the Chrome trace's attach phases around the WARN
  topo-json ATSLAB           `topo --json` of the default (seed) machine
Exit 0 when every check holds, 1 otherwise (each failure printed).
"""
import html
import json
import re
import subprocess
import sys

# The seed's splat, innermost first, up to the ioctl (the thread's "Call trace:").
SEED_TRACE = ["pci_disable_ats", "arm_smmu_attach_prepare", "arm_smmu_attach_dev_ste", "arm_smmu_attach_dev_blocked",
              "__iommu_attach_device", "__iommu_group_set_domain_internal", "__iommu_take_dma_ownership",
              "iommu_group_claim_dma_owner", "vfio_container_attach_group", "vfio_group_fops_unl_ioctl"]
errors = []


def expect(cond, what):
    if not cond:
        errors.append(what)


def run(*argv):
    return subprocess.run(list(argv), capture_output=True, text=True, check=True).stdout


def by_variant(doc):
    return {v["variant"]: v for v in doc["variants"]}


def repro_json(atslab):
    v = by_variant(json.loads(run(atslab, "repro", "--json")))
    up = v["upstream"]
    seeds = [w for w in up["warnings"] if w["call_trace"][:len(SEED_TRACE)] == SEED_TRACE]
    expect(seeds, "upstream: no WARN with the seed's call trace (pci_disable_ats <- ... <- vfio_group_fops_unl_ioctl)")
    for w in seeds:
        expect(w["file"] == "drivers/pci/ats.c" and w["function"] == "pci_disable_ats", f"upstream: WARN at {w['file']} {w['function']}")
        expect(w["condition"] == "!dev->ats_enabled", f"upstream: WARN_ON({w['condition']}), the seed's is !dev->ats_enabled")
        expect(w["comm"] == "iova_stress", f"upstream: the seed's WARN was in iova_stress, not {w['comm']}")
    # The patch's own account: the driver believes ATS on (master->ats_enabled) with the device's off,
    # and nr_ats_masters is wrong; the enable failed ("Failed to enable ATS", arm_smmu_enable_ats's dev_err).
    inv = {x["invariant"] for x in up["violations"]}
    expect({9, 13} <= inv, f"upstream: invariants 9 (ats_enabled belief) and 13 (nr_ats_masters) expected, got {sorted(inv)}")
    expect(any("Failed to enable ATS" in e for e in up["errors"]), "upstream: no 'Failed to enable ATS' line")
    expect(up["vf_ats_enabled"] is False, "upstream: the VF's ATS Enable should be clear (pci_enable_ats failed)")
    # The series (v3, and the fail-early design the review settled on): no WARN, nothing violated.
    for name in ("series-v3", "fail-early"):
        expect(v[name]["warnings"] == [] and v[name]["violations"] == [],
               f"{name}: the series fixes the seed's bug, yet {len(v[name]['warnings'])} WARN(s), invariants "
               f"{sorted({x['invariant'] for x in v[name]['violations']})}")


def repro_amd_json(atslab):
    doc = json.loads(run(atslab, "repro", "--iommu", "amd", "--json"))
    v = by_variant(doc)
    expect(all(x["iommu"] == "amd" for x in v.values()), "not every row ran AMD-Vi")
    # AMD-Vi's attach enables ATS after the DTE is written and returns the error: no belief survives a
    # failed pci_enable_ats, so no WARN in pci_disable_ats under any design.
    for name, x in v.items():
        warns = x["warnings"] if isinstance(x["warnings"], list) else []
        expect(not any(w["function"] == "pci_disable_ats" for w in warns), f"{name}: WARN in pci_disable_ats under AMD-Vi")
        expect(x["vf_ats_enabled"] is False, f"{name}: a quirked PF's VF has its ATS Enable set")
    expect(v["fail-early"]["violations"] == [], "fail-early: invariants violated under AMD-Vi")


def report(atslab, scenario, out):
    run(atslab, "report", scenario, "-o", out)
    page = open(out, encoding="utf-8").read()
    rows = [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.S)]
            for r in re.findall(r"<tr>(.*?)</tr>", page, re.S)]
    head = next((r for r in rows if r and r[0] == "scenario"), None)
    expect(head is not None, "no variant table (a row headed 'scenario')")
    if head is None:
        return
    seed = next((r for r in rows if r and r[0] == "seed"), None)
    expect(seed is not None, "no row for the seed scenario")
    if seed is None:
        return
    cell = dict(zip(head[1:], seed[1:]))
    expect(re.match(r"^[1-9]\d* WARN", cell.get("upstream", "")), f"upstream cell {cell.get('upstream')!r}: the seed WARNs")
    expect(re.search(r"inv [^·]*\b9\b", cell.get("upstream", "")) and re.search(r"\b13\b", cell.get("upstream", "")),
           f"upstream cell {cell.get('upstream')!r}: invariants 9 and 13")
    for name in ("series-v3", "fail-early"):
        expect(cell.get(name, "").startswith("0 WARN") and "inv –" in cell.get(name, ""),
               f"{name} cell {cell.get(name)!r}: the series' designs are clean on the seed")


def stress_trace(atslab, scenario, directory):
    run(atslab, "stress", scenario, "--ops", "200", "--interleave", "1000", "--seed", "1", "--trace", f"{directory}/t.json")
    for variant, warns_expected in (("upstream", True), ("fail-early", False)):
        ev = json.load(open(f"{directory}/t.{variant}.json"))["traceEvents"]
        prep = [e for e in ev if e.get("name") == "arm_smmu_attach_prepare" and e.get("ph") == "X"]
        commit = [e for e in ev if e.get("ph") == "X" and "arm_smmu_attach_commit" in e.get("name", "")]
        warns = [e for e in ev if e.get("name") == "WARNING at pci_disable_ats"]
        expect(prep and commit, f"{variant}: no attach prepare/commit slices")
        # Every commit follows its prepare: a commit slice starts no earlier than some prepare on its thread ends.
        for c in commit:
            expect(any(p["tid"] == c["tid"] and p["ts"] + p["dur"] <= c["ts"] for p in prep),
                   f"{variant}: commit at ts {c['ts']} with no prepare before it")
        if warns_expected:
            expect(warns, f"{variant}: the seed's WARN is missing from the trace")
            # The seed's frame order: pci_disable_ats is called from arm_smmu_attach_prepare.
            for w in warns:
                expect(any(p["ts"] <= w["ts"] <= p["ts"] + p["dur"] for p in prep),
                       f"{variant}: WARN at ts {w['ts']} outside every arm_smmu_attach_prepare slice")
                expect(w["args"]["call_trace"][:2] == SEED_TRACE[:2], f"{variant}: WARN's trace {w['args']['call_trace'][:2]}")
        else:
            expect(not warns, f"{variant}: {len(warns)} WARN(s) in pci_disable_ats under a fixed design")


def rid(bdf):
    _, bus, devfn = bdf.split(":")
    dev, fn = devfn.split(".")
    return int(bus, 16) << 8 | int(dev, 16) << 3 | int(fn)


def topo_json(atslab):
    t = json.loads(run(atslab, "topo", "--json"))
    pfs = [d for d in t if d["kind"] == "PF" and d.get("sriov")]
    expect(pfs, "no SR-IOV PF in the default machine")
    for pf in pfs:
        s = pf["sriov"]
        vfs = sorted((d for d in t if d.get("pf") and rid(pf["bdf"]) == rid("0000:" + d["pf"] if d["pf"].count(":") == 1 else d["pf"])),
                     key=lambda d: rid(d["bdf"]))
        expect(len(vfs) == s["num_vfs"], f"{pf['bdf']}: NumVFs {s['num_vfs']} but {len(vfs)} VFs listed")
        # PCIe SR-IOV: VF n's Routing ID is the PF's plus First VF Offset plus n times VF Stride.
        want = [rid(pf["bdf"]) + s["vf_offset"] + n * s["vf_stride"] for n in range(len(vfs))]
        expect([rid(v["bdf"]) for v in vfs] == want, f"{pf['bdf']}: VF routing IDs {[v['bdf'] for v in vfs]}, SR-IOV puts them at {want}")
        for v in vfs:
            expect(v["device_id"] == s["vf_device_id"], f"{v['bdf']}: device {v['device_id']}, the PF's VF Device ID is {s['vf_device_id']}")
    # 4 KiB pages: the SMMU's smallest page gives STU 12 (PCI_ATS_MIN_STU) in a PF's dev->ats_stu.
    # pci_enable_ats on a VF only compares with its PF's and never writes the VF's own ats_stu,
    # which stays 0 (drivers/pci/ats.c, 6.12).
    for d in t:
        k = d.get("kernel") or {}
        if k.get("ats_enabled"):
            want = 0 if d["kind"] == "VF" else 12
            expect(k.get("ats_stu") == want, f"{d['bdf']}: ATS on with dev->ats_stu {k.get('ats_stu')}, pci_enable_ats leaves {want}")
            q = d.get("ats_invalidate_queue_depth")
            expect(isinstance(q, int) and 1 <= q <= 32, f"{d['bdf']}: queue depth {q} outside 1..32 (0 encodes 32)")


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    checks = {"repro-json": repro_json, "repro-amd-json": repro_amd_json, "report": report,
              "stress-trace": stress_trace, "topo-json": topo_json}
    if sys.argv[1] not in checks:
        print(f"unknown check {sys.argv[1]}", file=sys.stderr)
        return 2
    checks[sys.argv[1]](*sys.argv[2:])
    for e in errors:
        print(f"{sys.argv[1]}: {e}")
    if not errors:
        print(f"{sys.argv[1]}: all checks hold")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
