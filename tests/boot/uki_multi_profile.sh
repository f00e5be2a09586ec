# Multi-profile UKIs (UkiProfiles=): trixie's systemd-stub (257; bookworm's
# 252 is refused with its version named) boots profile 0, the base UKI
# (ID=main), by default: the base command line, no profile's words. The
# second file's profile (profile 2) is chosen by load options "@2", given
# here by bookworm's systemd-boot (252) from a loader entry (`efi` +
# `options @2`, `default` in loader.conf, timeout 0): no menu, no keys.
# The kernel prints the command line each profile gave it.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/uefi.sh"
need qemu-system-x86_64 objdump objcopy
need_ovmf
debian_fixture
stubs=$(trixie_stub_dir) || exit
sdboot=/usr/lib/systemd/boot/efi/systemd-bootx64.efi
[ -f "$sdboot" ] || skip "systemd-boot-efi has no systemd-bootx64.efi"

make_test_root "$T/root"
make_root_image "$T/root.img" -L initpackroot >/dev/null
printf '[UKIProfile]\nProfile=ID=default\n        TITLE=Default\nCmdline=initpack.profile=default\n' >"$T/p0.conf"
printf '[UKIProfile]\nProfile=ID=debug\n        TITLE=Debug\nCmdline=initpack.profile=debug\n' >"$T/p1.conf"
cmdline="root=LABEL=initpackroot rw console=ttyS0 panic=-1"

# Bookworm's stub cannot: the error names its version, nothing is written.
expect_fail "$INITPACK" build --cache-dir "$INITPACK_TEST_CACHE" \
  --kernel-package "$TEST_KERNEL_PACKAGE" -o "$T/old.efi" --format uki --uki-profile "$T/p0.conf" \
  --kernel-command-line "$cmdline"
expect_in "$T/err" "multi-profile UKIs need systemd-stub >= 257; this stub is systemd-stub 252"
[ ! -e "$T/old.efi" ] || fail "a refused multi-profile UKI was written"

mkdir -p "$T/esp/initpack" "$T/esp/EFI/BOOT" "$T/esp/loader/entries"
mkdir -p "$T/again"
for out in "$T/esp/initpack/uki.efi" "$T/again/uki.efi"; do
  build_test_initrd "$out" --format uki --stub "$stubs/linuxx64.efi.stub" \
    --uki-profile "$T/p0.conf" --uki-profile "$T/p1.conf" --kernel-command-line "$cmdline" >/dev/null
done
uki=$T/esp/initpack/uki.efi
cmp "$uki" "$T/again/uki.efi" || fail "two builds of the multi-profile UKI differ"

# objdump's section table: the base sections, .linux among them, then
# profile 0 (.profile ID=main, nothing else), then each file's .profile and
# .cmdline, in this order.
objdump -h "$uki" | awk '$2 ~ /^\./ { print $2 }' >"$T/sections"
tail -n 6 "$T/sections" | tr '\n' ' ' >"$T/tail"
[ "$(cat "$T/tail")" = ".linux .profile .profile .cmdline .profile .cmdline " ] ||
  { cat "$T/sections" >&2; fail "section order is '$(cat "$T/tail")'"; }
[ "$(grep -c '^\.cmdline$' "$T/sections")" = 3 ] || fail "expected three .cmdline sections"
# Each profile's bytes, read by offset from objdump's table.
objdump -h "$uki" | awk '$2 == ".profile" || $2 == ".cmdline" { print $2, $3, $6 }' >"$T/table"
n=0
while read -r name size off; do
  n=$((n + 1))
  dd if="$uki" of="$T/s$n" bs=1 skip=$((16#$off)) count=$((16#$size)) status=none
done <"$T/table"
[ "$(cat "$T/s1")" = "$cmdline" ] || fail "base .cmdline is '$(cat "$T/s1")'"
[ "$(cat "$T/s2")" = "ID=main" ] || fail "profile 0's .profile: $(cat "$T/s2")"
grep -qx 'ID=default' "$T/s3" && grep -qx 'TITLE=Default' "$T/s3" || fail "profile 1's .profile: $(cat "$T/s3")"
[ "$(cat "$T/s4")" = "$cmdline initpack.profile=default" ] || fail "profile 1's .cmdline: $(cat "$T/s4")"
grep -qx 'ID=debug' "$T/s5" || fail "profile 2's .profile: $(cat "$T/s5")"
[ "$(cat "$T/s6")" = "$cmdline initpack.profile=debug" ] || fail "profile 2's .cmdline: $(cat "$T/s6")"

# inspect names each section's profile and each .profile's ID=.
"$INITPACK" inspect "$uki" >"$T/listing"
grep -Eq '\.profile .* 0 +ID=main$' "$T/listing" && grep -Eq '\.profile .* 2 +ID=debug$' "$T/listing" &&
  grep -Eq '\.cmdline .* 2 +.*initpack\.profile=debug$' "$T/listing" ||
  { head -n 30 "$T/listing" >&2; fail "inspect does not show the profiles"; }

# expect_kernel_cmdline WHO HAS HAS_NOT: the command line the kernel printed
# in this boot holds HAS and not HAS_NOT.
expect_kernel_cmdline() {
  local line
  line=$(grep -m1 -o 'Kernel command line: .*' "$BOOT_TEXT" | tr -d '\r')
  [[ $line == *"$2"* && $line != *"$3"* ]] || fail "$1 booted with '$line'"
}

# Profile 0, booted by the firmware itself (no load options): the base.
boot_expect_root --uki "$uki" --drive "$T/root.img,snapshot" >/dev/null
boot_text >/dev/null
expect_kernel_cmdline "profile 0" "Kernel command line: $cmdline" "initpack.profile="

# Profile 2: systemd-boot starts the UKI with load options "@2".
cp "$sdboot" "$T/esp/EFI/BOOT/BOOTX64.EFI"
printf 'timeout 0\ndefault profile2*\n' >"$T/esp/loader/loader.conf"
printf 'title initpack debug profile\nefi /initpack/uki.efi\noptions @2\n' \
  >"$T/esp/loader/entries/profile2.conf"
boot_expect_root --esp "$T/esp" --drive "$T/root.img,snapshot" >/dev/null
boot_text >/dev/null
expect_kernel_cmdline "profile 2" "initpack.profile=debug" "initpack.profile=default"
expect_in "$BOOT_TEXT" "systemd[1]: Running in initrd."
