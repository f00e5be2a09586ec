# An LVM raid1 root: booted with both disks it comes up by lvm2's event
# activation; with one disk missing, after rd.lvm.degraded-timeout= (default
# 30 s) initpack-lvm-degraded@.timer activates the volume group in degraded
# mode, and the log names the missing PV.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

storage_initrd "$T/initrd.img" --profile lvm
# dm_raid's first load (raid456's benchmarks) is slow under TCG on a loaded
# machine: the root may take longer than systemd's 90 s to appear.
root="root=/dev/$VG_lvmraid/root rw rootflags=x-systemd.device-timeout=400"

# Complete: no degraded activation.
boot_expect_root --kernel "$T/vmlinuz" --initrd "$T/initrd.img" \
  $(storage_drives lvmraid) --timeout 600 --append "$root"
boot_text >/dev/null
expect_in "$BOOT_TEXT" "storage-hook: root /dev/mapper/$VG_lvmraid-root / ext4"
# (the status line is ellipsised in the middle on an 80-column console)
grep -q "Started lvm-activate-.*activation event $VG_lvmraid" "$BOOT_TEXT" ||
  fail "no sign of lvm2's event activation of $VG_lvmraid"
expect_not_in "$BOOT_TEXT" "activationmode degraded"

# The second disk missing: the default wait, then degraded.
start=$(date +%s)
boot_expect_root --kernel "$T/vmlinuz" --initrd "$T/initrd.img" \
  $(storage_drives lvmraid 0) --timeout 600 --append "$root"
echo "degraded boot (default 30 s wait): $(($(date +%s) - start)) s to the root"
boot_text >/dev/null
expect_in "$BOOT_TEXT" "storage-hook: root /dev/mapper/$VG_lvmraid-root / ext4"
grep -q "initpack-lvm-degraded: volume group $VG_lvmraid is missing 1 physical volume(s): $PV_UUID_lvmraid_1" "$BOOT_TEXT" ||
  { tail -n 60 "$BOOT_TEXT" >&2; fail "the log does not name the missing PV $PV_UUID_lvmraid_1"; }
expect_in "$BOOT_TEXT" "initpack-lvm-degraded: $VG_lvmraid/root (raid1) is active, degraded"
# The linear volume lives on the missing disk: lvm refused it.
expect_in "$BOOT_TEXT" "not activated, their segment types need every PV: $VG_lvmraid/linear (linear)"
