# A btrfs RAID1 root with one of its two devices missing: systemd's
# 64-btrfs.rules waits for every member, so without rootflags=degraded the
# boot ends in the emergency shell, which names the missing device and
# rootflags=degraded; with it, after rd.btrfs.degraded-timeout= the present
# member is made ready and the root mounts degraded.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

storage_initrd "$T/initrd.img" --profile btrfs
root="root=UUID=$ROOT_UUID_btrfsraid rw"

# rootflags=degraded, after the default 30 s wait.
start=$(date +%s)
boot_expect_root --kernel "$T/vmlinuz" --initrd "$T/initrd.img" \
  $(storage_drives btrfsraid 0) --timeout 600 --append "$root rootflags=degraded,x-systemd.device-timeout=400"
echo "degraded boot (default 30 s wait): $(($(date +%s) - start)) s wall, $(storage_root_time)"
boot_text >/dev/null
grep -qE "root-hook: /dev/vda / btrfs [^ ]*degraded" "$BOOT_TEXT" ||
  { tail -n 60 "$BOOT_TEXT" >&2; fail "/ is not the btrfs on /dev/vda mounted degraded"; }
expect_in "$BOOT_TEXT" "initpack-btrfs-degraded: btrfs file system $ROOT_UUID_btrfsraid has 1 of its 2 devices (/dev/vda); missing: devid 2; mounting it degraded (rootflags=degraded)"

# Without rootflags=degraded: the emergency shell, saying what is missing.
storage_expect_emergency $(storage_drives btrfsraid 0) --timeout 600 \
  --append "$root rd.btrfs.degraded-timeout=5 rootflags=x-systemd.device-timeout=120"
expect_in "$T/emergency.txt" "btrfs file system $ROOT_UUID_btrfsraid has 1 of its 2 devices (/dev/vda); missing: devid 2"
expect_in "$T/emergency.txt" "booting with rootflags=degraded would mount it without them"
