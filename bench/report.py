#!/usr/bin/env python3
"""Turns the measurements of bench/run.sh into its markdown report.

Usage: report.py WORK INITPACK. Reads WORK/builds.tsv, WORK/boots.tsv, WORK/meta.tsv and
WORK/profile-<id>.txt (initpack --timings under /usr/bin/time -v) and
prints the table, what each image holds (read back with `initpack
inspect --json`, which reads any initrd the kernel accepts), the targets of issues #3 and #18 (met or missed: a benchmark
never fails on them) and where initpack's warm build spends its time.
"""

import collections
import json
import re
import statistics
import subprocess
import sys
from pathlib import Path

GENERATORS = {
    "initpack-generic": "initpack generic, warm cache (zstd 3)",
    "initpack-hostonly": "initpack hostonly, recorded test VM (zstd 18)",
    "dracut-generic": "dracut --no-hostonly --zstd (zstd 15)",
    "dracut-hostonly": "dracut --hostonly --zstd (zstd 15)",
    "mkinitramfs-most": "mkinitramfs MODULES=most (zstd 9)",
    "mkinitramfs-dep": "mkinitramfs MODULES=dep (zstd 9)",
}
# dracut's and initramfs-tools' host modes can only describe the machine
# they run on: this build host, not the test VM.
DESCRIBES_BUILD_HOST = {"dracut-hostonly", "mkinitramfs-dep"}
BASELINE = "dracut-generic"
# A line of `initpack --timings`: "   0.809s      depmod".
TIMING_LINE = re.compile(r"^ *[0-9]+\.[0-9]+s  ")


def read_tsv(path, fields):
    rows = []
    if not path.exists():
        return rows
    for line in path.read_text().splitlines():
        values = line.split("\t")
        rows.append(dict(zip(fields, values + [""] * (len(fields) - len(values)))))
    return rows


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


class Generator:
    """The medians of one generator's builds and boots."""

    def __init__(self, gid, builds, boots):
        self.id = gid
        ok = [b for b in builds if b["rc"] == "0"]
        self.runs, self.failed = len(builds), len(builds) - len(ok)
        self.wall = median(number(b["wall"]) for b in ok)
        self.cpu = median(number(b["user"]) + number(b["sys"]) for b in ok)
        self.rss_mb = median(number(b["rss_kb"]) / 1024 for b in ok)
        self.size = median(number(b["size"]) for b in ok)
        self.distinct = len({b["sha256"] for b in ok})
        reached = [b for b in boots if b["verdict"] == "root"]
        self.uptime = median(number(b["uptime"]) for b in reached)
        self.uptime_range = spread(number(b["uptime"]) for b in reached)
        self.host_s = median(number(b["host_s"]) for b in reached)
        self.boot_failures = [b for b in boots if b["verdict"] != "root"]
        self.boots = len(boots)

    def reproducible(self):
        ok = self.runs - self.failed
        if ok < 2:
            return "n/a (1 run)" if ok else "-"
        return f"yes ({ok} identical)" if self.distinct == 1 else f"no ({self.distinct} differ)"

    def boot_text(self):
        if self.uptime is not None:
            return f"{self.uptime:.2f} s{self.uptime_range}", f"{self.host_s:.0f} s"
        if not self.boots:
            return "not booted", "-"
        why = self.boot_failures[0]["verdict"]
        if self.id in DESCRIBES_BUILD_HOST:
            return f"does not boot ({why}): describes the build host", "-"
        return f"does not boot ({why})", "-"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values):
    """ " (min–max)" of two or more values, else nothing."""
    values = [v for v in values if v is not None]
    return f" ({min(values):.2f}–{max(values):.2f})" if len(values) > 1 else ""


def fmt(value, pattern, missing="-"):
    return missing if value is None else pattern.format(value)


def ratio(mine, base, invert=False):
    if mine is None or base is None or mine == 0 or base == 0:
        return "-"
    return f"{base / mine:.1f}×" if invert else f"{mine / base:.2f}"


