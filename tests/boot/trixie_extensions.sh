# Debian 13 (trixie): what systemd 257 does with extensions in the initrd,
# booted from a UKI built from trixie's packages on trixie's stub:
#  - a system extension beside the UKI (UKI.efi.extra.d/marker.raw, which
#    the stub passes as /.extra/sysext/marker.raw) merged under dm-verity.
#    systemd-sysext treats what the stub passes as untrusted: its default
#    policy for /.extra/ ("strict") takes only images with a signed root
#    hash. The extension's verity sidecars (hash tree, root hash and the
#    root hash's PKCS#7 signature, `initpack build --format sysext
#    --secure-boot-key`) and the signing certificate (/usr/lib/verity.d/)
#    are in the UKI's initrd. Chain of trust: SecureBoot verifies the
#    signed UKI (as tests/boot/trixie_uki_secure_boot.sh does), the UKI's
#    initrd carries the certificate, systemd checks the root hash's
#    signature against it (in userspace, as the kernel's keyrings do not
#    hold it), and dm-verity checks every block read from the unsigned
#    image against that root hash. The verity device is named by the
#    root hash; a copy of the image with one byte changed never merges;
#  - a unit shipped inside that extension: with EXTENSION_RELOAD_MANAGER=1
#    systemd-sysext reloads the service manager after the merge, which
#    then loads the unit from the merged /usr; a unit of the initrd starts
#    it (without the reload, `systemctl start` says no such unit). The
#    unmerge must not reload too: 257's unmerge at the switch to the root
#    reloaded the manager in the middle of the isolate to
#    initrd-switch-root.target, which then stopped initrd-root-fs.target
#    and unmounted /sysroot ("does not seem to be an OS tree"); a drop-in
#    makes it `unmerge --no-reload` (bookworm's 252 has no such option);
#  - a configuration extension (UKI.efi.extra.d/conf.confext.raw, passed
#    as /.extra/confext/), signed the same way, merged over /etc by
#    systemd-confext (enabled by the test: the sysext profile serves
#    bookworm too, whose 252 has no confext).
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/uefi.sh"
source "$TESTS_LIB/trixie.sh"
need qemu-system-x86_64
need_ovmf
use_trixie
stubs=$(trixie_stub_dir) || exit
need veritysetup
make_test_key "$T/keys"
sign=(--secure-boot-key "$T/keys/db.key" --secure-boot-certificate "$T/keys/db.crt")

word=sysext-$RANDOM$RANDOM
conf=confext-$RANDOM$RANDOM
# The system extension: a program, the word it prints, and a unit.
mkdir -p "$T/ext/usr/bin" "$T/ext/usr/share/initpack-marker" "$T/ext/usr/lib/systemd/system"
printf '#!/bin/bash\necho "INITPACK-SYSEXT-$1 $(</usr/share/initpack-marker/word)"\n' \
  >"$T/ext/usr/bin/initpack-sysext-marker"
chmod 755 "$T/ext/usr/bin/initpack-sysext-marker"
echo "$word" >"$T/ext/usr/share/initpack-marker/word"
cat >"$T/ext/usr/lib/systemd/system/initpack-sysext-unit.service" <<'UNIT'
[Unit]
Description=A unit shipped in a system extension
DefaultDependencies=no
[Service]
Type=oneshot
ExecStart=/usr/bin/initpack-sysext-marker UNIT
StandardOutput=journal+console
UNIT
mkdir -p "$T/esp/uki.efi.extra.d" "$T/ext.out" "$T/conf.out"
"$INITPACK" build --format sysext -o "$T/ext.out/marker.raw" --extra-tree "$T/ext" \
  --extension-release ID=debian --extension-release VERSION_ID=13 \
  --extension-release SYSEXT_SCOPE=initrd --extension-release EXTENSION_RELOAD_MANAGER=1 "${sign[@]}"
for f in raw verity roothash roothash.p7s; do
  [ -s "$T/ext.out/marker.$f" ] || fail "no marker.$f beside the extension"
done
roothash=$(cat "$T/ext.out/marker.roothash")
veritysetup verify "$T/ext.out/marker.raw" "$T/ext.out/marker.verity" "$roothash" ||
  fail "veritysetup disagrees with marker.roothash"

# The configuration extension: one file in /etc.
mkdir -p "$T/conf/etc/initpack-confext"
echo "$conf" >"$T/conf/etc/initpack-confext/word"
"$INITPACK" build --format confext -o "$T/conf.out/conf.confext.raw" --extra-tree "$T/conf" \
  --extension-release ID=debian --extension-release VERSION_ID=13 \
  --extension-release CONFEXT_SCOPE=initrd "${sign[@]}"

