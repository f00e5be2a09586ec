# --offline with an empty cache fails clearly and touches no network.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/test-archive.sh"
setup_test_archive

expect_fail "${RESOLVE[@]}" --offline app
cat >"$T/expected" <<END
initpack: error: --offline: no cached $HTTP_URL/dists/stable/InRelease (run once without --offline)
initpack: error: --offline: no cached $HTTP_URL/dists/stable-updates/InRelease (run once without --offline)
initpack: 2 errors, stopping
END
diff -u "$T/expected" "$T/err" || fail "unexpected message"
[ ! -s "$HTTP_LOG" ] || fail "--offline made requests: $(cat "$HTTP_LOG")"
