# An md RAID1 root, assembled by mdadm's incremental udev rules from both
# members.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

storage_initrd "$T/initrd.img" --profile raid
storage_boot raid1 "root=UUID=$ROOT_UUID_raid1 rw"
grep -qE "storage-hook: md md[0-9]+ raid1 degraded=0 members=vd[a-z] vd[a-z]" "$BOOT_TEXT" ||
  fail "the root's array is not a complete raid1"
grep -qE "storage-hook: root /dev/md[0-9]+ / ext4" "$BOOT_TEXT" ||
  fail "/ is not the md array"