# The initrd's side: the certificate, the extensions' verity sidecars
# where the stub puts the images, systemd-confext enabled, and a unit that
# reports what the merges gave.
x=$T/initrd-extra
mkdir -p "$x/.extra/sysext" "$x/.extra/confext" "$x/usr/lib/verity.d"
cp "$T/keys/db.crt" "$x/usr/lib/verity.d/initpack-test.crt"
cp "$T/ext.out/marker".{verity,roothash,roothash.p7s} "$x/.extra/sysext/"
cp "$T/conf.out/conf.confext".{verity,roothash,roothash.p7s} "$x/.extra/confext/"
units=$x/usr/lib/systemd/system
mkdir -p "$units/initrd.target.wants" "$units/sysinit.target.wants"
ln -s ../systemd-confext.service "$units/sysinit.target.wants/"
mkdir -p "$units/systemd-sysext.service.d"
printf '[Service]\nExecStop=\nExecStop=systemd-sysext unmerge --no-reload\n' \
  >"$units/systemd-sysext.service.d/no-reload.conf"
cat >"$units/initpack-extension-check.service" <<'UNIT'
[Unit]
Description=Report the merged extensions
After=systemd-sysext.service systemd-confext.service
[Service]
Type=oneshot
ExecStart=/bin/bash -c 'for d in /sys/block/dm-*/dm; do echo "ext-hook: dm $(<$d/name) $(<$d/uuid)"; done; \
  echo "ext-hook: confext $(</etc/initpack-confext/word)"; \
  echo "ext-hook: sysext $(</usr/share/initpack-marker/word)"; \
  systemctl start initpack-sysext-unit.service; echo "ext-hook: unit exit $?"; \
  journalctl -b -o cat --no-pager -u systemd-sysext.service -u systemd-confext.service | \
    while read -r l; do echo "ext-log: $l"; done'
StandardOutput=journal+console
UNIT
ln -s ../initpack-extension-check.service "$units/initrd.target.wants/"

make_test_root "$T/root"
make_root_image "$T/root.img" -L initpackroot >/dev/null
build_test_initrd "$T/esp/uki.efi" --format uki --stub "$stubs/linuxx64.efi.stub" \
  --profile sysext --extra-tree "$T/initrd-extra" \
  --kernel-command-line "root=LABEL=initpackroot rw console=ttyS0 panic=-1 $TRIXIE_DEVICE_WAIT" >/dev/null
cp "$T/ext.out/marker.raw" "$T/esp/uki.efi.extra.d/marker.raw"
cp "$T/conf.out/conf.confext.raw" "$T/esp/uki.efi.extra.d/conf.confext.raw"

start=$SECONDS
boot_expect_root --uki "$T/esp/uki.efi" --drive "$T/root.img,snapshot" >/dev/null
expect_trixie_boot
show_ext() { grep -iE "ext-hook|sysext|confext|extension|verity|INITPACK-SYSEXT" "$BOOT_TEXT" >&2 || true; }
# systemd names the verity device after the root hash.
grep -qE "ext-hook: dm [^ ]*$roothash[^ ]* .*VERITY" "$BOOT_TEXT" ||
  { show_ext; fail "no dm-verity device with the root hash under the extension"; }
expect_in "$BOOT_TEXT" "ext-hook: sysext $word"
expect_in "$BOOT_TEXT" "INITPACK-SYSEXT-UNIT $word"
expect_in "$BOOT_TEXT" "ext-hook: unit exit 0"
expect_in "$BOOT_TEXT" "ext-hook: confext $conf"
echo "boot: $((SECONDS - start)) s"

# One byte of the word changed in the image (sidecars unchanged): dm-verity
# refuses the block, the word is never read.
python3 - "$T/ext.out/marker.raw" "$T/esp/uki.efi.extra.d/marker.raw" "$word" <<'PY'
import sys
b = open(sys.argv[1], 'rb').read()
w = sys.argv[3].encode()
assert b.count(w) == 1
open(sys.argv[2], 'wb').write(b.replace(w, b'X' + w[1:]))
PY
start=$SECONDS
boot_expect_root --uki "$T/esp/uki.efi" --drive "$T/root.img,snapshot" >/dev/null
boot_text >/dev/null
expect_not_in "$BOOT_TEXT" "X${word:1}"
expect_in "$BOOT_TEXT" "ext-hook: confext $conf"
grep -qE "ext-hook: sysext *$" "$BOOT_TEXT" ||
  { show_ext; fail "the altered extension was not refused"; }
grep -qE "ext-hook: dm [^ ]*$roothash" "$BOOT_TEXT" && fail "the altered extension has a verity device"
echo "tampered boot: $((SECONDS - start)) s"
