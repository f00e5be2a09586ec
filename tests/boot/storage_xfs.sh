# An xfs root.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

storage_initrd "$T/initrd.img" --profile xfs
storage_boot xfs "root=UUID=$ROOT_UUID_xfs rw"
expect_in "$BOOT_TEXT" "storage-hook: root /dev/vda / xfs"
