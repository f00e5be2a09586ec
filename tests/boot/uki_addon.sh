# Addons: `initpack addon` wraps a command line in systemd's addon stub;
# placed in UKI.extra.d/ on the ESP, trixie's systemd-stub (257; bookworm's
# 252 has no addons) appends it to the UKI's own command line, which the
# kernel prints. The UKI here is built from the same 257 stub (Stub=).
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/uefi.sh"
need qemu-system-x86_64 objdump objcopy
need_ovmf
debian_fixture
stubs=$(trixie_stub_dir) || exit

make_test_root "$T/root"
make_root_image "$T/root.img" -L initpackroot >/dev/null
mkdir -p "$T/esp/uki.efi.extra.d"
build_test_initrd "$T/esp/uki.efi" --format uki --stub "$stubs/linuxx64.efi.stub" \
  --kernel-command-line "root=LABEL=initpackroot rw console=ttyS0 panic=-1" >/dev/null
"$INITPACK" addon -o "$T/esp/uki.efi.extra.d/marker.addon.efi" \
  --stub "$stubs/addonx64.efi.stub" --cmdline initpack.addon=marker42

objdump -h "$T/esp/uki.efi.extra.d/marker.addon.efi" >"$T/sections" ||
  fail "objdump cannot read the addon"
expect_in "$T/sections" " .cmdline "
expect_in "$T/sections" " .sbat "
objcopy -O binary --only-section=.cmdline "$T/esp/uki.efi.extra.d/marker.addon.efi" "$T/cmdline"
[ "$(tr -d '\0' <"$T/cmdline")" = "initpack.addon=marker42" ] || fail "addon .cmdline is wrong"
expect_fail "$INITPACK" addon -o "$T/bad.efi" --stub "$stubs/addonx64.efi.stub" --cmdline x
expect_in "$T/err" "only loads files named *.addon.efi"

boot_expect_root --uki "$T/esp/uki.efi" --drive "$T/root.img,snapshot"
boot_text >/dev/null
grep -q "Kernel command line: .*root=LABEL=initpackroot.*initpack.addon=marker42" "$BOOT_TEXT" ||
  { grep "Kernel command line" "$BOOT_TEXT" >&2; fail "the addon's command line did not reach the kernel"; }
expect_in "$BOOT_TEXT" "systemd[1]: Running in initrd."
