# A root= that names no device must end in the emergency shell, within a
# bounded time, with a message that says which device is missing.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64
debian_fixture

make_test_root "$T/root"
make_root_image "$T/root.img" >/dev/null
missing=0a1b2c3d-dead-beef-0000-123456789abc
start=$(date +%s)
boot_expect_failure "You are in emergency mode" \
  --kernel "$DEBIAN_VMLINUZ" --initrd "$DEBIAN_INITRD" \
  --drive "$T/root.img,snapshot" --timeout 240 \
  --append "root=UUID=$missing rw $ROOT_WAIT_10S"
elapsed=$(($(date +%s) - start))
# systemd names the device it gave up on (on an 80-column console the
# middle of a long name is ellipsised, so look for the UUID's end).
boot_text >/dev/null
grep -q "TIME .*Timed out waiting for device .*${missing:24}" "$BOOT_TEXT" ||
  { tail -n 40 "$BOOT_TEXT" >&2; fail "no message naming the missing device $missing"; }
grep -q "Dependency failed for .* - /sysroot\." "$BOOT_TEXT" || fail "no failed /sysroot"
expect_not_in "$BOOT_LOG" "$TEST_ROOT_MARKER"
echo "emergency shell after ${elapsed}s"
