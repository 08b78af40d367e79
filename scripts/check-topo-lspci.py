#!/usr/bin/env python3
"""ctest cli.topo_lspci.*: `atslab topo --lspci DUMP --json` against two oracles
that are not atslab: pciutils' own decoding of the same dump (`lspci -F DUMP
-vvv`) and the capability list in the dump's '#' header, written by whoever
collected it. Every function lspci lists must be in atslab's table with the
same vendor:device, ATS capability offset, Invalidate Queue Depth (0 means 32),
the dump's own ATS Control (Enable, STU) and SR-IOV InitialVFs, TotalVFs, First
VF Offset, VF Stride and VF Device ID. Functions Linux's scan would not find
(worked out here from lspci's decoding) must be left out with a note.

usage: check-topo-lspci.py ATSLAB DUMP [--require-lspci]
Exit 0 when all agree, 1 on a disagreement (each printed), 77 when lspci is
missing (a skip) unless --require-lspci (CI), which makes that a failure.
"""
import json
import re
import shutil
import subprocess
import sys


def lspci_functions(dump):
    out = subprocess.run(["lspci", "-F", dump, "-vvv", "-nn"], capture_output=True, text=True, check=True).stdout
    funcs, cur, cap = [], None, None
    for line in out.splitlines():
        m = re.match(r"^(?:([0-9a-f]{4}):)?([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]) .*\[([0-9a-f]{4}):([0-9a-f]{4})\]", line)
        if m:
            seg = m.group(1) or "0000"
            cur = {"bdf": f"{seg}:{m.group(2)}:{m.group(3)}.{m.group(4)}", "id": f"{m.group(5)}:{m.group(6)}",
                   "ats": None, "qdep": None, "sriov": None}
            funcs.append(cur)
            continue
        m = re.match(r"^\tCapabilities: \[([0-9a-f]+) v\d+\] (.*)", line)
        if m and cur is not None:
            cap = m.group(2)
            if cap.startswith("Address Translation Service"):
                cur["ats"] = int(m.group(1), 16)
            if cap.startswith("Single Root I/O Virtualization"):
                cur["sriov"] = {}
            continue
        if cur is None:
            continue
        m = re.search(r"ATSCap:\s*Invalidate Queue Depth: ([0-9a-f]+)", line)
        if m:
            cur["qdep"] = int(m.group(1), 16) or 32  # PCIe: 0 encodes 32
        m = re.search(r"Total VFs: (\d+)", line)
        if m and cur["sriov"] is not None:
            cur["sriov"]["total_vfs"] = int(m.group(1))
        m = re.search(r"Initial VFs: (\d+)", line)
        if m and cur["sriov"] is not None:
            cur["sriov"]["initial_vfs"] = int(m.group(1))
        m = re.search(r"ATSCtl:\s*Enable([+-]), Smallest Translation Unit: ([0-9a-f]+)", line)
        if m:
            cur["ats_ctl"] = {"enable": m.group(1) == "+", "stu": int(m.group(2), 16)}
        m = re.search(r"VF offset: (\d+), stride: (\d+), Device ID: ([0-9a-f]+)", line)
        if m and cur["sriov"] is not None:
            cur["sriov"].update(vf_offset=int(m.group(1)), vf_stride=int(m.group(2)), vf_device_id=int(m.group(3), 16))
    return funcs


