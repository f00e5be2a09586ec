# The real Debian system (tests/lib/realsys.sh) booted by initpack's generic
# image built outside it (the shared default initrd and the archive's
# kernel), as Debian boots: root=UUID= with `ro` (remounted rw by the
# system), and /var on a second disk from fstab. Reaches "running" with no
# failed unit; each file system is checked once.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/realsys.sh"
need qemu-system-x86_64 mkfs.ext4 tune2fs
debian_fixture

R="$T/root"
realsys_root "$R"
root_uuid=$(cat /proc/sys/kernel/random/uuid)
cat >"$R/etc/fstab" <<FSTAB
UUID=$root_uuid / ext4 errors=remount-ro 0 1
LABEL=realvar /var ext4 defaults 0 2
FSTAB
mkdir -p "$T/var"
cp -a "$R/var/." "$T/var/"
rm -rf "${R:?}/var" && mkdir -m 755 "$R/var"
realsys_disk "$R" "$T/root.img" realroot && tune2fs -U "$root_uuid" "$T/root.img" >/dev/null
realsys_disk "$T/var" "$T/var.img" realvar 1G

realsys_boot "$DEBIAN_VMLINUZ" "$DEBIAN_INITRD" "root=UUID=$root_uuid ro" \
  --drive "$T/root.img,snapshot" --drive "$T/var.img,snapshot"
expect_in "$BOOT_TEXT" "REALSYS state=running"
[ -z "$(realsys_section failed)" ] || { realsys_section failed >&2; fail "failed units"; }
grep -q "REALSYS switch-root=[1-9]" "$BOOT_TEXT" || fail "the journal holds no switch-root from the initrd"
realsys_section mounts >"$T/mounts"
grep -q "^/ /dev/vda rw," "$T/mounts" || { cat "$T/mounts" >&2; fail "/ is not /dev/vda, read-write"; }
grep -q "^/var /dev/vdb rw," "$T/mounts" || { cat "$T/mounts" >&2; fail "/var is not /dev/vdb"; }
# e2fsck names a labelled file system by its label.
for label in realroot realvar; do
  n=$(realsys_section fsck | grep -c "^$label: clean, " || true)
  [ "$n" = 1 ] || { realsys_section fsck >&2; fail "$label was checked $n times, not once"; }
done
grep "REALSYS analyze:" "$BOOT_TEXT"
echo "--- warnings of the boot:"
realsys_section warnings
# No warning from a program (issue #20: hwclock-set failed in every boot
# before /bin/sh was in the image). The kernel's own (TCG's clock, PCI)
# come with any initrd, dracut's too.
if realsys_section warnings | grep -v ' kernel: ' | grep -q .; then
  fail "a program logged a warning during the boot"
fi
# The initrd phase (Running in initrd … Switching root) must have been
# found in the journal, or the check above could pass on an empty journal.
grep "REALSYS initrd-span=" "$BOOT_TEXT"
realsys_initrd_warnings >/dev/null
