#!/bin/bash
# Compression per mode (issue #18): builds initpack's generic and hostonly
# images at each zstd level with initpack's own (multi-threaded) encoder and
# prints, per image and level, the size, the "write initrd" pass (wall, from
# --timings) and the whole build's CPU seconds (/usr/bin/time). The CPU the
# compression costs is the build's CPU minus that of the --compression none
# build, which is measured first. Then, for the long-distance-matching
# question, the zstd CLI (same libzstd, -T2) compresses the uncompressed
# image with and without --long=27 at a few levels.
#
# It reuses a bench/run.sh work directory (its warm cache and the recording
# of the test VM's sysfs), so run that first, with initpack-hostonly in
# BENCH_ONLY:
#
#   sudo bench/levels.sh [WORK]      # WORK defaults to build/bench
#
# Settings (environment): LEVELS="3 6 9 12 15 19", LONG_LEVELS="3 19"
# (empty: skip the --long comparison).
# Run nothing else meanwhile: the times are wall clock on a shared machine.
set -euo pipefail
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
W=${1:-$SRC/build/bench}
INITPACK=${INITPACK:-$SRC/build/initpack}
LEVELS=${LEVELS:-3 6 9 12 15 19}
LONG_LEVELS=${LONG_LEVELS-3 19} # empty: no --long comparison
[ -d "$W/cache" ] || { echo "$W/cache: no bench cache; run bench/run.sh first" >&2; exit 2; }
[ -s "$W/rec/proc/self/mountinfo" ] || { echo "$W/rec: no sysfs recording; run bench/run.sh with initpack-hostonly" >&2; exit 2; }
OUT=$W/levels
mkdir -p "$OUT"

mode_args() {
  case $1 in
  generic) MODE_ARGS=() ;;
  hostonly) MODE_ARGS=(--hostonly --sysfs-root "$W/rec/sys" --proc-root "$W/rec/proc") ;;
  esac
}

# build MODE LEVEL: one build; prints "size write_wall cpu" (cpu = user+sys).
build() {
  local mode=$1 level=$2 img=$OUT/$1-$2.img log=$OUT/$1-$2.log comp
  mode_args "$mode"
  if [ "$level" = none ]; then comp=(--compression none); else comp=(--compression zstd --compression-level "$level"); fi
  /usr/bin/time -f "%e %U %S" -o "$OUT/time" "$INITPACK" build --timings --cache-dir "$W/cache" \
    --kernel-package linux-image-amd64 -o "$img" "${MODE_ARGS[@]}" "${comp[@]}" >"$log" 2>&1 ||
    { cat "$log" >&2; exit 1; }
  local write cpu
  write=$(awk '/ write initrd$/ { sub(/s$/, "", $1); print $1; exit }' "$log")
  cpu=$(awk '{ printf "%.2f", $2 + $3 }' "$OUT/time")
  echo "$(stat -c %s "$img") ${write:-?} $cpu"
}

# cli MODE LEVEL [--long=27]: the zstd CLI on MODE's uncompressed image;
# prints "size wall".
cli() {
  local in=$OUT/$1-none.img out=$OUT/$1-cli.zst
  /usr/bin/time -f %e -o "$OUT/time" zstd -q -f -T2 -"$2" "${@:3}" -o "$out" "$in"
  echo "$(stat -c %s "$out") $(cat "$OUT/time")"
}

echo "| image | level | size (bytes) | size (MB) | vs first level | write initrd wall (s) | compression CPU (s) |"
echo "|---|---|---|---|---|---|---|"
for mode in generic hostonly; do
  build "$mode" none >/dev/null # warms the page cache
  read -r none_size none_write none_cpu <<<"$(build "$mode" none)"
  echo "| $mode | none | $none_size | $(awk "BEGIN { printf \"%.1f\", $none_size / 1e6 }") | | $none_write | 0 |"
  base=
  for level in $LEVELS; do
    read -r size write cpu <<<"$(build "$mode" "$level")"
    [ -n "$base" ] || base=$size
    awk -v m="$mode" -v l="$level" -v s="$size" -v b="$base" -v w="$write" -v c="$cpu" -v n="$none_cpu" \
      'BEGIN { printf "| %s | %s | %d | %.1f | %.3f | %s | %.1f |\n", m, l, s, s / 1e6, s / b, w, c - n }'
  done
done

echo
echo "zstd CLI (-T2) on the uncompressed image, without and with --long=27:"
echo
echo "| image | level | size | size --long=27 | gain | wall | wall --long |"
echo "|---|---|---|---|---|---|---|"
for mode in generic hostonly; do
  for level in $LONG_LEVELS; do
    read -r sa ta <<<"$(cli "$mode" "$level")"
    read -r sb tb <<<"$(cli "$mode" "$level" --long=27)"
    awk -v m="$mode" -v l="$level" -v sa="$sa" -v sb="$sb" -v ta="$ta" -v tb="$tb" \
      'BEGIN { printf "| %s | %s | %d | %d | %.1f%% | %s | %s |\n", m, l, sa, sb, 100 * (sa - sb) / sa, ta, tb }'
  done
done
