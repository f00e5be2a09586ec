# The right package set from the signed test archive, and every URL, size
# and SHA256 in it checked against the .deb the server actually serves.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/test-archive.sh"
setup_test_archive

"${RESOLVE[@]}" app files >"$T/table"
cat "$T/table"
# Exact set: newest libfoo (stable-updates), first alternative, the virtual
# package's provider, the Pre-Depends; no Recommends, no Essential package.
awk 'NR>1 && !/packages,/ {print $1, $2}' "$T/table" >"$T/set"
cat >"$T/expected" <<'END'
app 1.0
base-pre 1.0
files 1.0
libfoo 1.3
tiny-mta 1.0
zeta-impl 1.0
END
diff -u "$T/expected" "$T/set" || fail "wrong package set"
expect_in "$T/table" "6 packages, "

"${RESOLVE[@]}" --json app files >"$T/set.json"
for name in $(cut -d' ' -f1 "$T/expected"); do
  url=$(json_field "$T/set.json" "$name" url)
  curl -fsS -o "$T/$name.deb" "$url"
  [ "$(sha256sum <"$T/$name.deb" | cut -d' ' -f1)" = "$(json_field "$T/set.json" "$name" sha256)" ] ||
    fail "$name: SHA256 differs from $url"
  [ "$(stat -c %s "$T/$name.deb")" = "$(json_field "$T/set.json" "$name" size)" ] ||
    fail "$name: size differs from $url"
  [ "$(dpkg-deb -f "$T/$name.deb" Version)" = "$(json_field "$T/set.json" "$name" version)" ] ||
    fail "$name: version differs from the .deb's control file"
done
[ "$(json_field "$T/set.json" libfoo url)" = "$HTTP_URL/pool/updates/libfoo_1.3_amd64.deb" ] ||
  fail "libfoo must come from stable-updates"
[ "$(json_field "$T/set.json" shared url)" = "" ] || fail "shared was not requested"

# The same version in both suites comes from stable-updates, whatever the
# order the suites are given in.
for order in stable,stable-updates stable-updates,stable; do
  "$INITPACK" resolve --apt-root "$T/aptroot" --mirror "$HTTP_URL" \
    --suite "$order" --keyring "$ARCHIVE/keyring.gpg" --cache-dir "$CACHE" \
    --json shared >"$T/shared.json"
  [ "$(json_field "$T/shared.json" shared url)" = "$HTTP_URL/pool/updates/shared_2.0_all.deb" ] ||
    fail "suite order $order changed the URL of shared"
done