def table(gens, base):
    out = [
        "| generator | build (median) | CPU s | peak RSS | size | same bytes each run "
        "| guest uptime at root (icount; median, range) | host s to root "
        "| build speed-up vs dracut | size vs dracut | uptime vs dracut |",
        "|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for g in gens:
        uptime, host = g.boot_text()
        failed = f" ({g.failed} of {g.runs} failed)" if g.failed else ""
        out.append(
            f"| {GENERATORS[g.id]} | {fmt(g.wall, '{:.2f} s', 'failed')}{failed} "
            f"| {fmt(g.cpu, '{:.2f}')} | {fmt(g.rss_mb, '{:.0f} MB')} "
            f"| {fmt(g.size and g.size / 1e6, '{:.1f} MB')} | {g.reproducible()} "
            f"| {uptime} | {host} "
            f"| {ratio(g.wall, base and base.wall, invert=True)} "
            f"| {ratio(g.size, base and base.size)} | {ratio(g.uptime, base and base.uptime)} |"
        )
    return out


def target(name, ok, detail):
    verdict = "not measured" if ok is None else ("MET" if ok else "MISSED")
    return f"- {verdict}: {name} — {detail}"


def targets(by_id):
    def get(gid, attr):
        g = by_id.get(gid)
        return getattr(g, attr) if g else None

    lines = []
    ig, dg = get("initpack-generic", "wall"), get(BASELINE, "wall")
    cpu_ig, cpu_dg = get("initpack-generic", "cpu"), get(BASELINE, "cpu")
    speed = dg / ig if ig and dg else None
    cpu_speed = f", {cpu_dg / cpu_ig:.1f}× in CPU seconds" if cpu_ig and cpu_dg else ""
    lines.append(target("warm generic build at least 15× faster than dracut's generic",
                        None if speed is None else speed >= 15,
                        f"{speed:.1f}× in wall time{cpu_speed}" if speed else "missing a build"))
    for mine, theirs, what in [("initpack-generic", BASELINE, "generic"),
                               ("initpack-hostonly", "dracut-hostonly", "hostonly")]:
        a, b = get(mine, "size"), get(theirs, "size")
        lines.append(target(f"{what} image no larger than dracut's {what}",
                            None if a is None or b is None else a <= b,
                            f"{a / 1e6:.1f} MB vs {b / 1e6:.1f} MB" if a and b else "missing a build"))
    a, b = get("initpack-generic", "uptime"), get(BASELINE, "uptime")
    lines.append(target("time to the root no worse than dracut's (generic images, guest uptime)",
                        None if a is None or b is None else a <= b,
                        f"{a:.2f} s vs {b:.2f} s" if a and b else "missing a boot"))
    return lines


def targets_18(by_id):
    """The goals of issue #18 that this run measures (the real system's
    startup, EROFS and xz have their own scripts: realsys.sh, erofs_boot.sh,
    levels.sh)."""
    def get(gid, attr):
        g = by_id.get(gid)
        return getattr(g, attr) if g else None

    lines = []
    ig, dg = get("initpack-generic", "wall"), get(BASELINE, "wall")
    speed = dg / ig if ig and dg else None
    lines.append(target("warm generic build at least 50× faster than dracut's generic",
                        None if speed is None else speed >= 50,
                        f"{speed:.1f}× ({ig:.2f} s vs {dg:.2f} s)" if speed else "missing a build"))
    a, b = get("initpack-generic", "size"), get(BASELINE, "size")
    lines.append(target("generic image at most 0.7× dracut's generic",
                        None if a is None or b is None else a <= 0.7 * b,
                        f"{a / b:.2f}× ({a / 1e6:.1f} MB vs {b / 1e6:.1f} MB)" if a and b else "missing a build"))
    a, b = get("initpack-hostonly", "size"), get("dracut-hostonly", "size")
    lines.append(target("hostonly image no larger than dracut's hostonly",
                        None if a is None or b is None else a <= b,
                        f"{a / 1e6:.1f} MB vs {b / 1e6:.1f} MB" if a and b else "missing a build"))
    a, b = get("initpack-generic", "uptime"), get("mkinitramfs-most", "uptime")
    lines.append(target("time to the root no later than initramfs-tools MODULES=most's (generic, guest uptime)",
                        None if a is None or b is None else a <= b,
                        f"{a:.2f} s vs {b:.2f} s" if a and b else "missing a boot"))
    return lines


# What an image's bytes are, by path (merged /usr folded: "usr/lib/x" and
# "lib/x" are one place).
CONTENT_KINDS = ["kernel modules", "module data", "firmware", "libraries",
                 "executables", "systemd", "udev", "other"]


def content_kind(path):
    path = path.removeprefix("usr/")
    name = path.rsplit("/", 1)[-1]
    if path.startswith("lib/modules/"):
        return "kernel modules" if re.search(r"\.ko(\.[a-z0-9]+)?$", name) else "module data"
    if path.startswith("lib/firmware/"):
        return "firmware"
    if re.search(r"\.so(\.[0-9.]+)?$", name) or path.startswith("lib/x86_64-linux-gnu/"):
        return "libraries"
    if path.startswith(("bin/", "sbin/")):
        return "executables"
    if "systemd" in path:
        return "systemd"
    if "udev" in path:
        return "udev"
    return "other"


def content(initpack, image):
    """Uncompressed bytes per kind of content; a hard link's data once."""
    try:
        listing = subprocess.run([initpack, "inspect", "--json", str(image)],
                                 capture_output=True, check=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        return None, str(e)
    sizes, files = collections.Counter(), 0
    for entry in json.loads(listing)["entries"]:
        if entry["type"] == "file" and "hardlink" not in entry:
            sizes[content_kind(entry["path"])] += entry["size"]
            files += 1
    return sizes, files


def content_table(work, initpack, gens):
    out = ["| generator | files | uncompressed | " + " | ".join(CONTENT_KINDS) + " |",
           "|---|---:|---:|" + "---:|" * len(CONTENT_KINDS)]
    for g in gens:
        image = work / "img" / g.id / "initrd.img"
        if not image.exists():
            continue
        sizes, files = content(initpack, image)
        if sizes is None:
            out.append(f"| {GENERATORS[g.id]} | cannot read: {files} |")
            continue
        cells = [f"{sizes[k] / 1e6:.1f}" for k in CONTENT_KINDS]
        out.append(f"| {GENERATORS[g.id]} | {files} | {sum(sizes.values()) / 1e6:.1f} MB | "
                   + " | ".join(cells) + " |")
    return out


def profile(work, gid):
    """initpack's --timings table and /usr/bin/time -v's peak RSS."""
    path = work / f"profile-{gid}.txt"
    if not path.exists():
        return []
    timings, rss = [], None
    for line in path.read_text().splitlines():
        if TIMING_LINE.match(line):
            timings.append(line.rstrip())
        elif "Maximum resident set size" in line:
            rss = int(line.split(":")[1]) / 1024
    out = [f"### {GENERATORS[gid]}", ""]
    if rss is not None:
        out.append(f"Peak RSS (`/usr/bin/time -v`): {rss:.0f} MB.")
        out.append("")
    out += ["```", "     time  pass"] + timings + ["```", ""] if timings else ["(no timings)", ""]
    return out


def main():
    work, initpack = Path(sys.argv[1]), sys.argv[2]
    builds = read_tsv(work / "builds.tsv",
                      ["id", "run", "wall", "user", "sys", "rss_kb", "size", "sha256", "rc"])
    boots = read_tsv(work / "boots.tsv", ["id", "run", "verdict", "host_s", "uptime", "detail"])
    meta = read_tsv(work / "meta.tsv", ["key", "value"])
    ids = [gid for gid in GENERATORS if any(b["id"] == gid for b in builds)]
    gens = [Generator(gid, [b for b in builds if b["id"] == gid],
                      [b for b in boots if b["id"] == gid]) for gid in ids]
    by_id = {g.id: g for g in gens}

    out = ["# initpack vs dracut and initramfs-tools", ""]
    out += [f"- {m['key']}: {m['value']}" for m in meta]
    out += ["", "Build times are wall-clock medians on a shared 2-core machine: compare "
            "ratios (and CPU seconds, which other load moves less), not absolute times. "
            "Ratios are to dracut's generic image.", ""]
    out += table(gens, by_id.get(BASELINE))
    out += ["", "## What the images hold (MB, uncompressed, last build)", ""]
    out += content_table(work, initpack, gens)
    out += ["", "## Targets (issue #3)", ""] + targets(by_id)
    out += ["", "## Targets (issue #18)", ""] + targets_18(by_id)
    failures = [b for b in boots if b["verdict"] != "root"]
    if failures:
        out += ["", "## Boots that did not reach the root", ""]
        out += [f"- {b['id']} (boot {b['run']}): {b['detail'] or b['verdict']}" for b in failures]
    out += ["", "## Where initpack's warm build spends its time", ""]
    for gid in ("initpack-generic", "initpack-hostonly"):
        out += profile(work, gid)
    print("\n".join(out).rstrip())


if __name__ == "__main__":
    main()
