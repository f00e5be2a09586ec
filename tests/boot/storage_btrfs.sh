# A btrfs root on a subvolume (rootflags=subvol=): the top level of the
# file system is not a root (no /sbin/init), so only the subvolume boots.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

storage_initrd "$T/initrd.img" --profile btrfs
storage_boot btrfs "root=UUID=$ROOT_UUID_btrfs rootflags=subvol=$BTRFS_SUBVOL rw"
grep -qE "storage-hook: root /dev/vda / btrfs" "$BOOT_TEXT" || fail "/ is not btrfs on /dev/vda"
grep -qE "root-hook: /dev/vda / btrfs .*subvol=/$BTRFS_SUBVOL" "$BOOT_TEXT" ||
  fail "/ is not the subvolume $BTRFS_SUBVOL"
