# The verdicts other than success: a kernel panic and systemd's emergency
# text are failures (exit 1) reported as soon as they appear, not at the
# timeout; a silent guest is a timeout (exit 2) and qemu is gone after it;
# a guest that powers off without the marker is a failure; qemu refusing
# its arguments is exit 3 with qemu's message; a bad option is a clear error.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64 qemu-img

make_busybox_initrd "$T/initrd.img"
initrd=(--initrd "$T/initrd.img")

# PID 1 exits: the kernel panics; panic=-1 and -no-reboot end qemu too.
start=$SECONDS
boot_expect_failure "Kernel panic" "${initrd[@]}" --append test.mode=panic --timeout 200
expect_in "$BOOT_OUT" "Kernel panic - not syncing: Attempted to kill init"
expect_in "$BOOT_OUT" "--- last lines of the console:"
expect_in "$BOOT_OUT" "initrd: exiting PID 1"
[ $((SECONDS - start)) -lt 200 ] || fail "panic reported only at the timeout"

# The emergency text ends the boot at once, although the guest would sleep
# for an hour.
start=$SECONDS
boot_expect_failure "You are in emergency mode" "${initrd[@]}" --append test.mode=emergency --timeout 200
[ $((SECONDS - start)) -lt 200 ] || fail "emergency mode reported only at the timeout"

# A guest that never answers: timeout, exit 2, and no qemu left behind.
rc=0
_boot "${initrd[@]}" --append "test.mode=hang initpack.tag=$TEST_NAME.$$" --timeout 15 || rc=$?
[ $rc -eq 2 ] || { cat "$BOOT_OUT"; fail "expected exit 2 on timeout, got $rc"; }
grep -qE "^timed out after 1[5-9]\.[0-9] s waiting for '$TEST_ROOT_MARKER'$" "$BOOT_OUT" ||
  { cat "$BOOT_OUT"; fail "no timeout verdict"; }
sleep 0.5
if pgrep -f "initpack.tag=$TEST_NAME.$$" >/dev/null; then fail "qemu still running after the timeout"; fi
[ -s "$BOOT_LOG" ] || fail "no --log written on timeout"

# Power off without the marker: a failure, not a timeout.
rc=0
_boot "${initrd[@]}" --append test.mode=poweroff --timeout 200 || rc=$?
[ $rc -eq 1 ] || { cat "$BOOT_OUT"; fail "expected exit 1 when the guest powers off, got $rc"; }
expect_in "$BOOT_OUT" "the guest stopped (power off or reboot) before the marker"

# qemu itself fails (a raw file declared qcow2): exit 3 with its message.
truncate -s 1M "$T/disk.img"
rc=0
_boot "${initrd[@]}" --drive "$T/disk.img,format=qcow2" --timeout 60 || rc=$?
[ $rc -eq 3 ] || { cat "$BOOT_OUT"; fail "expected exit 3 when qemu fails, got $rc"; }
expect_in "$BOOT_OUT" "qemu failed: qemu exited with status 1"
expect_in "$BOOT_OUT" "Image is not in qcow2 format"

# Bad options: every problem named, nothing started.
expect_fail "$INITPACK" qemu --kernel "$T/missing-vmlinuz" --initrd "$T/initrd.img" \
  --drive "$T/missing.img" --drive "$T/disk.img,if=floppy"
expect_in "$T/err" "--drive $T/disk.img,if=floppy: unknown interface 'floppy'"
expect_fail "$INITPACK" qemu --kernel "$T/missing-vmlinuz" --initrd "$T/initrd.img" --drive "$T/missing.img"
expect_in "$T/err" "--kernel $T/missing-vmlinuz: no such file"
expect_in "$T/err" "--drive $T/missing.img: no such file"
