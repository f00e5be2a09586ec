# An InRelease changed after signing is refused (gpgv: BADSIG), naming the
# URL; the good copy in the cache survives the bad download.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/test-archive.sh"
setup_test_archive

"${RESOLVE[@]}" app >/dev/null
cached=$CACHE/indexes/127.0.0.1:$HTTP_PORT/stable/InRelease
good=$(sha256sum <"$cached")

# Alter the signed text on the server, and make it newer than the cache.
sed -i 's/^Label: initpack-test$/Label: initpack-evil/' "$ARCHIVE/dists/stable/InRelease"
touch -d "@$(($(date +%s) + 5))" "$ARCHIVE/dists/stable/InRelease"
expect_fail "${RESOLVE[@]}" app
cat "$T/err"
expect_in "$T/err" "initpack: error: $HTTP_URL/dists/stable/InRelease: BAD signature from key "
expect_in "$T/err" "(the file was modified after signing)"
[ "$(sha256sum <"$cached")" = "$good" ] || fail "the cached InRelease was replaced by a bad one"
[ ! -e "$cached.new" ] || fail "the bad download was left behind"

