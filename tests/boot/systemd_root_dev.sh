# The default generic initrd (built from the archive's packages and kernel)
# boots a real root file system named root=/dev/vda.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64
debian_fixture

make_test_root "$T/root"
make_root_image "$T/root.img" >/dev/null
boot_systemd_initrd "$DEBIAN_INITRD" root=/dev/vda
expect_in "$BOOT_LOG" "root-hook: /dev/vda / ext4 rw"
