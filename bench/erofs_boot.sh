#!/usr/bin/env bash
# The two-stage EROFS boot against cpio initrds of the same content
# (issue #7): for each variant, the guest's uptime when the real root's
# init runs and the memory in use inside the initrd just before the switch
# to the root, all under one qemu (TCG, 1 vCPU, 1 GiB) and one clock mode.
# "initrd used" is MemTotal - MemAvailable then (the rootfs is a ramfs when
# root= is given, so its files count as used; the EROFS image's page cache
# is reclaimable and does not); "initrd buffer" is the memory the kernel
# held the initrd in until it was unpacked ("Freeing initrd memory"), on
# top of that while unpacking.
#
#   a  cpio, zstd (the default)      c  two-stage, EROFS uncompressed, own disk
#   b  cpio, uncompressed            d  two-stage, EROFS LZ4HC, own disk
#                                    e  two-stage, EROFS uncompressed, inside
#                                       the stage-1 initrd
#
# The clock (BENCH_CLOCK): "real" (the default) lets the guest clock follow
# the host's, so host load inflates every figure: each variant boots
# BENCH_RUNS times (default 3), the variants interleaved so load drift
# hits all of them alike, and the table gives the median and range.
# "icount" (-icount shift=0,sleep=off) counts instructions instead, which
# is load-independent for the cpio variants but not honest for the ones
# that read a disk: with sleep=off an idle vCPU waiting for a host read
# warps the guest clock to its next timer deadline, again and again until
# the read completes, so every blocking disk read costs guest time that
# no instruction spent (variant e, whose image is in guest memory, does
# not suffer it). "icount-sleep" (sleep=on) lets idle time follow the
# host clock. The "systemd after stage 1" column is the gap between stage
# 1's handover and systemd's first console line (two-stage variants).
#
# Usage: bench/erofs_boot.sh [BUILD_DIR]  (default: build). Prints a
# Markdown table and the ratios the issue asks for. Every variant gets the
# same disks: vda the test root, vdb the variant's stage-2 image (the cpio
# variants ignore it). BENCH_LOCK=FILE runs each boot under `flock FILE`
# (machines shared with other qemu users). BENCH_VARIANTS="c e" limits the
# set. Uses the test suite's Debian fixture and warm cache.
INITPACK_BUILD_DIR=$(cd "${1:-build}" && pwd)
export INITPACK_BUILD_DIR
source "$(dirname "$0")/../tests/lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/erofs.sh"
need qemu-system-x86_64
debian_fixture >&2

CLOCK=${BENCH_CLOCK:-real}
RUNS=${BENCH_RUNS:-3}
VARIANTS=${BENCH_VARIANTS:-a b c d e}
case $CLOCK in
real) clock_args=() ;;
icount) clock_args=(--icount) ;;
icount-sleep) clock_args=(--extra=-icount --extra=shift=0,sleep=on) ;;
*) fail "BENCH_CLOCK=$CLOCK: use real, icount or icount-sleep" ;;
esac

MEMINFO_TREE="$INITPACK_SOURCE_DIR/bench/erofs-meminfo"
make_test_root "$T/root"
cp "$MEMINFO_TREE/usr/lib/initpack-bench/meminfo" "$T/root/bin/initpack-meminfo"
sed -i '1s|.*|#!/bin/sh|' "$T/root/bin/initpack-meminfo" # busybox has no bash
echo '/bin/sh /bin/initpack-meminfo root' >"$T/root/etc/initpack-test.d/50-meminfo.sh"
uuid=$(make_root_image "$T/root.img")

# variant NAME [build args…]: builds $T/NAME.img (+ $T/NAME.erofs).
variant() {
  local name=$1
  shift
  # c's image is also the cpio variants' second disk.
  [[ " $VARIANTS c " == *" $name "* ]] || return 0
  build_test_initrd "$T/$name.img" --extra-tree "$MEMINFO_TREE:/" "$@" >&2
}
variant a --compression zstd
variant b --compression none
variant c --format erofs --stage1 --compression none --stage2-output "$T/c.erofs"
variant d --format erofs --stage1 --compression lz4 --compression-level 9 \
  --stage2-output "$T/d.erofs"
variant e --format erofs --stage1 --compression none --stage2-location initrd
for v in c d; do
  [ -f "$T/$v.erofs" ] || continue
  check_stage2_image "$T/$v.erofs" "$(cat "$T/$v.erofs.roothash")"
done

# field LOG WHERE KEY: KEY's kB from the INITPACK-BENCH-MEM WHERE line.
field() {
  sed -n "s/.*INITPACK-BENCH-MEM $2 .*$3=\([0-9]*\).*/\1/p" "$1" | head -n 1
}

