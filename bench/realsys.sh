#!/bin/bash
# One real Debian system, three initrds: initpack's generic image, dracut's
# and initramfs-tools', each booted to multi-user.target with qemu's
# `-icount shift=0,sleep=on` (issues #14, #18 and #20): instructions are
# counted, and idle time follows the host clock. sleep=off (`initpack qemu
# --icount`) would warp the guest clock to the next timer each time the
# vCPU idles waiting for a disk read (see bench/erofs_boot.sh): a real
# system's boot reads its disk throughout. The report gives per image its size and build time, the
# system's state and failed units, systemd-analyze's kernel + initrd +
# userspace split, the initrd phase's span, and the warnings the initrd
# phase left in the journal. Not a test, and not in CI: three full-system
# boots (~1.5 min each under TCG) and the peers' builds would cost the
# suite ~7 min; tests/boot/realsys_generic.sh and realsys_lvm_luks_raid.sh
# assert initpack's side on every run.
#
# The real system is tests/lib/realsys.sh's (mmdebstrap, bookworm, root by
# LABEL, `ro`). The peers are built as a user of that system would, in
# copies of its chroot with the archive's kernel modules under
# /usr/lib/modules/KVER: `apt-get install dracut` (which replaces
# initramfs-tools), then `dracut --no-hostonly --zstd`; and the system's
# own initramfs-tools, `update-initramfs -c` (MODULES=most, its default).
# All images boot the same disk with the same kernel (the fixture's,
# tests/lib/debian.sh). Written to stdout and to
# bench/results/<date>-realsys.md.
#
#   sudo bench/realsys.sh             # ~10 min with warm caches
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

# initramfs-tools, as the system has it.
I=$T/itools-root
realsys_root "$I"
ITOOLS_VERSION=$(in_root "$I" dpkg-query -W -f='${Version}' initramfs-tools)
mkdir -p "$I/usr/lib/modules"
cp -a "$KERNEL_ROOT/usr/lib/modules/$KERNEL_VERSION" "$I/usr/lib/modules/"
cp -a "$KERNEL_ROOT/boot/." "$I/boot/"
start=$SECONDS
in_root "$I" update-initramfs -c -k "$KERNEL_VERSION" >"$T/itools.log" 2>&1 ||
  { tail -n 20 "$T/itools.log" >&2; fail "update-initramfs failed"; }
ITOOLS_SECONDS=$((SECONDS - start))
cp "$I/boot/initrd.img-$KERNEL_VERSION" "$T/itools.img"
rm -rf "$I"

# initpack's generic image, timed as the hook's build would be (warm
# package cache, as after the first kernel).
start=$SECONDS
"$INITPACK" build --cache-dir "$INITPACK_TEST_CACHE" --kernel-package "$TEST_KERNEL_PACKAGE" \
  -o "$T/initpack.img" >"$T/initpack.log" 2>&1 ||
  { tail -n 20 "$T/initpack.log" >&2; fail "initpack build failed"; }
INITPACK_SECONDS=$((SECONDS - start))

# boot_report N NAME INITRD: one boot of the system; the report's lines
# in $T/N.md.
boot_report() {
  local n=$1 name=$2 initrd=$3 start=$SECONDS
  realsys_boot "$DEBIAN_VMLINUZ" "$initrd" "root=LABEL=realroot ro" --drive "$T/root.img,snapshot" \
    --extra=-icount --extra=shift=0,sleep=on
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
boot_report 1 "initpack generic ($(stat -c %s "$T/initpack.img") bytes, built in $INITPACK_SECONDS s)" "$T/initpack.img"
boot_report 2 "dracut $DRACUT_VERSION --no-hostonly --zstd ($(stat -c %s "$T/dracut.img") bytes, built in $DRACUT_SECONDS s)" "$T/dracut.img"
boot_report 3 "initramfs-tools $ITOOLS_VERSION, update-initramfs -c ($(stat -c %s "$T/itools.img") bytes, built in $ITOOLS_SECONDS s)" "$T/itools.img"

mkdir -p "$BENCH_RESULTS"
result=$BENCH_RESULTS/$(date -u +%Y-%m-%d)-realsys.md
{
  echo "# The real system booted by initpack's, dracut's and initramfs-tools' initrds"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), initpack" \
    "$(git -C "$INITPACK_SOURCE_DIR" describe --always --dirty 2>/dev/null || echo unknown)," \
    "kernel $KERNEL_VERSION, real system $REALSYS_RELEASE (tests/lib/realsys.sh), root=LABEL=realroot ro." \
    "Boots under qemu's \`-icount shift=0,sleep=on\`." \
    "The initrd phase: PID 1's \"Running in initrd.\" to its \"Switching root.\" (monotonic clock);" \
    "initramfs-tools' initrd runs no systemd, so systemd-analyze counts it in the kernel's time."
  echo
  cat "$T/1.md" "$T/2.md" "$T/3.md"
} >"$result.tmp"
mv "$result.tmp" "$result"
cat "$result"
echo "(written to $result)" >&2
