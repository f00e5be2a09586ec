# A separate /usr partition (mount.usr=, mount.usrfstype=): systemd's fstab
# generator in the initrd mounts it on /sysroot/usr before the switch, so
# the root's init finds /usr already mounted.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
debian_fixture

make_test_root "$T/root"
mkdir -p "$T/root/usr"
cat >"$T/root/etc/initpack-test.d/20-usr.sh" <<'HOOK'
echo "usr-hook: $(grep ' /usr ' /proc/mounts | cut -d' ' -f1-3)"
echo "usr-hook: marker $(cat /usr/lib/initpack-usr-marker)"
HOOK
make_root_image "$T/root.img" >/dev/null
mkdir -p "$T/usr/lib"
echo "the separate /usr of $TEST_NAME" >"$T/usr/lib/initpack-usr-marker"
usr_uuid=$(TEST_ROOT="$T/usr" make_root_image "$T/usr.img")

build_test_initrd "$T/initrd.img" >/dev/null
boot_systemd_initrd "$T/initrd.img" "root=/dev/vda" \
  --drive "$T/usr.img,snapshot" --append "mount.usr=UUID=$usr_uuid mount.usrfstype=ext4"
expect_in "$BOOT_TEXT" "usr-hook: /dev/vdb /usr ext4"
expect_in "$BOOT_TEXT" "usr-hook: marker the separate /usr of $TEST_NAME"
grep -q "Mounted .*/sysroot/usr" "$BOOT_TEXT" || fail "the initrd did not mount /sysroot/usr"
