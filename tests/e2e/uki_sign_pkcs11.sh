# SecureBootKey=pkcs11:… — the UKI is signed with a key that exists only in
# a PKCS#11 token (SoftHSM, made here with a private SOFTHSM2_CONF), through
# sbsign's OpenSSL engine (libengine-pkcs11-openssl, reaching SoftHSM via
# p11-kit's proxy module). sbverify --cert is the judge, and rejects another
# certificate. The URI in a config file is no path (not made relative to
# the file), the signing server's side (`initpack sign --key pkcs11:…
# --detached`) works too, and provider: keys are refused with the reason.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/uefi.sh"
need sbsign sbverify softhsm2-util openssl
[ -f /usr/lib/systemd/boot/efi/linuxx64.efi.stub ] || skip "systemd-boot-efi is not installed"
engine=$(openssl version -e | sed -n 's/^ENGINESDIR: "\(.*\)"/\1/p')/pkcs11.so
[ -f "$engine" ] || skip "no OpenSSL pkcs11 engine (package libengine-pkcs11-openssl)"
debian_fixture

# The token: initialised, the test key imported, then the PEM key deleted.
export SOFTHSM2_CONF=$T/softhsm2.conf
mkdir -p "$T/tokens"
echo "directories.tokendir = $T/tokens" >"$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label initpack-test --pin 1234 --so-pin 5678 >/dev/null
make_test_key "$T/keys"
openssl pkcs8 -topk8 -nocrypt -in "$T/keys/db.key" -out "$T/keys/db.p8"
softhsm2-util --import "$T/keys/db.p8" --token initpack-test --label db --id 01 --pin 1234 >/dev/null
rm "$T/keys/db.key" "$T/keys/db.p8"
uri="pkcs11:token=initpack-test;object=db;type=private;pin-value=1234"
make_test_key "$T/other"

# A config file names the token's key; the certificate is relative to it.
mkdir -p "$T/conf" "$T/img"
cp "$T/keys/db.crt" "$T/conf/"
printf '[Output]\nFormat=uki\nSecureBootKey=%s\nSecureBootCertificate=db.crt\n' "$uri" \
  >"$T/conf/initpack.conf"
build_test_initrd "$T/img/uki.efi" -C "$T/conf" --kernel-command-line "root=LABEL=x" >/dev/null
sbverify --cert "$T/keys/db.crt" "$T/img/uki.efi" >"$T/v.out" 2>&1 ||
  { cat "$T/v.out" >&2; fail "sbverify rejects the token-signed UKI"; }
if sbverify --cert "$T/other/db.crt" "$T/img/uki.efi" >/dev/null 2>&1; then
  fail "sbverify accepts the UKI with another certificate"
fi

# The signing server's side: a detached signature from the token, attached
# by the offline flow.
mkdir -p "$T/later"
build_test_initrd "$T/later/uki.efi" --format uki --sign-later --kernel-command-line "root=LABEL=x" >/dev/null
"$INITPACK" sign "$T/later/uki.efi" --key "$uri" --key-source engine:pkcs11 \
  --cert "$T/keys/db.crt" --detached "$T/uki.p7"
"$INITPACK" sign "$T/later/uki.efi" --attach "$T/uki.p7" -o "$T/signed.efi"
sbverify --cert "$T/keys/db.crt" "$T/signed.efi" >"$T/v2.out" 2>&1 ||
  { cat "$T/v2.out" >&2; fail "sbverify rejects the attached token signature"; }

# A wrong PIN fails the build and leaves no output; provider: is refused.
expect_fail "$INITPACK" build --cache-dir "$INITPACK_TEST_CACHE" --kernel-package "$TEST_KERNEL_PACKAGE" \
  -o "$T/bad.efi" --format uki --secure-boot-key "${uri/1234/9999}" \
  --secure-boot-certificate "$T/keys/db.crt"
expect_in "$T/err" "failed"
[ ! -e "$T/bad.efi" ] || fail "a failed signing left $T/bad.efi"
expect_fail "$INITPACK" build --cache-dir "$INITPACK_TEST_CACHE" --kernel-package "$TEST_KERNEL_PACKAGE" \
  -o "$T/bad.efi" --format uki --secure-boot-key "$uri" --secure-boot-key-source provider:pkcs11 \
  --secure-boot-certificate "$T/keys/db.crt"
expect_in "$T/err" "loads keys through OpenSSL engines only"
# The signing server's --key-source is checked like the setting.
expect_fail "$INITPACK" sign "$T/later/uki.efi" --key "$uri" --key-source bogus \
  --cert "$T/keys/db.crt" --detached "$T/bogus.p7"
expect_in "$T/err" "SecureBootKeySource=bogus: expected file, engine:NAME or provider:NAME"
[ ! -e "$T/bogus.p7" ] || fail "a refused signing wrote $T/bogus.p7"
