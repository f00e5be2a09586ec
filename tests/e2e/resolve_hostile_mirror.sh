# A hostile mirror cannot fill the disk or hold a resolve: an endless
# InRelease stops at the documented limit, a Packages.xz longer than the
# signed Release says is cut at that size, a redirect loop ends after 10
# hops; each with a message saying so, and the cached index untouched.
. "$(dirname "$0")/../lib/common.sh"
. "$TESTS_LIB/test-archive.sh"
setup_test_archive
STABLE=$HTTP_URL/dists/stable
bin=main/binary-amd64

# An endless InRelease on a first run: refused at 10,000,000 bytes.
http_fault '{"path":"dists/stable/InRelease","action":"endless"}'
expect_fail "${RESOLVE[@]}" app
cat "$T/err"
expect_in "$T/err" "initpack: error: cannot download $STABLE/InRelease: server sent more than 10000000 bytes (the limit for an InRelease)"
du=$(du -sb "$CACHE" | cut -f1)
[ "$du" -lt 11000000 ] || fail "the cache grew to $du bytes"

# A Packages.xz with 100 MB more than Release promises: cut at its size.
xz_size=$(stat -c %s "$ARCHIVE/dists/stable/$bin/Packages.xz")
xz_sha=$(sha256sum <"$ARCHIVE/dists/stable/$bin/Packages.xz" | cut -d' ' -f1)
http_fault "{\"path\":\"dists/stable/$bin/by-hash/SHA256/$xz_sha\",\"action\":\"extra\",\"extra\":100000000}"
expect_fail "${RESOLVE[@]}" app
cat "$T/err"
expect_in "$T/err" "initpack: error: Packages index does not match the signed Release or cannot be downloaded: $STABLE/$bin/by-hash/SHA256/$xz_sha: server sent more than the $xz_size bytes Release promises"
du=$(du -sb "$CACHE" | cut -f1)
[ "$du" -lt 1000000 ] || fail "the cache grew to $du bytes"

# A good run fills the cache; a redirect loop and an endless InRelease
# afterwards leave it as it was, and the cached copy is used.
"${RESOLVE[@]}" app >"$T/out"
cp "$CACHE/indexes/"*/stable/InRelease "$T/good.InRelease"
touch -d "@$(($(date +%s) + 2))" "$ARCHIVE"/dists/*/InRelease
: >"$HTTP_LOG"
http_fault '{"path":"dists/stable/InRelease","action":"redirect","times":1000}'
"${RESOLVE[@]}" app >"$T/out" 2>"$T/err"
cat "$T/err"
expect_in "$T/err" "initpack: warning: cannot download $STABLE/InRelease: more than 10 redirects (a redirect loop?); using the cached copy"
n=$(grep -c '"path": "/dists/stable/InRelease"' "$HTTP_LOG")
[ "$n" -eq 11 ] || fail "$n requests for the looping InRelease"
expect_in "$T/out" "libfoo"
http_fault '{"path":"dists/stable/InRelease","action":"endless"}'
"${RESOLVE[@]}" app >"$T/out" 2>"$T/err"
expect_in "$T/err" "initpack: warning: cannot download $STABLE/InRelease: server sent more than 10000000 bytes (the limit for an InRelease); using the cached copy"
cmp "$CACHE/indexes/"*/stable/InRelease "$T/good.InRelease" || fail "cached InRelease changed"
[ ! -e "$CACHE/indexes/"*/stable/InRelease.new.part ] || fail "partial InRelease left behind"
