# When the archive changes, the next resolve sees it: the new InRelease is
# verified, the new Packages file fetched by its hash, the new version
# chosen, and the superseded Packages and .solv files pruned from the cache.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/test-archive.sh"
setup_test_archive

"${RESOLVE[@]}" --json libfoo >"$T/before.json"
[ "$(json_field "$T/before.json" libfoo version)" = 1.3 ] || fail "expected libfoo 1.3"
old=$(sha256sum <"$ARCHIVE/dists/stable-updates/main/binary-amd64/Packages.xz" | cut -d' ' -f1)
[ -e "$CACHE/indexes/packages/$old.xz" ] || fail "Packages not cached by hash"
[ -e "$CACHE/indexes/solv-v2/$old.solv" ] || fail ".solv not cached by hash"

bash "$TESTS_LIB/make-test-archive.sh" "$ARCHIVE" --update
touch -d "@$(($(date +%s) + 2))" "$ARCHIVE"/dists/*/InRelease
new=$(sha256sum <"$ARCHIVE/dists/stable-updates/main/binary-amd64/Packages.xz" | cut -d' ' -f1)
[ "$old" != "$new" ] || fail "the update did not change the index"

: >"$HTTP_LOG"
"${RESOLVE[@]}" --json libfoo >"$T/after.json"
[ "$(json_field "$T/after.json" libfoo version)" = 1.4 ] || fail "the update was not seen"
[ "$(json_field "$T/after.json" libfoo url)" = "$HTTP_URL/pool/updates/libfoo_1.4_amd64.deb" ] ||
  fail "wrong URL"
expect_in "$HTTP_LOG" '"path": "/dists/stable-updates/main/binary-amd64/Packages.xz"'
[ -e "$CACHE/indexes/packages/$new.xz" ] || fail "new Packages not cached"
[ ! -e "$CACHE/indexes/packages/$old.xz" ] || fail "superseded Packages not pruned"
[ ! -e "$CACHE/indexes/solv-v2/$old.solv" ] || fail "superseded .solv not pruned"
# stable's (re-signed but unchanged) index is still there.
ls "$CACHE/indexes/packages" | grep -c . | grep -qx 2 || fail "unexpected cache content: $(ls "$CACHE/indexes/packages")"
