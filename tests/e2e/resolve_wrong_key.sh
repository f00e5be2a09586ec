# An InRelease signed by a key that is not in the keyring is refused.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/test-archive.sh"
setup_test_archive --wrong-key

expect_fail "${RESOLVE[@]}" app
cat "$T/err"
expect_in "$T/err" "initpack: error: $HTTP_URL/dists/stable/InRelease: signature check failed: signed by key "
expect_in "$T/err" ", which is not in $ARCHIVE/keyring.gpg"
expect_in "$T/err" "initpack: error: $HTTP_URL/dists/stable-updates/InRelease: signature check failed"
[ ! -e "$CACHE/indexes/127.0.0.1:$HTTP_PORT/stable/InRelease" ] ||
  fail "an unverified InRelease entered the cache"
# Trusting that other key makes the same archive acceptable.
"${RESOLVE[@]}" --keyring "$ARCHIVE/other-keyring.gpg" app >"$T/out"
expect_in "$T/out" "zeta-impl"
