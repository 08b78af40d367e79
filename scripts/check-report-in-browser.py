#!/usr/bin/env python3
"""The report's picture of the bug, as a user's browser shows it (issue 17).

Writes `atslab report` for the given scenarios, loads the page in headless Chromium and checks:
  - the page's script ran to its end with no uncaught error (the page's own trap counts them);
  - every run that broke something has its picture, with the hardware and driver lanes, the
    shaded divergence, the WARN and violation marks, and every step named under its column;
  - the screenshot shows the picture: the green of a lane's "on" cells and the shading's pink.
The screenshot is kept (OUTDIR/report.png) for a person to look at.

usage: check-report-in-browser.py CHROMIUM ATSLAB OUTDIR SCENARIO...
"""
import os
import re
import struct
import subprocess
import sys
import zlib


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def chromium(browser, *args):
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
           "--hide-scrollbars", "--no-first-run", "--mute-audio", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit RGB or RGBA PNG, as Chromium writes them."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, color = struct.unpack(">IIBB", body[:10])
            if depth != 8 or color not in (2, 6):
                fail(f"{path}: PNG depth {depth} colour type {color}, not 8-bit RGB(A)")
            bpp = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev = [], bytearray(stride)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows


def main():
    if len(sys.argv) < 5:
        print(__doc__)
        sys.exit(2)
    browser, atslab, outdir, scenarios = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    os.makedirs(outdir, exist_ok=True)
    page = os.path.join(outdir, "report.html")
    r = subprocess.run([atslab, "report", *scenarios, "-o", page], capture_output=True, text=True)
    if r.returncode != 0:
        fail(f"atslab report exited {r.returncode}: {r.stderr.strip()}")
    html = open(page, encoding="utf-8").read()
    pictures = len(re.findall(r'<svg id="pic\d+" class="bugpic"', html))
    if pictures == 0:
        fail("the report has no picture: the scenarios should break something under some variant")
    if re.search(r'\b(src|href)="(https?:)?//', html):
        fail("the page loads something from the network; it must be self-contained")

    url = "file://" + os.path.abspath(page)
    dom = chromium(browser, "--dump-dom", url)
    if dom.returncode != 0 or "<html" not in dom.stdout:
        fail(f"chromium --dump-dom exited {dom.returncode}: {dom.stderr.strip()[-400:]}")
    root = re.search(r"<html[^>]*>", dom.stdout).group(0)
    errors = re.search(r'data-script-errors="(\d+)"', root)
    wired = re.search(r'data-atslab-pictures="(\d+)"', root)
    if not errors:
        fail(f"the error trap did not run: {root}")
    if errors.group(1) != "0":
        fail(f"{errors.group(1)} uncaught script error(s) in the page")
    if not wired or int(wired.group(1)) != pictures:
        fail(f"the page's script did not wire the {pictures} picture(s): {root}")
    # What the browser holds once the script ran: the lanes and the marks of each picture.
    d = dom.stdout
    checks = {
        "hardware lanes (ATS Enable)": d.count('class="lane-name hardware"'),
        "driver lanes": d.count('class="lane-name driver"'),
        "shaded divergence": d.count('class="divergence"'),
        "WARN marks": d.count('class="mark warn"'),
        "violation marks": d.count('class="mark viol"'),
        "step names": d.count('class="step-name'),
        "audit tables": d.count('<table class="audit">'),
    }
    for what, n in checks.items():
        if n == 0:
            fail(f"no {what} in the rendered page")
    print("rendered: " + ", ".join(f"{n} {what}" for what, n in checks.items()))

    shot = os.path.join(outdir, "report.png")
    if os.path.exists(shot):
        os.remove(shot)
    s = chromium(browser, f"--screenshot={shot}", "--window-size=1600,4000", url)
    if not os.path.exists(shot):
        fail(f"no screenshot: chromium exited {s.returncode}: {s.stderr.strip()[-400:]}")
    w, h, bpp, rows = png_pixels(shot)
    green = pink = 0
    for row in rows:
        for x in range(0, w * bpp, bpp):
            rgb = (row[x], row[x + 1], row[x + 2])
            # An "on" cell's green (#7c7), alone or under the shading (#f33 at 0.22 over it).
            if any(all(abs(rgb[k] - c[k]) < 12 for k in range(3)) for c in ((0x77, 0xcc, 0x77), (149, 170, 104))):
                green += 1
            elif rgb[0] > 240 and 170 < rgb[1] < 225 and 170 < rgb[2] < 225:
                pink += 1
    print(f"screenshot {shot}: {w}x{h}, {green} pixels of 'on' cells, {pink} of shading")
    if green < 200 or pink < 200:
        fail("the screenshot does not show the picture's cells and shading")
    print("ok")


if __name__ == "__main__":
    main()
