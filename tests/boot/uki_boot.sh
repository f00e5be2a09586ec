# Format=uki: a UKI assembled from bookworm's systemd-stub (252) boots
# under OVMF from an ESP (EFI/BOOT/BOOTX64.EFI) to the real root, with the
# command line from its .cmdline section. objdump reads our PE headers
# independently; two builds are byte-identical.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/uefi.sh"
need qemu-system-x86_64 objdump objcopy
need_ovmf
[ -f /usr/lib/systemd/boot/efi/linuxx64.efi.stub ] || skip "systemd-boot-efi is not installed"
debian_fixture

make_test_root "$T/root"
make_root_image "$T/root.img" -L initpackroot >/dev/null
mkdir -p "$T/a" "$T/b"
cmdline="root=LABEL=initpackroot rw console=ttyS0 panic=-1"
build_test_initrd "$T/a/uki.efi" --format uki --kernel-command-line "$cmdline" >/dev/null
build_test_initrd "$T/b/uki.efi" --format uki --kernel-command-line "$cmdline" >/dev/null
cmp "$T/a/uki.efi" "$T/b/uki.efi" || fail "two UKI builds differ"

objdump -h "$T/a/uki.efi" >"$T/sections" || fail "objdump cannot read the UKI"
for s in .text .sbat .sdmagic .osrel .cmdline .uname .initrd .linux; do
  grep -qE "^ +[0-9]+ +\\$s " "$T/sections" || { cat "$T/sections" >&2; fail "no $s section"; }
done
# The payloads read back by objcopy are what went in.
for s in cmdline uname initrd linux osrel; do
  objcopy -O binary --only-section=".$s" "$T/a/uki.efi" "$T/$s.bin"
done
[ "$(tr -d '\0' <"$T/cmdline.bin")" = "$cmdline" ] || fail ".cmdline is '$(cat "$T/cmdline.bin")'"
[ "$(tr -d '\0' <"$T/uname.bin")" = "$KERNEL_VERSION" ] || fail ".uname is not $KERNEL_VERSION"
cmp "$T/linux.bin" "$T/a/vmlinuz" || fail ".linux is not the kernel"
grep -q '^ID=debian' "$T/osrel.bin" || fail ".osrel has no ID=debian"
# The initrd section is a cpio the kernel reads: zstd-compressed newc.
zstd -dc <"$T/initrd.bin" | cpio -it --quiet >"$T/initrd.list" 2>/dev/null
grep -qx 'usr/lib/systemd/systemd' "$T/initrd.list" || fail ".initrd is not the image's cpio"

boot_expect_root --uki "$T/a/uki.efi" --drive "$T/root.img,snapshot"
boot_text >/dev/null
expect_in "$BOOT_TEXT" "systemd[1]: Running in initrd."
# The root is our ext4 (the ESP is the other disk).
grep -qE "^root-hook: /dev/vd[ab] / ext4" "$BOOT_TEXT" || fail "the root is not the test's ext4"
