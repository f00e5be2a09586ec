# A real Debian system adopts initpack (issue #14): in its chroot, with a
# kernel whose initrd initramfs-tools made, `apt install ./initpack_*.deb`
# replaces initramfs-tools and rebuilds that initrd; (re)installing the
# kernel builds /boot/initrd.img-KVER through initpack's kernel hook, once;
# qemu boots that system's own /boot kernel and initrd to
# multi-user.target ("running", nothing failed, the initrd's messages in
# the journal, the root fsck'd once). A broken /etc/initpack/initpack.conf
# then fails a kernel reinstall with initpack's message and leaves the
# initrd that booted byte for byte; removing the kernel removes its initrd.
# Records systemd-analyze, the boot's warnings and the hook's time.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/deb.sh"
source "$TESTS_LIB/realsys.sh"
need qemu-system-x86_64 mkfs.ext4 lintian

build_deb
echo "package: $DEB (built in ${DEB_BUILD_SECONDS}s; 0 = cached)"
# No lintian error (the issue's bar; warnings are printed).
lintian --fail-on error "$DEB" >"$T/lintian" 2>&1 ||
  { cat "$T/lintian" >&2; fail "lintian finds errors in ${DEB##*/}"; }
cat "$T/lintian"
R="$T/root"
realsys_root "$R"
in_root "$R" dpkg -s initramfs-tools >/dev/null || fail "the test system lacks initramfs-tools"
# mmdebstrap leaves no package lists behind.
in_root "$R" apt-get update >"$T/apt-update.log" 2>&1 ||
  { cat "$T/apt-update.log" >&2; skip "apt-get update failed in the test system (archive unreachable?)"; }

# A kernel installed while initramfs-tools is the generator (its hook's
# time, for comparison).
start=$SECONDS
in_root "$R" apt-get install -y linux-image-amd64 >"$T/apt-kernel.log" 2>&1 ||
  { cat "$T/apt-kernel.log" >&2; fail "apt install linux-image-amd64 failed"; }
itools_seconds=$((SECONDS - start))
KVER=$(basename "$(find "$R/lib/modules" -mindepth 1 -maxdepth 1 | head -n 1)")
initrd="$R/boot/initrd.img-$KVER"
expect_in "$T/apt-kernel.log" "update-initramfs: Generating /boot/initrd.img-$KVER"
[ -s "$initrd" ] || fail "initramfs-tools made no $initrd"

# One apt command takes over from initramfs-tools and rebuilds the
# kernel's initrd.
cp "$DEB" "$R/tmp/"
in_root "$R" apt-get install -y "/tmp/${DEB##*/}" >"$T/apt-initpack.log" 2>&1 ||
  { cat "$T/apt-initpack.log" >&2; fail "apt install ./initpack_*.deb failed"; }
in_root "$R" dpkg-query -W -f '${Status}' initpack | grep -q "install ok installed" ||
  fail "initpack is not installed"
if in_root "$R" dpkg-query -W -f '${Status}' initramfs-tools 2>/dev/null | grep -q "ok installed"; then
  fail "initramfs-tools is still installed"
fi
in_root "$R" dpkg -S /usr/sbin/update-initramfs | grep -q "^initpack:" ||
  fail "update-initramfs is not initpack's"
# The profiles' generators and helpers keep their modes: images copy them
# and the initrd runs them (dh_fixperms once made them all 0644).
(cd "$INITPACK_SOURCE_DIR/profiles" && find . -type f -perm -u+x) >"$T/executables"
[ -s "$T/executables" ] || fail "no executable file in the source's profiles"
while read -r f; do
  [ -x "$R/usr/share/initpack/profiles/$f" ] || fail "the package installs profiles/$f without its execute bit"
done <"$T/executables"
# initramfs-tools' leftover kernel hooks (conffiles) are diverted away.
for h in postinst.d postrm.d; do
  [ ! -e "$R/etc/kernel/$h/initramfs-tools" ] || fail "initramfs-tools' $h hook would still run"
