# A Packages file changed after the Release was signed is refused: its
# SHA256 no longer matches, and nothing of it stays in the cache.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/test-archive.sh"
setup_test_archive --tamper

start=$(date +%s)
expect_fail "${RESOLVE[@]}" app
cat "$T/err"
hash=$(awk '/^SHA256:/{s=1;next} s && $3=="main/binary-amd64/Packages.xz"{print $1; exit}' "$ARCHIVE/dists/stable/Release")
expect_in "$T/err" "initpack: error: Packages index does not match the signed Release or cannot be downloaded: $HTTP_URL/dists/stable/main/binary-amd64/by-hash/SHA256/$hash: SHA256 mismatch: expected $hash, got "
ls -A "$CACHE/indexes/packages" | grep -q "^$hash" && fail "tampered data left in the cache"
[ "$(ls -A "$CACHE/indexes/packages")" = "$(ls -A "$CACHE/indexes/packages" | grep -v '\.part$')" ] ||
  fail "partial download left in the cache"
[ $(($(date +%s) - start)) -lt 30 ] || fail "took too long"
