# root=UUID=: systemd's fstab generator turns it into a wait for
# /dev/disk/by-uuid/…, which udev's rules in the initrd create.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64
debian_fixture

make_test_root "$T/root"
uuid=$(make_root_image "$T/root.img")
[ -n "$uuid" ] || fail "no UUID"
boot_systemd_initrd "$DEBIAN_INITRD" "root=UUID=$uuid"
expect_in "$BOOT_LOG" "root-hook: /dev/vda / ext4"
expect_in "$BOOT_LOG" "Found device"
