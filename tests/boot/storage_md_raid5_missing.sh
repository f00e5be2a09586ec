# An md RAID5 root over three disks booted with two of them missing: too
# few for mdadm to start it even degraded (mdadm-last-resort@.timer is not
# asked for), so the root never appears and the boot ends in the emergency
# shell, which names the array, the member present and the two missing
# (the raid profile's emergency.service.d drop-in, from `mdadm --examine`).
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

storage_initrd "$T/initrd.img" --profile raid
storage_expect_emergency $(storage_drives raid5 0) --timeout 400 \
  --append "root=UUID=$ROOT_UUID_raid5 rw rootflags=x-systemd.device-timeout=60"
# What the emergency shell says, after systemd gave up on the root.
grep -qE "^initpack-md: md array /dev/md[0-9]+ \(raid5, name raid5, UUID $MD_UUID_raid5\) is not started: it has 1 of its 3 devices: /dev/vda \(device 0\)$" "$T/emergency.txt" ||
  { tail -n 30 "$T/emergency.txt" >&2; fail "the emergency shell does not name the inactive array and its member"; }
expect_line "$T/emergency.txt" "initpack-md: missing: device 1, device 2; raid5 needs at least 2 of its 3 devices to start"
grep "^initpack-md:" "$T/emergency.txt"
