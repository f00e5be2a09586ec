# The real Debian system (tests/lib/realsys.sh) with its root on LVM on
# LUKS on md RAID1 (tests/lib/realsys-storage.sh), booted by the image of
# the raid, luks and lvm profiles, as Debian boots such a system:
# root=/dev/mapper/VG-LV `ro`, rd.luks.uuid=, the passphrase typed at the
# console, fstab by the root's UUID. One boot covers the three storage
# profiles (issue #20): the system reaches "running" with no failed unit,
# on the volume the initrd opened, and the journal holds no warning from
# the initrd phase (Running in initrd … Switching root).
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/realsys.sh"
source "$TESTS_LIB/realsys-storage.sh"
need qemu-system-x86_64 mkfs.ext4
realsys_stack_disks

build_test_initrd "$T/initrd.img" --profile raid --profile luks --profile lvm >/dev/null
start=$SECONDS
realsys_boot "$T/vmlinuz" "$T/initrd.img" \
  "rd.luks.uuid=$LUKS_UUID_stack root=/dev/mapper/$VG_stack-root ro" \
  "${REALSYS_STACK_DRIVES[@]}" --send "Please enter passphrase for disk=$STORAGE_PASSPHRASE"
echo "boot: $((SECONDS - start)) s"
expect_in "$BOOT_TEXT" "REALSYS state=running"
[ -z "$(realsys_section failed)" ] || { realsys_section failed >&2; fail "failed units"; }
grep -q "REALSYS switch-root=[1-9]" "$BOOT_TEXT" || fail "the journal holds no switch-root from the initrd"
realsys_section mounts >"$T/mounts"
grep -q "^/ /dev/mapper/$VG_stack-root rw," "$T/mounts" ||
  { cat "$T/mounts" >&2; fail "/ is not the stack's logical volume, read-write"; }
# The root, the only file system, checked once (e2fsck names it by its
# device: it has no label).
n=$(realsys_section fsck | grep -c ": clean, " || true)
[ "$n" = 1 ] || { realsys_section fsck >&2; fail "the root was checked $n times, not once"; }
grep "REALSYS analyze:" "$BOOT_TEXT"
echo "--- warnings of the boot:"
realsys_section warnings
grep "REALSYS initrd-span=" "$BOOT_TEXT"
# No program of the initrd may warn (lvm2's pvscan did, before the lvm
# profile's bookworm rule dropped its --journal=output). The kernel's
# lines are Debian's config (device-mapper's "CONFIG_IMA_DISABLE_HTABLE is
# disabled", when systemd's modprobe@dm_mod.service loads dm_mod, generic
# image too), "block device autoloading is deprecated" (an md node opened
# before its array exists) and TCG's clock: printed, not failed.
realsys_initrd_warnings >"$T/initrd-warnings"
echo "--- initrd-phase warnings:"
cat "$T/initrd-warnings"
if grep -v ' kernel: ' "$T/initrd-warnings" | grep -q .; then
  fail "a program of the initrd logged a warning"
fi
