# SecureBoot: a UKI signed at build time (SecureBootKey=, sbsign) boots
# under OVMF's SecureBoot build with our test certificate enrolled as PK,
# KEK and db (trixie's virt-fw-vars); the same UKI with one byte of its
# .cmdline changed is refused by the firmware. sbverify checks both.
# Stub: bookworm's systemd-stub 252.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/uefi.sh"
need qemu-system-x86_64 sbverify sbsign python3
need_ovmf
[ -f /usr/lib/systemd/boot/efi/linuxx64.efi.stub ] || skip "systemd-boot-efi is not installed"
debian_fixture

make_test_key "$T/keys"
make_secure_boot_vars "$T/vars.fd" "$T/keys/db.crt"
make_test_root "$T/root"
make_root_image "$T/root.img" -L initpackroot >/dev/null
mkdir -p "$T/uki"
build_test_initrd "$T/uki/uki.efi" --format uki \
  --kernel-command-line "root=LABEL=initpackroot rw console=ttyS0 panic=-1" \
  --secure-boot-key "$T/keys/db.key" --secure-boot-certificate "$T/keys/db.crt" >/dev/null
sbverify --cert "$T/keys/db.crt" "$T/uki/uki.efi" >"$T/sbverify.out" 2>&1 ||
  { cat "$T/sbverify.out" >&2; fail "sbverify rejects the signed UKI"; }

# The tampered copy: "panic=-1" becomes "panic=-2" inside the signed file.
python3 - "$T/uki/uki.efi" "$T/tampered.efi" <<'PY'
import sys
b = open(sys.argv[1], 'rb').read()
assert b.count(b'panic=-1') == 1
open(sys.argv[2], 'wb').write(b.replace(b'panic=-1', b'panic=-2'))
PY
if sbverify --cert "$T/keys/db.crt" "$T/tampered.efi" >/dev/null 2>&1; then
  fail "sbverify accepts the tampered UKI"
fi

cp "$T/vars.fd" "$T/vars-signed.fd"
boot_expect_root --uki "$T/uki/uki.efi" --secure-boot --firmware-vars "$T/vars-signed.fd" \
  --drive "$T/root.img,snapshot"
boot_text >/dev/null
expect_in "$BOOT_TEXT" "systemd[1]: Running in initrd."
# The kernel saw SecureBoot on: the firmware really enforced it.
expect_in "$BOOT_TEXT" "Secure boot enabled"

cp "$T/vars.fd" "$T/vars-tampered.fd"
boot_expect_failure "Access Denied" --uki "$T/tampered.efi" --secure-boot \
  --firmware-vars "$T/vars-tampered.fd" --drive "$T/root.img,snapshot" --timeout 120