# handover_gap LOG: seconds from stage 1's handover to systemd's first
# console line, or "-".
handover_gap() {
  local handed first
  handed=$(sed -n 's/.*initpack-stage1: stage 2 from .*(uptime \([0-9.]*\) s).*/\1/p' "$1" | head -n 1)
  first=$(sed -n 's/^\[ *\([0-9.]*\)\] systemd\[1\]: .*/\1/p' "$1" | head -n 1)
  if [ -n "$handed" ] && [ -n "$first" ]; then
    awk -v a="$handed" -v b="$first" 'BEGIN { printf "%.2f", b - a }'
  else
    echo -
  fi
}

# boot_variant V RUN: one boot; appends "uptime used buffer gap" to $T/V.runs.
boot_variant() {
  local v=$1 run=$2 disk=$T/c.erofs log=$T/$1.$2.log lock=()
  [ -f "$T/$v.erofs" ] && disk=$T/$v.erofs
  [ -n "${BENCH_LOCK:-}" ] && lock=(flock "$BENCH_LOCK")
  "${lock[@]}" "$INITPACK" qemu "${clock_args[@]}" --log "$log" \
    --kernel "$T/vmlinuz" --initrd "$T/$v.img" \
    --drive "$T/root.img,snapshot" --drive "$disk,format=raw,snapshot" \
    --append "root=UUID=$uuid rw" --timeout 600 >"$T/$v.out" 2>&1 ||
    fail "variant $v did not boot: $(tail -n 5 "$T/$v.out")"
  local up total avail buffer
  up=$(sed -n 's/.*INITPACK-ROOT-REACHED uptime=\([0-9.]*\).*/\1/p' "$log" | head -n 1)
  total=$(field "$log" initrd MemTotal)
  avail=$(field "$log" initrd MemAvailable)
  buffer=$(sed -n 's/.*Freeing initrd memory: \([0-9]*\)K.*/\1/p' "$log" | head -n 1)
  [ -n "$up" ] && [ -n "$avail" ] || fail "variant $v: no timing or memory line in $log"
  echo "$up $(((total - avail) / 1024)) $((${buffer:-0} / 1024)) $(handover_gap "$log")" >>"$T/$v.runs"
  echo "bench: $v run $run: root at $up s" >&2
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for run in $(seq "$RUNS"); do
  for v in $VARIANTS; do
    boot_variant "$v" "$run"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# median FILE COLUMN: the median of a column (the lower middle if even).
median() {
  awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
range() {
  awk -v c="$2" '{ print $c }' "$1" | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "–" hi }'
}

describe() {
  case $1 in
  a) echo "cpio + zstd" ;;
  b) echo "cpio, uncompressed" ;;
  c) echo "two-stage EROFS, uncompressed" ;;
  d) echo "two-stage EROFS, LZ4HC" ;;
  e) echo "two-stage EROFS in the initrd" ;;
  esac
}

echo "clock: $CLOCK; $RUNS boots per variant, interleaved; host load $load_before before, $load_after after"
echo
echo "| variant | initrd | stage-2 image | root reached (guest s, median, range) | systemd after stage 1 (s) | initrd used MiB | initrd buffer MiB |"
echo "|---|---|---|---|---|---|---|"
for v in $VARIANTS; do
  image=-
  [ -f "$T/$v.erofs" ] && image="$(($(stat -c %s "$T/$v.erofs") / 1024)) KiB"
  printf '| %s %s | %s KiB | %s | %s (%s) | %s | %s | %s |\n' "$v" "$(describe "$v")" \
    "$(($(stat -c %s "$T/$v.img") / 1024))" "$image" \
    "$(median "$T/$v.runs" 1)" "$(range "$T/$v.runs" 1)" "$(median "$T/$v.runs" 4)" \
    "$(median "$T/$v.runs" 2)" "$(median "$T/$v.runs" 3)"
done

# The issue's ratios: each two-stage variant against each cpio variant.
echo
for s in c d e; do
  for c in a b; do
    [ -f "$T/$s.runs" ] && [ -f "$T/$c.runs" ] || continue
    awk -v s="$s" -v c="$c" -v ts="$(median "$T/$s.runs" 1)" -v tc="$(median "$T/$c.runs" 1)" \
      -v ms="$(median "$T/$s.runs" 2)" -v mc="$(median "$T/$c.runs" 2)" \
      'BEGIN { printf "- %s vs %s: time to root %.2f×, initrd memory %.2f×\n", s, c, ts / tc, ms / mc }'
  done
done
