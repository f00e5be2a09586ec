# An unsatisfiable request fails with libsolv's reasons in plain words.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/test-archive.sh"
setup_test_archive

expect_fail "${RESOLVE[@]}" app conflicting
cat >"$T/expected" <<'END'
initpack: cannot resolve the package set:
  problem 1: conflicting 1.0 conflicts with app 1.0 (Conflicts/Breaks: app)
    and conflicting is requested
    and app is requested
    ways out: do not ask to install conflicting; or do not ask to install app
END
diff -u "$T/expected" "$T/err" || fail "unexpected message"

expect_fail "${RESOLVE[@]}" needs-missing no-such-package
cat >"$T/expected" <<'END'
initpack: cannot resolve the package set:
unknown package no-such-package
END
diff -u "$T/expected" "$T/err" || fail "unexpected message"

expect_fail "${RESOLVE[@]}" needs-missing
expect_in "$T/err" "problem 1: needs-missing 1.0 depends on does-not-exist, which no package provides"
