# Format=sysext / confext from ExtraTrees= (no archive needed): the image is
# an EROFS file system that fsck.erofs extracts to exactly the extension's
# files plus its extension-release, NAME.verity verifies against
# NAME.roothash with veritysetup, blkid sees erofs, two builds give the same
# bytes, each carries a manifest named after it, and files outside /usr
# and /opt (sysext) or /etc (confext) are refused by name.
source "$(dirname "$0")/../lib/common.sh"
need fsck.erofs veritysetup blkid

mkdir -p "$T/ext/usr/bin" "$T/ext/opt/marker" "$T/ext/etc"
printf '#!/bin/bash\necho hello\n' >"$T/ext/usr/bin/initpack-marker"
chmod 755 "$T/ext/usr/bin/initpack-marker"
echo data >"$T/ext/opt/marker/data"
echo conf >"$T/ext/etc/marker.conf"

build() { # OUT [args…]
  local out=$1
  shift
  SOURCE_DATE_EPOCH=1700000000 "$INITPACK" build -o "$out" "$@"
}

# A sysext: /usr and /opt only (etc/ is dropped by RemoveFiles=).
for n in 1 2; do
  mkdir "$T/$n"
  build "$T/$n/marker.raw" --format sysext --extra-tree "$T/ext" \
    --remove-files /etc --extension-release SYSEXT_SCOPE=initrd \
    --extension-release ID=debian --extension-release VERSION_ID=12 \
    2>"$T/$n/log" || { cat "$T/$n/log" >&2; fail "sysext build failed"; }
done
for f in marker.raw marker.verity marker.roothash; do
  cmp "$T/1/$f" "$T/2/$f" || fail "$f differs between two builds"
done
img=$T/1/marker.raw
roothash=$(cat "$T/1/marker.roothash")
expect_in "$T/1/log" "root hash $roothash"
[ "$(blkid -o value -s TYPE "$img")" = erofs ] || fail "blkid does not see erofs"
veritysetup verify "$img" "$T/1/marker.verity" "$roothash" ||
  fail "veritysetup disagrees with marker.roothash"
fsck.erofs --extract="$T/x" "$img" >"$T/fsck" 2>&1 || { cat "$T/fsck" >&2; fail "fsck.erofs rejects the image"; }
(cd "$T/x" && find . -mindepth 1 | sort) >"$T/list"
cat >"$T/want" <<'LIST'
./opt
./opt/marker
./opt/marker/data
./usr
./usr/bin
./usr/bin/initpack-marker
./usr/lib
./usr/lib/extension-release.d
./usr/lib/extension-release.d/extension-release.marker
./usr/lib/initpack
./usr/lib/initpack/manifest.marker.json
LIST
diff -u "$T/want" "$T/list" || fail "the sysext holds other paths than its own"
printf 'ID=debian\nSYSEXT_SCOPE=initrd\nVERSION_ID=12\n' >"$T/release"
cmp "$T/release" "$T/x/usr/lib/extension-release.d/extension-release.marker" ||
  fail "extension-release.marker: $(cat "$T/x/usr/lib/extension-release.d/extension-release.marker")"
[ -x "$T/x/usr/bin/initpack-marker" ] || fail "the script lost its mode"
# Its manifest is named after it (the system it extends keeps its own),
# and inspect finds it.
"$INITPACK" inspect --manifest "$img" >"$T/manifest" || fail "inspect --manifest finds no manifest in the sysext"
grep -q "^Manifest: usr/lib/initpack/manifest.marker.json: initpack .*, kernel (none), amd64, configuration sha256:[0-9a-f]\{64\}, 0 packages, SOURCE_DATE_EPOCH 1700000000$" "$T/manifest" ||
  fail "the sysext's manifest: $(cat "$T/manifest")"
cmp "$T/ext/opt/marker/data" "$T/x/opt/marker/data" || fail "opt/marker/data differs"

