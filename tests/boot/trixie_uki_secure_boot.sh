# Debian 13 (trixie) UKI under SecureBoot: a multi-profile UKI built from
# trixie's packages (systemd 257, kernel 6.12) on trixie's systemd-stub
# (257), signed with a test key that OVMF's SecureBoot build has enrolled
# as PK, KEK and db (enforcing). Booted twice:
#  - by the firmware itself: profile 0, the base command line;
#  - by trixie's systemd-boot, signed with the same key, from a loader
#    entry with "options @2": profile 2's command line. Under SecureBoot
#    the stub takes the profile choice but no other load options.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/uefi.sh"
source "$TESTS_LIB/trixie.sh"
need qemu-system-x86_64 sbverify sbsign
need_ovmf
use_trixie
stubs=$(trixie_stub_dir) || exit

make_test_key "$T/keys"
make_secure_boot_vars "$T/vars.fd" "$T/keys/db.crt"
make_test_root "$T/root"
make_root_image "$T/root.img" -L initpackroot >/dev/null
printf '[UKIProfile]\nProfile=ID=default\n        TITLE=Default\nCmdline=initpack.profile=default\n' >"$T/p0.conf"
printf '[UKIProfile]\nProfile=ID=debug\n        TITLE=Debug\nCmdline=initpack.profile=debug\n' >"$T/p1.conf"
cmdline="root=LABEL=initpackroot rw console=ttyS0 panic=-1 $TRIXIE_DEVICE_WAIT"
mkdir -p "$T/esp/initpack" "$T/esp/EFI/BOOT" "$T/esp/loader/entries"
uki=$T/esp/initpack/uki.efi
build_test_initrd "$uki" --format uki --stub "$stubs/linuxx64.efi.stub" \
  --uki-profile "$T/p0.conf" --uki-profile "$T/p1.conf" --kernel-command-line "$cmdline" \
  --secure-boot-key "$T/keys/db.key" --secure-boot-certificate "$T/keys/db.crt" >/dev/null
sbverify --cert "$T/keys/db.crt" "$uki" >"$T/sbverify.out" 2>&1 ||
  { cat "$T/sbverify.out" >&2; fail "sbverify rejects the signed UKI"; }

# expect_sb_boot WHO HAS HAS_NOT: the last boot ran trixie's kernel and
# systemd with SecureBoot on, and a command line holding HAS, not HAS_NOT.
expect_sb_boot() {
  local line
  expect_trixie_boot
  expect_in "$BOOT_TEXT" "Secure boot enabled"
  expect_in "$BOOT_TEXT" "systemd[1]: Running in initrd."
  line=$(grep -m1 -o 'Kernel command line: .*' "$BOOT_TEXT")
  [[ $line == *"$2"* && $line != *"$3"* ]] || fail "$1 booted with '$line'"
}

start=$SECONDS
cp "$T/vars.fd" "$T/vars0.fd"
boot_expect_root --uki "$uki" --secure-boot --firmware-vars "$T/vars0.fd" \
  --drive "$T/root.img,snapshot" >/dev/null
expect_sb_boot "profile 0" "Kernel command line: $cmdline" "initpack.profile="
echo "profile 0: $((SECONDS - start)) s"

start=$SECONDS
sbsign --key "$T/keys/db.key" --cert "$T/keys/db.crt" \
  --output "$T/esp/EFI/BOOT/BOOTX64.EFI" "$stubs/systemd-bootx64.efi" 2>/dev/null ||
  fail "sbsign cannot sign trixie's systemd-boot"
printf 'timeout 0\ndefault profile2*\n' >"$T/esp/loader/loader.conf"
printf 'title initpack debug profile\nefi /initpack/uki.efi\noptions @2\n' \
  >"$T/esp/loader/entries/profile2.conf"
cp "$T/vars.fd" "$T/vars2.fd"
boot_expect_root --esp "$T/esp" --secure-boot --firmware-vars "$T/vars2.fd" \
  --drive "$T/root.img,snapshot" >/dev/null
expect_sb_boot "profile 2" "initpack.profile=debug" "initpack.profile=default"
echo "profile 2 through systemd-boot: $((SECONDS - start)) s"
