# A Release past its Valid-Until is refused (a stale mirror or a replayed
# index), unless the check is turned off.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/test-archive.sh"
setup_test_archive --expired

expect_fail "${RESOLVE[@]}" app
cat "$T/err"
expect_in "$T/err" "initpack: error: $HTTP_URL/dists/stable/InRelease: expired: Valid-Until "
expect_in "$T/err" "is in the past (now "
expect_in "$T/err" "initpack: error: $HTTP_URL/dists/stable-updates/InRelease: expired: "

"${RESOLVE[@]}" --no-check-valid-until app >"$T/out"
expect_in "$T/out" "libfoo"
# The cache does not make an expired index valid either.
expect_fail "${RESOLVE[@]}" --offline app
expect_in "$T/err" "expired: Valid-Until"
