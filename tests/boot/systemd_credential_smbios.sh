# Trusted credentials without a UKI: the ordinary initrd booted by qemu's
# kernel loader (SeaBIOS) gets one credential from `initpack qemu
# --credential` (SMBIOS type 11 OEM strings, /sys/firmware/dmi/entries,
# built into Debian's kernel) and one from systemd.set_credential= on the
# kernel command line; PID 1 imports both into /run/credentials/@system and
# a unit reads them with LoadCredential=. Random values per run.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/credentials.sh"
need qemu-system-x86_64 base64
debian_fixture

credential_test_tree "$T/tree"
build_test_initrd "$T/initrd.img" --extra-tree "$T/tree" >/dev/null
make_test_root "$T/root"
make_root_image "$T/root.img" -L initpackroot >/dev/null

smbios_value=$(random_token smbios)
cmdline_value=$(random_token cmdline)
boot_systemd_initrd "$T/initrd.img" "root=LABEL=initpackroot" \
  --append "systemd.set_credential=initpack.cmdline:$cmdline_value" \
  --credential "initpack.smbios=$smbios_value"
expect_in "$BOOT_TEXT" "INITPACK-CREDENTIAL initpack.smbios=$smbios_value"
expect_in "$BOOT_TEXT" "INITPACK-CREDENTIAL initpack.cmdline=$cmdline_value"
# Nothing else was passed: the encrypted-only unit prints nothing.
[ "$(grep -c "INITPACK-CREDENTIAL" "$BOOT_TEXT")" = 2 ] ||
  { grep "INITPACK-CREDENTIAL" "$BOOT_TEXT" >&2; fail "unexpected credentials printed"; }
