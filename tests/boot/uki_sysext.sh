# A system extension beside the UKI: `initpack build --format sysext`
# writes marker.raw (a program and the word it prints, nothing else);
# placed in UKI.efi.extra.d/, bookworm's systemd-stub (252) passes it to
# the initrd as /.extra/sysext/marker.raw, the sysext profile has
# systemd-sysext merge it over /usr, and a unit of the initrd runs the
# program only the extension provides. The word must be on the console and
# the boot must still reach the root; without the .raw the word is absent.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/uefi.sh"
need qemu-system-x86_64
need_ovmf
debian_fixture

word=sysext-$RANDOM$RANDOM
mkdir -p "$T/ext/usr/bin" "$T/ext/usr/share/initpack-marker"
printf '#!/bin/bash\necho "INITPACK-SYSEXT-MARKER $(</usr/share/initpack-marker/word)"\n' \
  >"$T/ext/usr/bin/initpack-sysext-marker"
chmod 755 "$T/ext/usr/bin/initpack-sysext-marker"
echo "$word" >"$T/ext/usr/share/initpack-marker/word"
mkdir "$T/sysext"
"$INITPACK" build --format sysext -o "$T/sysext/marker.raw" --extra-tree "$T/ext" \
  --extension-release SYSEXT_SCOPE=initrd

# The initrd's side: a unit that runs the program once the merge is done.
units=$T/initrd-extra/usr/lib/systemd/system
mkdir -p "$units/initrd.target.wants"
cat >"$units/initpack-sysext-marker.service" <<'UNIT'
[Unit]
Description=Run the program a system extension provides
After=systemd-sysext.service
ConditionPathExists=/usr/bin/initpack-sysext-marker
[Service]
Type=oneshot
ExecStart=/usr/bin/initpack-sysext-marker
StandardOutput=journal+console
UNIT
ln -s ../initpack-sysext-marker.service "$units/initrd.target.wants/"

make_test_root "$T/root"
make_root_image "$T/root.img" -L initpackroot >/dev/null
mkdir -p "$T/esp/uki.efi.extra.d"
build_test_initrd "$T/esp/uki.efi" --format uki --profile sysext \
  --extra-tree "$T/initrd-extra" \
  --kernel-command-line "root=LABEL=initpackroot rw console=ttyS0 panic=-1" >/dev/null
cp "$T/sysext/marker.raw" "$T/esp/uki.efi.extra.d/marker.raw"

boot_expect_root --uki "$T/esp/uki.efi" --drive "$T/root.img,snapshot"
boot_text >/dev/null
grep -q "INITPACK-SYSEXT-MARKER $word" "$BOOT_TEXT" || {
  grep -iE "sysext|extension|marker" "$BOOT_TEXT" >&2 || true
  fail "the program from the system extension did not run in the initrd"
}
expect_in "$BOOT_TEXT" "systemd[1]: Running in initrd."

# Without the image the program is not there, and the boot is unchanged.
rm "$T/esp/uki.efi.extra.d/marker.raw"
boot_expect_root --uki "$T/esp/uki.efi" --drive "$T/root.img,snapshot"
boot_text >/dev/null
expect_not_in "$BOOT_TEXT" "INITPACK-SYSEXT-MARKER $word"
