# Credentials reach a unit in the initrd. A UKI from bookworm's
# systemd-stub (252) boots under OVMF from an ESP (EFI/BOOT/BOOTX64.EFI)
# whose BOOTX64.EFI.extra.d/ (per-UKI) and loader/credentials/ (global, for
# every UKI on the ESP) hold credentials made by `initpack credential` (null
# key, no TPM): the stub hands them to the initrd as /.extra/credentials/
# and /.extra/global_credentials/, PID 1 imports them
# (untrusted: /run/credentials/@encrypted) and a unit reads them with
# LoadCredentialEncrypted=, which decrypts and authenticates them. A second
# credential comes from `initpack qemu --credential` (SMBIOS type 11,
# trusted: @system) and is read with LoadCredential=. An altered .cred is
# refused in the initrd. The values are random per run, so only a
# credential that really arrived can print them.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/uefi.sh"
source "$TESTS_LIB/credentials.sh"
need qemu-system-x86_64 base64 python3
need_ovmf
[ -f /usr/lib/systemd/boot/efi/linuxx64.efi.stub ] || skip "systemd-boot-efi is not installed"
debian_fixture

credential_test_tree "$T/tree"

make_test_root "$T/root"
make_root_image "$T/root.img" -L initpackroot >/dev/null
boot=$T/esp/EFI/BOOT
mkdir -p "$boot/BOOTX64.EFI.extra.d" "$T/esp/loader/credentials"
build_test_initrd "$boot/BOOTX64.EFI" --format uki --extra-tree "$T/tree" \
  --kernel-command-line "root=LABEL=initpackroot rw console=ttyS0 panic=-1" >/dev/null

esp_value=$(random_token esp)
global_value=$(random_token global)
smbios_value=$(random_token smbios)
printf '%s' "$esp_value" | "$INITPACK" credential - -o "$boot/BOOTX64.EFI.extra.d/initpack.esp.cred"
printf '%s' "$global_value" | "$INITPACK" credential - -o "$T/esp/loader/credentials/initpack.global.cred"
# The altered one: a valid credential with one ciphertext byte flipped.
printf 'must-not-arrive' | "$INITPACK" credential - --name initpack.altered -o "$T/altered.cred"
base64 -d "$T/altered.cred" >"$T/altered.bin"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[60] ^= 1; open(sys.argv[1], "wb").write(b)' "$T/altered.bin"
base64 -w 79 "$T/altered.bin" >"$boot/BOOTX64.EFI.extra.d/initpack.altered.cred"

boot_expect_root --esp "$T/esp" --drive "$T/root.img,snapshot" \
  --credential "initpack.smbios=$smbios_value"
boot_text >/dev/null
expect_in "$BOOT_TEXT" "systemd[1]: Running in initrd."
expect_in "$BOOT_TEXT" "INITPACK-CREDENTIAL initpack.esp=$esp_value"
expect_in "$BOOT_TEXT" "INITPACK-CREDENTIAL initpack.global=$global_value"
expect_in "$BOOT_TEXT" "INITPACK-CREDENTIAL initpack.smbios=$smbios_value"
expect_not_in "$BOOT_TEXT" "must-not-arrive"
expect_not_in "$BOOT_TEXT" "INITPACK-CREDENTIAL initpack.altered"
# systemd reports the unit whose credential did not authenticate.
grep -q "initpack-test-altered.service: Main process exited, code=exited, status=243/CREDENTIALS" "$BOOT_TEXT" ||
  { grep -i "altered\|credential" "$BOOT_TEXT" >&2; fail "the altered credential was not refused"; }
