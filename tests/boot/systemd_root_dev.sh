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
# The default profile leaves out what systemd would start in every initrd
# although nothing there uses it (profiles/default/profile.conf): no
# modprobe@ unit (repart's loop and dm_mod, the fuse and configfs mounts'
# modules), none of the six API file system mounts, no utmp records.
# (Coldplug's status line shows that the log holds the units' lines.)
expect_in "$BOOT_LOG" "Coldplug All udev Devices"
for unit in "Load Kernel Module " "FUSE Control File System" "Kernel Configuration File System" \
  "Kernel Debug File System" "Kernel Trace File System" "Huge Pages File System" \
  "POSIX Message Queue File System" "Boot/Shutdown in UTMP"; do
  expect_not_in "$BOOT_LOG" "$unit"
done
