# An LVM root whose disk is missing must end in the emergency shell within
# a bounded time, with a message naming the device it waited for.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

storage_initrd "$T/initrd.img" --profile lvm
start=$(date +%s)
boot_expect_failure "You are in emergency mode" --kernel "$T/vmlinuz" \
  --initrd "$T/initrd.img" $(storage_drives raid1 0) --timeout 300 \
  --append "root=/dev/$VG_lvm/root rw $ROOT_WAIT_10S"
elapsed=$(($(date +%s) - start))
boot_text >/dev/null
grep -q "Timed out waiting for device .*$VG_lvm.*root" "$BOOT_TEXT" ||
  { tail -n 40 "$BOOT_TEXT" >&2; fail "no message naming the missing /dev/$VG_lvm/root"; }
expect_not_in "$BOOT_LOG" "$TEST_ROOT_MARKER"
echo "emergency shell after ${elapsed}s"
