# A linear LVM root whose physical volume is missing is not activated in
# degraded mode: the boot ends in the emergency shell, which names the
# missing PV's UUID. rd.lvm.degraded-timeout=5 shortens the wait; the
# root's own wait stays generous (a loaded machine's TCG guest is slow).
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

storage_initrd "$T/initrd.img" --profile lvm
storage_expect_emergency $(storage_drives lvmraid 0) --timeout 600 \
  --append "root=/dev/$VG_lvmraid/linear rw rd.lvm.degraded-timeout=5 rootflags=x-systemd.device-timeout=120"
# The mirror beside it came up; the linear root did not.
expect_in "$BOOT_TEXT" "initpack-lvm-degraded: $VG_lvmraid/root (raid1) is active, degraded"
# What the emergency shell says, after systemd gave up on the root: the
# last lines before sulogin's prompt name the volume and the missing PV.
expect_in "$T/emergency.txt" "not activated, their segment types need every PV: $VG_lvmraid/linear (linear)"
expect_in "$T/emergency.txt" "volume group $VG_lvmraid is missing the physical volume(s) with UUID $PV_UUID_lvmraid_1"
