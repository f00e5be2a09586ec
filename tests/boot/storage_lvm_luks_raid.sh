# dracut's hardest combination: an LVM root on LUKS on md RAID1. mdadm
# assembles the array, systemd-cryptsetup unlocks it (passphrase at the
# prompt), lvm2 activates the volume group on the opened device.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

storage_initrd "$T/initrd.img" --profile raid --profile luks --profile lvm
storage_boot stack "rd.luks.uuid=$LUKS_UUID_stack root=/dev/$VG_stack/root rw" \
  --send "Please enter passphrase for disk=$STORAGE_PASSPHRASE"
expect_in "$BOOT_TEXT" "storage-hook: root /dev/mapper/$VG_stack-root / ext4"
expect_in "$BOOT_TEXT" "storage-hook: dm luks-$LUKS_UUID_stack CRYPT-LUKS2-"
grep -qE "storage-hook: md md[0-9]+ raid1 degraded=0" "$BOOT_TEXT" ||
  fail "no complete raid1 under the root"