# A changed byte makes verification fail (the check above can fail).
cp "$img" "$T/bad.raw"
printf 'X' | dd of="$T/bad.raw" bs=1 seek=2000 conv=notrunc status=none
if veritysetup verify "$T/bad.raw" "$T/1/marker.verity" "$roothash" 2>/dev/null; then
  fail "veritysetup accepts a changed image"
fi

# With a key: NAME.roothash.p7s, a detached PKCS#7 over the hex root hash
# that openssl verifies with the certificate (and not over another hash).
need openssl
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" \
  -subj /CN=initpack-test -days 2 2>/dev/null
build "$T/signed.raw" --format sysext --extra-tree "$T/ext" --remove-files /etc \
  --extension-release ID=debian --extension-release VERSION_ID=12 \
  --secure-boot-key "$T/key.pem" --secure-boot-certificate "$T/cert.pem" 2>"$T/log"
printf %s "$(cat "$T/signed.roothash")" >"$T/signed.hex"
openssl smime -verify -binary -inform der -in "$T/signed.roothash.p7s" -content "$T/signed.hex" \
  -certfile "$T/cert.pem" -CAfile "$T/cert.pem" -purpose any -out /dev/null 2>"$T/verify" ||
  { cat "$T/verify" >&2; fail "openssl does not verify signed.roothash.p7s"; }
printf %s "$(cat "$T/1/marker.roothash")" >"$T/other.hex"
if openssl smime -verify -binary -inform der -in "$T/signed.roothash.p7s" -content "$T/other.hex" \
  -certfile "$T/cert.pem" -CAfile "$T/cert.pem" -purpose any -out /dev/null 2>/dev/null; then
  fail "the root hash signature verifies another root hash"
fi
cmp -s "$T/signed.roothash" "$T/1/marker.roothash" && fail "test setup: same root hash twice"
expect_fail build "$T/nokey.raw" --format sysext --extra-tree "$T/ext" --remove-files /etc \
  --extension-release ID=debian --extension-release VERSION_ID=12 \
  --secure-boot-key "$T/missing.pem" --secure-boot-certificate "$T/cert.pem"
expect_in "$T/err" "missing.pem: not a readable PEM private key"
[ ! -e "$T/nokey.raw" ] || fail "a failed signing left nokey.raw"

# Files outside /usr and /opt are named, with their origin; nothing written.
expect_fail build "$T/out.raw" --format sysext --extra-tree "$T/ext" \
  --extension-release ID=debian --extension-release VERSION_ID=12
expect_in "$T/err" "Format=sysext: /etc/marker.conf (extra:$T/ext) is outside /usr and /opt"
[ ! -e "$T/out.raw" ] || fail "a refused sysext left $T/out.raw"
expect_fail build "$T/out.img" --format sysext --extra-tree "$T/ext"
expect_in "$T/err" "must be named NAME.raw"

# A confext: /etc only, its release file under etc/extension-release.d/.
build "$T/conf.raw" --format confext --extra-tree "$T/ext" --remove-files /usr \
  --remove-files /opt --extension-release ID=debian --extension-release CONFEXT_LEVEL=1 \
  --no-verity 2>"$T/log"
[ ! -e "$T/conf.verity" ] || fail "--no-verity wrote conf.verity"
fsck.erofs --extract="$T/c" "$T/conf.raw" >"$T/fsck" 2>&1 || fail "fsck.erofs rejects the confext"
(cd "$T/c" && find . -mindepth 1 | sort | tr '\n' ' ') >"$T/clist"
[ "$(cat "$T/clist")" = "./etc ./etc/extension-release.d ./etc/extension-release.d/extension-release.conf ./etc/initpack ./etc/initpack/manifest.conf.json ./etc/marker.conf " ] ||
  fail "confext paths: $(cat "$T/clist")"
expect_in "$T/c/etc/extension-release.d/extension-release.conf" "CONFEXT_LEVEL=1"
expect_fail build "$T/conf2.raw" --format confext --extra-tree "$T/ext" \
  --extension-release ID=debian --extension-release VERSION_ID=12
expect_in "$T/err" "/usr/bin/initpack-marker (extra:$T/ext) is outside /etc"