def linux_finds(dump):
    """The functions Linux's scan would find, worked out from lspci's own decoding of the dump (the
    header type byte of `-x`, ARI's Next Function and the bridges' ARIFwd and secondary bus of
    `-vvv`), by the rules of drivers/pci/probe.c: pci_scan_slot, next_fn, next_ari_fn."""
    out = subprocess.run(["lspci", "-F", dump, "-vvv", "-x", "-D"], capture_output=True, text=True, check=True).stdout
    fns, cur = {}, None
    for line in out.splitlines():
        m = re.match(r"^([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7]) ", line)
        if m:
            dom, bus, dev, fn = (int(g, 16) for g in m.groups())
            cur = {"bdf": line.split()[0], "dom": dom, "bus": bus, "devfn": dev << 3 | fn, "ari_next": None,
                   "ari": False, "type": None, "secondary": None, "arifwd": False}
            fns[cur["bdf"]] = cur
            continue
        if cur is None:
            continue
        m = re.match(r"^00: (?:[0-9a-f]{2} ){14}([0-9a-f]{2})", line)
        if m:
            cur["hdr_type"] = int(m.group(1), 16)
        m = re.search(r"Capabilities: \[[0-9a-f]+(?: v\d+)?\] Express \(v\d\) (Root Complex Integrated Endpoint|Root Complex Event Collector|Root Port)", line)
        if m:
            cur["type"] = "root-bus"
        elif re.search(r"Capabilities: \[[0-9a-f]+(?: v\d+)?\] Express", line) and cur["type"] is None:
            cur["type"] = "pcie"
        if "Alternative Routing-ID Interpretation" in line:
            cur["ari"] = True
        m = re.search(r"ARICap:.*Next Function: (\d+)", line)
        if m:
            cur["ari_next"] = int(m.group(1))
        m = re.search(r"Bus: primary=[0-9a-f]+, secondary=([0-9a-f]+)", line)
        if m:
            cur["secondary"] = int(m.group(1), 16)
        if re.search(r"DevCap2:", line):
            cur["in_devcap2"] = True
        elif re.search(r"^\t\t[A-Za-z]", line):
            cur["in_devcap2"] = False
        if cur.get("in_devcap2") and "ARIFwd+" in line:
            cur["arifwd"] = True
    found = set()
    buses = {}
    for f in fns.values():
        buses.setdefault((f["dom"], f["bus"]), {})[f["devfn"]] = f
    for (dom, bus), by_devfn in buses.items():
        f0 = by_devfn.get(0)
        ari = bool(f0 and f0["type"] and f0["ari"]) and not any(f["type"] == "root-bus" for f in by_devfn.values())
        if ari:
            above = [b for b in fns.values() if b["dom"] == dom and b["secondary"] == bus]
            ari = above[0]["arifwd"] if above else True  # atslab's own root port forwards ARI
        if ari:
            fn = 0
            found.add(f0["bdf"])
            while True:
                nxt = by_devfn[fn]["ari_next"]
                if nxt is None or nxt <= fn or nxt not in by_devfn:
                    break
                found.add(by_devfn[nxt]["bdf"])
                fn = nxt
            continue
        for devfn, f in by_devfn.items():
            # No function 0 in the dump: lspci lists only what Linux found, so this is a dump of
            # chosen functions (lspci -s), kept as found.
            f0 = by_devfn.get(devfn & ~7)
            if not f0 or (devfn & 7) == 0 or f0["hdr_type"] & 0x80:
                found.add(f["bdf"])
    return found


