# An LVM root: lvm2's udev rules activate the volume group once its
# physical volume appears (event activation), nothing of initpack's.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

storage_initrd "$T/initrd.img" --profile lvm
storage_boot lvm "root=/dev/$VG_lvm/root rw"
expect_in "$BOOT_TEXT" "storage-hook: dm $VG_lvm-root LVM-"
expect_in "$BOOT_TEXT" "storage-hook: root /dev/mapper/$VG_lvm-root / ext4"
# lvm2's own udev rule started the activation (a transient unit, its
# status line ellipsised on an 80-column console).
grep -q "Started lvm-activate-.*autoactivation event $VG_lvm" "$BOOT_TEXT" ||
  fail "no sign of lvm2's event activation of $VG_lvm"
