# The harness end to end: a busybox initrd loads virtio_blk and ext4, mounts
# the test root image from /dev/vda and switch_roots into it; `initpack
# qemu` must see the root's marker, parse its uptime, pass the command line
# through, write the log and leave the -snapshot image unmodified.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64

make_busybox_initrd "$T/initrd.img" virtio_pci virtio_blk crc32c_generic ext4
make_test_root "$T/root"
echo 'echo "root-hook: cmdline=$(cat /proc/cmdline)"' >"$T/root/etc/initpack-test.d/10-cmdline.sh"
uuid=$(make_root_image "$T/root.img" -L testroot)
[ -n "$uuid" ] || fail "make_root_image printed no UUID"
sum_before=$(sha256sum <"$T/root.img")

boot_expect_root --initrd "$T/initrd.img" --drive "$T/root.img,snapshot" \
  --append "test.mode=root rw" --append "initpack.test=$uuid"

# The verdict line, with the guest's uptime from the marker line.
grep -qE '^root reached after [0-9.]+ s \(guest uptime [0-9.]+ s\)$' "$BOOT_OUT" ||
  { cat "$BOOT_OUT"; fail "no verdict line with guest uptime"; }
log_uptime=$(grep -a -o "$TEST_ROOT_MARKER uptime=[0-9.]*" "$BOOT_LOG" | sed 's/.*=//')
expect_in "$BOOT_OUT" "(guest uptime $log_uptime s)"
# The root's hooks ran, on the ext4 root, with our command line.
expect_in "$BOOT_LOG" "root-hook: cmdline=console=ttyS0"
expect_in "$BOOT_LOG" "test.mode=root rw initpack.test=$uuid"
expect_in "$BOOT_LOG" "root-hook: /dev/vda / ext4"
# The initrd really switched root (the test root's init printed the marker).
expect_in "$BOOT_LOG" "initrd: test.mode=root"
[ "$(sha256sum <"$T/root.img")" = "$sum_before" ] || fail "snapshot drive was modified"