done
expect_in "$T/apt-initpack.log" "update-initramfs: Generating /boot/initrd.img-$KVER (initpack)"
is_initpacks() {
  "$INITPACK" inspect "$initrd" >"$T/inspect" || fail "initpack inspect cannot read $initrd"
  zstd -dc <"$initrd" | cpio -it --quiet >"$T/list" 2>/dev/null
  grep -qx usr/lib/systemd/systemd "$T/list"
}
is_initpacks || fail "installing initpack did not rebuild $initrd"
# Its manifest names the kernel and the packages it came from.
expect_in "$T/inspect" "Manifest: usr/lib/initpack/manifest.json: initpack "
expect_in "$T/inspect" ", kernel $KVER, amd64,"
grep -qE '^  systemd +[0-9]' "$T/inspect" || fail "the manifest lists no systemd"

# The kernel's postinst runs /etc/kernel/postinst.d/initpack, once.
rm "$initrd"
start=$SECONDS
in_root "$R" apt-get install -y --reinstall "linux-image-$KVER" >"$T/apt-kernel2.log" 2>&1 ||
  { cat "$T/apt-kernel2.log" >&2; fail "reinstalling linux-image-$KVER failed"; }
initpack_seconds=$((SECONDS - start))
n=$(grep -c "update-initramfs: Generating" "$T/apt-kernel2.log" || true)
[ "$n" = 1 ] || { cat "$T/apt-kernel2.log" >&2; fail "the initrd was built $n times during the kernel install"; }
is_initpacks || fail "the kernel hook did not build initpack's $initrd"
echo "RESULT kernel install (apt, incl. hook): initramfs-tools ${itools_seconds}s (with download)," \
  "initpack ${initpack_seconds}s (reinstall)"

# Boot the system's own kernel and initrd from its disk, root read-only
# (remounted rw by systemd-remount-fs, as on any Debian system).
realsys_disk "$R" "$T/disk.img" realroot
realsys_boot "$R/boot/vmlinuz-$KVER" "$initrd" "root=LABEL=realroot ro" \
  --drive "$T/disk.img,snapshot"
expect_in "$BOOT_TEXT" "REALSYS state=running"
[ -z "$(realsys_section failed)" ] || { realsys_section failed >&2; fail "failed units"; }
grep -q "REALSYS switch-root=[1-9]" "$BOOT_TEXT" || fail "the journal holds no switch-root from the initrd"
grep -q "REALSYS initrd-lines=[1-9]" "$BOOT_TEXT" || fail "the journal holds no initrd messages"
# e2fsck names a labelled file system by its label.
n=$(realsys_section fsck | grep -c "^realroot: clean, " || true)
[ "$n" = 1 ] || { realsys_section fsck >&2; fail "the root was checked $n times, not once"; }
grep "REALSYS analyze:" "$BOOT_TEXT"
echo "--- warnings of the boot (recorded, not asserted):"
realsys_section warnings

# A broken configuration: the kernel's hook fails with initpack's message,
# the initrd that booted stays.
before=$(sha256sum <"$initrd")
printf '[Content]\nNoSuchSetting=1\n' >>"$R/etc/initpack/initpack.conf"
if in_root "$R" apt-get install -y --reinstall "linux-image-$KVER" >"$T/apt-broken.log" 2>&1; then
  fail "a kernel install with a broken initpack.conf succeeded"
fi
expect_in "$T/apt-broken.log" "/etc/initpack/initpack.conf:"
expect_in "$T/apt-broken.log" "NoSuchSetting"
[ "$(sha256sum <"$initrd")" = "$before" ] || fail "the failed hook changed $initrd"
sed -i '/NoSuchSetting/d' "$R/etc/initpack/initpack.conf"
in_root "$R" dpkg --configure -a >"$T/configure.log" 2>&1 ||
  { cat "$T/configure.log" >&2; fail "dpkg --configure -a failed after fixing the conf"; }

# Removing the kernel removes its initrd.
in_root "$R" apt-get purge -y linux-image-amd64 "linux-image-$KVER" >"$T/purge.log" 2>&1 ||
  { cat "$T/purge.log" >&2; fail "removing the kernel failed"; }
[ ! -e "$initrd" ] || fail "$initrd is still there after the kernel's removal"