def header_caps(dump):
    """The ATS and SR-IOV offsets the dump's header comment names, and whether it says 'no ATS'."""
    text = "".join(l for l in open(dump, encoding="utf-8", errors="replace") if l.startswith("#"))
    ats = re.search(r"\bATS@0x([0-9a-f]+)", text)
    sriov = re.search(r"\bSR-IOV@0x([0-9a-f]+)", text)
    return {"ats": int(ats.group(1), 16) if ats else None, "no_ats": "no ATS" in text, "sriov": sriov is not None,
            "listed": "extended caps:" in text}


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    require = "--require-lspci" in sys.argv
    if len(args) != 2:
        print(__doc__.strip().splitlines()[-4], file=sys.stderr)
        return 2
    atslab, dump = args
    if not shutil.which("lspci"):
        print("lspci is not installed (scripts/setup.sh installs pciutils)" + ("" if require else ": skipped"))
        return 1 if require else 77
    finds = linux_finds(dump)
    run = subprocess.run([atslab, "topo", "--lspci", dump, "--json"], capture_output=True, text=True)
    if not finds:
        # Nothing Linux would enumerate: refused, in one line, naming the rule.
        ok = run.returncode == 2 and len(run.stderr.splitlines()) == 1 and "no function that Linux would find" in run.stderr
        print(f"{dump}: no function Linux would find; atslab {'refuses it' if ok else 'does not refuse it: ' + repr((run.returncode, run.stderr))}")
        return 0 if ok else 1
    if run.returncode != 0:
        print(f"{dump}: atslab exited {run.returncode}: {run.stderr.strip()}")
        return 1
    table = json.loads(run.stdout)
    notes = [l for l in run.stderr.splitlines() if l.startswith("note: ")]
    by_source = {}
    for d in table:
        m = re.search(r"\((\w{4}:\w{2}:\w{2}\.\w)\)$", d.get("source") or "")
        if m:
            by_source[m.group(1)] = d
    errors = []
    funcs = lspci_functions(dump)
    if not funcs:
        errors.append("lspci lists no function in the dump")
    hdr = header_caps(dump)
    for f in funcs:
        d = by_source.get(f["bdf"])
        if f["bdf"] not in finds:
            # Left out, as Linux would not find it, and said so.
            if d is not None:
                errors.append(f"{f['bdf']}: Linux's scan would not find it, atslab's table has it")
            if not any(f"{f['bdf']} left out:" in n for n in notes):
                errors.append(f"{f['bdf']}: left out without a note")
            continue
        if d is None:
            errors.append(f"{f['bdf']}: lspci lists it, atslab's table has no function from it")
            continue
        fn0 = f["bdf"][:-1] + "0"
        if fn0 not in {g["bdf"] for g in funcs} and not any(f"{f['bdf']} kept without {fn0}" in n for n in notes):
            errors.append(f"{f['bdf']}: kept without its function 0 and without a note saying so")
        got_id = f"{int(d['vendor_id'], 16):04x}:{int(d['device_id'], 16):04x}"
        if got_id != f["id"]:
            errors.append(f"{f['bdf']}: id {got_id}, lspci says {f['id']}")
        got_ats = int(d["ats_cap_offset"], 16) if d.get("ats_cap_offset") else None
        if got_ats != f["ats"]:
            errors.append(f"{f['bdf']}: ATS capability at {got_ats}, lspci says {f['ats']}")
        # The dump's own ATS Control (its live system's), shown beside atslab's enumeration's.
        if f.get("ats_ctl") is not None:
            got = d.get("dump_ats_control") or {}
            if got.get("enable") != f["ats_ctl"]["enable"] or got.get("stu") != f["ats_ctl"]["stu"]:
                errors.append(f"{f['bdf']}: the dump's ATS Control {got}, lspci says {f['ats_ctl']}")
            if d.get("ats_control_source") != "enumeration":
                errors.append(f"{f['bdf']}: ats_control_source {d.get('ats_control_source')}")
        if f["qdep"] is not None and d.get("ats_invalidate_queue_depth") != f["qdep"]:
            errors.append(f"{f['bdf']}: Invalidate Queue Depth {d.get('ats_invalidate_queue_depth')}, lspci says {f['qdep']}")
        if f["sriov"] is not None:
            s = d.get("sriov") or {}
            for k, v in f["sriov"].items():
                got = int(s[k], 16) if isinstance(s.get(k), str) else s.get(k)
                if got != v:
                    errors.append(f"{f['bdf']}: SR-IOV {k} {got}, lspci says {v}")
        elif d.get("sriov"):
            errors.append(f"{f['bdf']}: atslab decodes SR-IOV, lspci finds none")
    # The header comment describes the dump's (first) device, when it lists its capabilities (the
    # dumps in ../shared/data/lspci do; a file as published names only its source).
    if funcs and hdr["listed"] and funcs[0]["bdf"] in finds:
        first = by_source.get(funcs[0]["bdf"]) or {}
        got_ats = int(first["ats_cap_offset"], 16) if first.get("ats_cap_offset") else None
        if hdr["ats"] is not None and got_ats != hdr["ats"]:
            errors.append(f"header says ATS@{hdr['ats']:#x}, atslab has {got_ats}")
        if hdr["no_ats"] and got_ats is not None:
            errors.append(f"header says no ATS, atslab has ATS at {got_ats:#x}")
        if hdr["sriov"] != bool(first.get("sriov")):
            errors.append(f"header {'names' if hdr['sriov'] else 'does not name'} SR-IOV, atslab {'decodes' if first.get('sriov') else 'does not'}")
    for e in errors:
        print(f"{dump}: {e}")
    if not errors:
        print(f"{dump}: {len(funcs)} function(s) agree with lspci -vvv and the header"
              f" ({len(funcs) - len(finds)} left out, as Linux's scan would)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
