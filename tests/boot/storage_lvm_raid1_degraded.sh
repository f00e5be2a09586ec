# An LVM raid1 root over two disks. With the second disk missing, after
# rd.lvm.degraded-timeout= (default 30 s) initpack-lvm-degraded@.timer
# activates the volume group in degraded mode and the log names the missing
# PV. A later boot with both disks back (the first disk as the degraded
# boot left it) comes up by lvm2's event activation alone, and dm-raid
# recovers the leg that was missing.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks
# Writable copies: the boot with both disks must see what the degraded
# one wrote.
storage_copy lvmraid "$T/disks"
disk0=$T/disks/lvmraid.0.img disk1=$T/disks/lvmraid.1.img

storage_initrd "$T/initrd.img" --profile lvm
# dm_raid's first load (raid456's benchmarks) is slow under TCG on a loaded
# machine: the root may take longer than systemd's 90 s to appear.
root="root=/dev/$VG_lvmraid/root rw rootflags=x-systemd.device-timeout=400"

# The second disk missing: the default wait, then degraded.
start=$(date +%s)
boot_expect_root --kernel "$T/vmlinuz" --initrd "$T/initrd.img" \
  --drive "$disk0" --timeout 600 --append "$root"
echo "degraded boot (default 30 s wait): $(($(date +%s) - start)) s wall, $(storage_root_time)"
boot_text >/dev/null
expect_in "$BOOT_TEXT" "storage-hook: root /dev/mapper/$VG_lvmraid-root / ext4"
grep -q "initpack-lvm-degraded: volume group $VG_lvmraid is missing 1 physical volume(s): $PV_UUID_lvmraid_1" "$BOOT_TEXT" ||
  { tail -n 60 "$BOOT_TEXT" >&2; fail "the log does not name the missing PV $PV_UUID_lvmraid_1"; }
expect_in "$BOOT_TEXT" "initpack-lvm-degraded: $VG_lvmraid/root (raid1) is active, degraded"
# The linear volume lives on the missing disk: lvm refused it.
expect_in "$BOOT_TEXT" "not activated, their segment types need every PV: $VG_lvmraid/linear (linear)"
# Nothing of the degraded activation holds up the switch to the root (a
# dmeventd left behind once held it 90 s): the guest's clock from the
# volume's activation to systemd stopping the initrd's journal.
kernel_time() { # PATTERN: the kernel timestamp of the first line matching
  sed -n "s#.*\[ *\([0-9.]*\)\] $1.*#\1#p" "$BOOT_TEXT" | head -n 1
}
active=$(kernel_time "lvm-degraded\[[0-9]*\]: initpack-lvm-degraded: $VG_lvmraid/root (raid1) is active")
switch=$(kernel_time "systemd-journald\[[0-9]*\]: Received SIGTERM from PID 1")
[ -n "$active" ] && [ -n "$switch" ] ||
  fail "no timestamps for the activation ($active) or the switch to the root ($switch)"
awk -v a="$active" -v s="$switch" 'BEGIN { exit !(s - a < 30) }' ||
  fail "the switch to the root came $active s -> $switch s after the degraded activation"

# Both disks back: no degraded activation, the stale leg is recovered.
boot_expect_root --kernel "$T/vmlinuz" --initrd "$T/initrd.img" \
  --drive "$disk0" --drive "$disk1" --timeout 600 --append "$root"
boot_text >/dev/null
expect_in "$BOOT_TEXT" "storage-hook: root /dev/mapper/$VG_lvmraid-root / ext4"
# (the status line is ellipsised in the middle on an 80-column console)
grep -q "Started lvm-activate-.*activation event $VG_lvmraid" "$BOOT_TEXT" ||
  fail "no sign of lvm2's event activation of $VG_lvmraid"
expect_not_in "$BOOT_TEXT" "activationmode degraded"
# dm-raid (the kernel's md code) found the second leg stale: it started the
# mirror on the first alone and recovered the second, as the guest's
# kernel log says in this order.
# (-o: a kernel line may share a console line with a status line)
grep -oE "md/raid1:mdX: active with [0-9] out of 2 mirrors|md: recovery of RAID array mdX|md: mdX: recovery done\." \
  "$BOOT_TEXT" >"$T/resync.txt" || true
printf '%s\n' "md/raid1:mdX: active with 1 out of 2 mirrors" \
  "md: recovery of RAID array mdX" "md: mdX: recovery done." >"$T/resync.want"
diff "$T/resync.want" "$T/resync.txt" ||
  fail "the boot with both disks did not recover the leg that was missing"
echo "both disks again: $(storage_root_time); the stale leg recovered"
