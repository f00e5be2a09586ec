#!/bin/bash
# initpack's generic image against dracut's on the same real Debian system
# (issue #20: "dracut's image on the same system gives none either:
# compare"): the warnings each initrd phase leaves in the real system's
# journal. Not a test, and not in CI: two full-system boots (~2.5 min each
# under TCG) and dracut's build (apt-get in the system's chroot, ~1 min)
# would cost the suite ~6 min; tests/boot/realsys_generic.sh and
# realsys_lvm_luks_raid.sh assert initpack's side on every run.
#
# The real system is tests/lib/realsys.sh's (mmdebstrap, bookworm, root by
# LABEL, `ro`). dracut is built as a user of that system would: in a copy
# of its chroot, `apt-get install dracut` (which replaces initramfs-tools),
# the archive's kernel modules under /usr/lib/modules/KVER, then
# `dracut --no-hostonly --zstd`. Both images boot the same disk with the
# same kernel (the fixture's, tests/lib/debian.sh); the report prints per
# image the system's state, failed units, the initrd phase's span and its
# warnings, and systemd-analyze, to stdout and to
# bench/results/<date>-realsys-journal.md.
#
#   sudo bench/realsys-journal.sh     # ~8 min with warm caches
#   BENCH_QEMU_LOCK=FILE              # hold flock(1) on FILE during each boot
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export INITPACK_SOURCE_DIR=${INITPACK_SOURCE_DIR:-$(dirname "$BENCH_DIR")}
source "$INITPACK_SOURCE_DIR/tests/lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/realsys.sh"
: "${BENCH_RESULTS:=$BENCH_DIR/results}"
need qemu-system-x86_64 mkfs.ext4
debian_fixture
[ -z "${BENCH_QEMU_LOCK:-}" ] || BOOT_WRAPPER=(flock "$BENCH_QEMU_LOCK")

R=$T/root
realsys_root "$R"
realsys_disk "$R" "$T/root.img" realroot

# dracut in a copy of the system, with the fixture's kernel.
D=$T/dracut-root
realsys_root "$D"
in_root "$D" apt-get update >"$T/apt.log" 2>&1 &&
  in_root "$D" apt-get install -y --no-install-recommends dracut >>"$T/apt.log" 2>&1 ||
  { tail -n 20 "$T/apt.log" >&2; fail "apt-get install dracut failed in the system's chroot"; }
DRACUT_VERSION=$(in_root "$D" dpkg-query -W -f='${Version}' dracut)
mkdir -p "$D/usr/lib/modules"
cp -a "$KERNEL_ROOT/usr/lib/modules/$KERNEL_VERSION" "$D/usr/lib/modules/"
cp -a "$KERNEL_ROOT/boot/." "$D/boot/"
start=$SECONDS
in_root "$D" dracut --force --no-hostonly --zstd --kver "$KERNEL_VERSION" /root/dracut.img \
  >"$T/dracut.log" 2>&1 || { tail -n 20 "$T/dracut.log" >&2; fail "dracut failed"; }
DRACUT_SECONDS=$((SECONDS - start))
cp "$D/root/dracut.img" "$T/dracut.img"
rm -rf "$D"

# boot_report N NAME INITRD: one boot of the system; the report's lines
# in $T/N.md.
boot_report() {
  local n=$1 name=$2 initrd=$3 start=$SECONDS
  realsys_boot "$DEBIAN_VMLINUZ" "$initrd" "root=LABEL=realroot ro" --drive "$T/root.img,snapshot"
  {
    echo "### $name"
    echo
    echo '```'
    grep -E "REALSYS (state|analyze|initrd-span)" "$BOOT_TEXT" | sed 's/^.*REALSYS /REALSYS /'
    echo "host seconds: $((SECONDS - start))"
    echo "failed units:"
    realsys_section failed
    echo "initrd-phase warnings:"
    (realsys_initrd_warnings) || echo "(the journal showed no initrd phase)"
    echo "all warnings of the boot:"
    realsys_section warnings
    echo '```'
    echo
  } >"$T/$n.md"
}
boot_report 1 "initpack generic ($(basename "$DEBIAN_INITRD"), $(stat -c %s "$DEBIAN_INITRD") bytes)" "$DEBIAN_INITRD"
boot_report 2 "dracut $DRACUT_VERSION --no-hostonly --zstd ($(stat -c %s "$T/dracut.img") bytes, built in $DRACUT_SECONDS s)" "$T/dracut.img"

mkdir -p "$BENCH_RESULTS"
result=$BENCH_RESULTS/$(date -u +%Y-%m-%d)-realsys-journal.md
{
  echo "# Initrd-phase warnings on the real system: initpack against dracut"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), initpack" \
    "$(git -C "$INITPACK_SOURCE_DIR" describe --always --dirty 2>/dev/null || echo unknown)," \
    "kernel $KERNEL_VERSION, real system $REALSYS_RELEASE (tests/lib/realsys.sh), root=LABEL=realroot ro." \
    "The initrd phase: PID 1's \"Running in initrd.\" to its \"Switching root.\" (monotonic clock)."
  echo
  cat "$T/1.md" "$T/2.md"
} >"$result.tmp"
mv "$result.tmp" "$result"
cat "$result"
echo "(written to $result)" >&2
