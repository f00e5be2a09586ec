#!/bin/bash
# The image consistency check's cost (issue #20: it runs on every build "in
# well under a second"): builds the default image and a storage-profile
# image (--profile raid --profile luks --profile lvm) BENCH_RUNS times each,
# interleaved, with `initpack build --json`, and reports the median and
# range of the passes "consistency check" and "prune" (which reuses the
# check's directory lists), beside the whole build, as a markdown table on
# stdout and in bench/results/<date>-check.md. Not a test: no target fails.
#
#   bench/check.sh                         # ~1 min with a warm cache
#   BENCH_RUNS=9 BENCH_CACHE=build/test-cache/initpack bench/check.sh
#
# Settings (environment):
#   BENCH_RUNS=5       builds per image
#   BENCH_CACHE=DIR    initpack's package cache (default build/bench/cache,
#                      shared with bench/run.sh; cold the first time)
#   BENCH_RESULTS=DIR  where the report goes (default bench/results)
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SOURCE_DIR=$(dirname "$BENCH_DIR")
: "${INITPACK:=$SOURCE_DIR/build/initpack}" "${BENCH_RUNS:=5}"
: "${BENCH_CACHE:=$SOURCE_DIR/build/bench/cache}" "${BENCH_RESULTS:=$BENCH_DIR/results}"
[ -x "$INITPACK" ] || { echo "bench/check.sh: no $INITPACK (build initpack first)" >&2; exit 2; }
export INITPACK_PROFILES_DIR="$SOURCE_DIR/profiles"
export INITPACK_SYSTEM_CONFIG_DIRS= # never the host's /etc/initpack
W=$(mktemp -d "${TMPDIR:-/tmp}/initpack-bench-check.XXXXXX")
trap 'rm -rf "$W"' EXIT

declare -A ARGS=([default]="" [raid-luks-lvm]="--profile raid --profile luks --profile lvm")
IMAGES=(default raid-luks-lvm)

build() { # IMAGE RUN
  local out=$W/$1.$2
  # shellcheck disable=SC2086 # ARGS holds separate words
  "$INITPACK" build --cache-dir "$BENCH_CACHE" --kernel-package linux-image-amd64 \
    ${ARGS[$1]} -o "$out.img" --json >"$out.json" 2>"$out.log" ||
    { cat "$out.log" >&2; echo "initpack build ${ARGS[$1]} failed" >&2; exit 1; }
  rm -f "$out.img" "$W/vmlinuz"
}

# A first build fills the cache (not measured).
echo "== filling $BENCH_CACHE" >&2
build default warmup
for run in $(seq "$BENCH_RUNS"); do
  for image in "${IMAGES[@]}"; do
    echo "== $image, run $run of $BENCH_RUNS" >&2
    build "$image" "$run"
  done
done

report() {
  echo "# The consistency check's time, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "initpack $(git -C "$SOURCE_DIR" describe --always --dirty 2>/dev/null || echo unknown)," \
    "$BENCH_RUNS warm builds per image, $(nproc) CPUs, load average" \
    "$(cut -d' ' -f1-3 /proc/loadavg) at the end. Seconds: median (min–max)."
  echo
  python3 - "$W" "$BENCH_RUNS" "${IMAGES[@]}" <<'PY'
import json, statistics, sys
w, runs, images = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
def cell(xs):
    return f"{statistics.median(xs):.3f} ({min(xs):.3f}–{max(xs):.3f})"
print("| image | paths | consistency check | prune | whole build | check / build |")
print("|---|---|---|---|---|---|")
for image in images:
    check, prune, total, paths = [], [], [], 0
    for run in range(1, runs + 1):
        j = json.load(open(f"{w}/{image}.{run}.json"))
        passes = {}
        for t in j["timings"]:
            passes[t["pass"]] = passes.get(t["pass"], 0) + t["seconds"]
        for name in ("consistency check", "prune"):
            if name not in passes:
                sys.exit(f"no pass '{name}' in {image}'s --json timings")
        check.append(passes["consistency check"])
        prune.append(passes["prune"])
        total.append(j["seconds"])
        paths = j["paths"]
    ratio = statistics.median(check) / statistics.median(total)
    print(f"| {image} | {paths} | {cell(check)} | {cell(prune)} | {cell(total)} | {ratio:.1%} |")
PY
}

mkdir -p "$BENCH_RESULTS"
result=$BENCH_RESULTS/$(date -u +%Y-%m-%d)-check.md
report >"$result.tmp"
mv "$result.tmp" "$result"
cat "$result"
echo "(written to $result)" >&2
