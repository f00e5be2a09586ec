# A RAID1 root with one member missing boots degraded, in bounded time:
# mdadm's rules leave the array inactive and ask for
# mdadm-last-resort@.timer, which starts it after 30 s.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

storage_initrd "$T/initrd.img" --profile raid
start=$(date +%s)
boot_expect_root --kernel "$T/vmlinuz" --initrd "$T/initrd.img" \
  $(storage_drives raid1 1) --timeout 400 --append "root=UUID=$ROOT_UUID_raid1 rw"
echo "degraded boot (mdadm's 30 s wait): $(($(date +%s) - start)) s wall, $(storage_root_time)"
boot_text >/dev/null
grep -qE "storage-hook: md md[0-9]+ raid1 degraded=1 members=vda" "$BOOT_TEXT" ||
  fail "the root's array is not a degraded raid1 on the one disk left"
# (systemd's status line, ellipsised on an 80-column console)
grep -qE "Finished mdadm-last-resort.*even though degraded" "$BOOT_TEXT" ||
  fail "mdadm-last-resort did not start the array"
