# A wrong passphrase must end in the emergency shell within a bounded time
# (rd.luks.options=tries=1 and a bounded wait for the root device), with
# messages naming the volume that could not be unlocked. The root's wait
# (60 s) outlasts the slowest disk probe seen under load (21 s), so the
# passphrase is asked and refused before the wait ends.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

storage_initrd "$T/initrd.img" --profile luks
start=$(date +%s)
boot_expect_failure "You are in emergency mode" --kernel "$T/vmlinuz" \
  --initrd "$T/initrd.img" $(storage_drives luks) --timeout 300 \
  --send "Please enter passphrase for disk=not-the-passphrase" \
  --append "rd.luks.uuid=$LUKS_UUID_luks rd.luks.options=tries=1 root=UUID=$ROOT_UUID_luks rw rootflags=x-systemd.device-timeout=60"
elapsed=$(($(date +%s) - start))
boot_text >/dev/null
# (systemd's status lines, ellipsised on an 80-column console: the unit's
# name and the tail of the UUID are what is left)
grep -q "Failed to start systemd-cr.*${LUKS_UUID_luks:24}" "$BOOT_TEXT" ||
  { tail -n 40 "$BOOT_TEXT" >&2; fail "no message naming the volume that failed to unlock"; }
grep -q "Timed out waiting for device .*${ROOT_UUID_luks:24}" "$BOOT_TEXT" ||
  fail "no message naming the missing root device"
expect_not_in "$BOOT_LOG" "$TEST_ROOT_MARKER"
echo "emergency shell after ${elapsed}s"
