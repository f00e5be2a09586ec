# A root on an LVM thin volume: the pool needs dm-thin-pool and lvm's
# thin_check (thin-provisioning-tools) before the thin volume activates.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

storage_initrd "$T/initrd.img" --profile lvm
storage_boot thin "root=/dev/$VG_thin/root rw"
expect_in "$BOOT_TEXT" "storage-hook: dm $VG_thin-pool-tpool LVM-"
expect_in "$BOOT_TEXT" "storage-hook: root /dev/mapper/$VG_thin-root / ext4"
