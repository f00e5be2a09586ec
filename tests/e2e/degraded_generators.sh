#!/bin/bash
# The degraded-root generators of the lvm and btrfs profiles, run on the
# host with bash against command lines in $SYSTEMD_PROC_CMDLINE: the wait
# they write into the timers for rd.lvm.degraded-timeout= and
# rd.btrfs.degraded-timeout= (default, a value, 0, nonsense). The boot
# tests (tests/boot/storage_*degraded*.sh) prove the units work.
source "$(dirname "$0")/../lib/common.sh"
P=$INITPACK_SOURCE_DIR/profiles
GEN=usr/lib/systemd/system-generators
GEN_N=0

# gen PROFILE CMDLINE: runs the profile's generator into a fresh $OUT.
gen() {
  OUT=$T/out.$((++GEN_N))
  mkdir -p "$OUT"
  SYSTEMD_PROC_CMDLINE=$2 bash "$P/$1/tree/$GEN/initpack-$1-degraded-generator" \
    "$OUT" >"$T/gen.out" 2>"$T/err"
}

for fs in lvm btrfs; do
  timer=initpack-$fs-degraded@.timer
  gen $fs "root=/dev/x rw"
  expect_line "$OUT/$timer" "OnActiveSec=30"
  expect_line "$OUT/$timer" "DefaultDependencies=no"
  [ ! -s "$T/err" ] || fail "$fs: a warning for no setting: $(<"$T/err")"
  gen $fs "quiet rd.$fs.degraded-timeout=7 rw"
  expect_line "$OUT/$timer" "OnActiveSec=7"
  # Each profile reads its own setting only.
  other=lvm && [ $fs = lvm ] && other=btrfs
  gen $fs "rd.$other.degraded-timeout=7"
  expect_line "$OUT/$timer" "OnActiveSec=30"
  gen $fs "rd.$fs.degraded-timeout=0"
  [ -z "$(ls -A "$OUT")" ] || fail "$fs: rd.$fs.degraded-timeout=0 still wrote $(ls "$OUT")"
  gen $fs "rd.$fs.degraded-timeout=5s"
  expect_line "$OUT/$timer" "OnActiveSec=30"
  expect_in "$T/err" "rd.$fs.degraded-timeout=5s: expected a number of seconds; using 30"
done
