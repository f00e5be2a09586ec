# The offline signing flow: `initpack build --sign-later` writes the
# unsigned UKI and a sign request with its Authenticode digest; a signing
# server (here sbsign --detached) returns a detached PKCS#7; `initpack sign
# --attach` checks that it signs this image and attaches it. sbverify is
# the independent judge. A signature of another image is refused and the
# image left untouched.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/uefi.sh"
need sbsign sbverify python3
[ -f /usr/lib/systemd/boot/efi/linuxx64.efi.stub ] || skip "systemd-boot-efi is not installed"
debian_fixture
make_test_key "$T/keys"

mkdir -p "$T/img"
build_test_initrd "$T/img/uki.efi" --format uki --sign-later \
  --kernel-command-line "root=LABEL=x console=ttyS0" >/dev/null
req="$T/img/uki.efi.sign-request.json"
[ -f "$req" ] || fail "no sign request"
if sbverify --cert "$T/keys/db.crt" "$T/img/uki.efi" >/dev/null 2>&1; then
  fail "the SignLater UKI is already signed"
fi
# The request's digests are the image's: sha256sum and our --digest.
python3 - "$req" "$T/img/uki.efi" <<'PY'
import hashlib, json, os, sys
r = json.load(open(sys.argv[1]))
b = open(sys.argv[2], 'rb').read()
assert r["size"] == len(b), r
assert r["sha256"] == hashlib.sha256(b).hexdigest(), r
PY
digest=$("$INITPACK" sign "$T/img/uki.efi" --digest | cut -d' ' -f1)
expect_in "$req" "\"authenticode_sha256\": \"$digest\""

# The signing server's step, then ours.
sbsign --key "$T/keys/db.key" --cert "$T/keys/db.crt" --detached \
  --output "$T/uki.p7" "$T/img/uki.efi" 2>/dev/null
"$INITPACK" sign "$T/img/uki.efi" --attach "$T/uki.p7" -o "$T/signed.efi"
sbverify --cert "$T/keys/db.crt" "$T/signed.efi" >"$T/v.out" 2>&1 ||
  { cat "$T/v.out" >&2; fail "sbverify rejects the attached signature"; }
# The same as signing in one step would have produced, byte for byte.
sbsign --key "$T/keys/db.key" --cert "$T/keys/db.crt" --output "$T/direct.efi" \
  "$T/img/uki.efi" 2>/dev/null
[ "$(sbverify --list "$T/signed.efi" | md5sum)" = "$(sbverify --list "$T/direct.efi" | md5sum)" ] ||
  fail "attached and direct signatures list differently"

# A signature of another image is refused; the target stays as it was.
python3 - "$T/img/uki.efi" "$T/other.efi" <<'PY'
import sys
b = open(sys.argv[1], 'rb').read()
open(sys.argv[2], 'wb').write(b.replace(b'root=LABEL=x', b'root=LABEL=y'))
PY
sbsign --key "$T/keys/db.key" --cert "$T/keys/db.crt" --detached \
  --output "$T/other.p7" "$T/other.efi" 2>/dev/null
sum=$(sha256sum <"$T/img/uki.efi")
expect_fail "$INITPACK" sign "$T/img/uki.efi" --attach "$T/other.p7"
expect_in "$T/err" "a signature of another image"
[ "$(sha256sum <"$T/img/uki.efi")" = "$sum" ] || fail "a refused attach changed the image"
