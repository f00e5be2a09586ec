#!/usr/bin/env bash
# The two-stage EROFS boot against cpio initrds of the same content
# (issue #7): for each variant, the guest's uptime when the real root's
# init runs and the memory in use inside the initrd just before the switch
# to the root, under one qemu (TCG, -icount: guest times independent of
# host load, so one run per variant suffices). "initrd used" is MemTotal -
# MemAvailable then (the rootfs is a ramfs when root= is given, so its
# files count as used; the EROFS image's page cache is reclaimable and does
# not); "initrd buffer" is the memory the kernel held the initrd in until
# it was unpacked ("Freeing initrd memory"), on top of that while unpacking.
#
#   a  cpio, zstd (the default)      c  two-stage, EROFS uncompressed, own disk
#   b  cpio, uncompressed            d  two-stage, EROFS LZ4HC, own disk
#                                    e  two-stage, EROFS uncompressed, inside
#                                       the stage-1 initrd
#
# Usage: bench/erofs_boot.sh [BUILD_DIR]  (default: build). Prints a
# Markdown table. Every variant gets the same disks: vda the test root,
# vdb the variant's stage-2 image (the cpio variants ignore it).
# BENCH_LOCK=FILE runs each boot under `flock FILE` (machines shared with
# other qemu users). Uses the test suite's Debian fixture and warm cache.
INITPACK_BUILD_DIR=$(cd "${1:-build}" && pwd)
export INITPACK_BUILD_DIR
source "$(dirname "$0")/../tests/lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/erofs.sh"
need qemu-system-x86_64
debian_fixture >&2

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
  build_test_initrd "$T/$name.img" --extra-tree "$MEMINFO_TREE:/" "$@" >&2
}
variant a --compression zstd
variant b --compression none
variant c --format erofs --stage1 --compression none --stage2-output "$T/c.erofs"
variant d --format erofs --stage1 --compression lz4 --compression-level 9 \
  --stage2-output "$T/d.erofs"
variant e --format erofs --stage1 --compression none --stage2-location initrd
for v in c d; do
  check_stage2_image "$T/$v.erofs" "$(cat "$T/$v.erofs.roothash")"
done

# field LOG WHERE KEY: KEY's kB from the INITPACK-BENCH-MEM WHERE line.
field() {
  sed -n "s/.*INITPACK-BENCH-MEM $2 .*$3=\([0-9]*\).*/\1/p" "$1" | head -n 1
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

echo "| variant | initrd | stage-2 image | root reached (guest s) | initrd used MiB | initrd buffer MiB |"
echo "|---|---|---|---|---|---|"
for v in a b c d e; do
  disk=$T/c.erofs
  [ -f "$T/$v.erofs" ] && disk=$T/$v.erofs
  lock=()
  [ -n "${BENCH_LOCK:-}" ] && lock=(flock "$BENCH_LOCK")
  "${lock[@]}" "$INITPACK" qemu --icount --log "$T/$v.log" \
    --kernel "$T/vmlinuz" --initrd "$T/$v.img" \
    --drive "$T/root.img,snapshot" --drive "$disk,format=raw,snapshot" \
    --append "root=UUID=$uuid rw" --timeout 600 >"$T/$v.out" 2>&1 ||
    fail "variant $v did not boot: $(tail -n 5 "$T/$v.out")"
  up=$(sed -n 's/.*INITPACK-ROOT-REACHED uptime=\([0-9.]*\).*/\1/p' "$T/$v.log" | head -n 1)
  total=$(field "$T/$v.log" initrd MemTotal)
  avail=$(field "$T/$v.log" initrd MemAvailable)
  buffer=$(sed -n 's/.*Freeing initrd memory: \([0-9]*\)K.*/\1/p' "$T/$v.log" | head -n 1)
  [ -n "$up" ] && [ -n "$avail" ] || fail "variant $v: no timing or memory line in $T/$v.log"
  image=-
  [ -f "$T/$v.erofs" ] && image="$(($(stat -c %s "$T/$v.erofs") / 1024)) KiB"
  printf '| %s %s | %s KiB | %s | %s | %s | %s |\n' "$v" "$(describe $v)" \
    "$(($(stat -c %s "$T/$v.img") / 1024))" "$image" "$up" \
    "$(((total - avail) / 1024))" "$((${buffer:-0} / 1024))"
done
