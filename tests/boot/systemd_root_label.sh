# root=LABEL=: found through udev's /dev/disk/by-label links.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64
debian_fixture

make_test_root "$T/root"
make_root_image "$T/root.img" -L initpack-root >/dev/null
boot_systemd_initrd "$DEBIAN_INITRD" "root=LABEL=initpack-root"
expect_in "$BOOT_LOG" "root-hook: /dev/vda / ext4"
expect_in "$BOOT_LOG" "initpack-root"
