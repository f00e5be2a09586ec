# "zeta-impl | alpha-impl": Debian's order says zeta-impl, although libsolv
# alone picks alpha-impl (it sorts first by name). --explain says why; with
# zeta-impl removed the second alternative is taken.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/test-archive.sh"
setup_test_archive

"${RESOLVE[@]}" --explain app >"$T/out"
cat "$T/out"
expect_in "$T/out" "Depends of app: first alternative of zeta-impl | alpha-impl"
expect_not_in "$T/out" "alpha-impl  "
grep -q '^zeta-impl ' "$T/out" || fail "zeta-impl not chosen"
grep -q '^alpha-impl ' "$T/out" && fail "alpha-impl chosen"
expect_in "$T/out" "Pre-Depends of app: base-pre"
expect_in "$T/out" "Depends of app: mail-transport-agent (provided by tiny-mta)"
expect_in "$T/out" "Depends of app: libfoo (>= 1.2)"

"${RESOLVE[@]}" --explain --remove-package zeta-impl app >"$T/out2"
cat "$T/out2"
grep -q '^alpha-impl ' "$T/out2" || fail "alpha-impl not chosen with zeta-impl removed"
grep -q '^zeta-impl ' "$T/out2" && fail "a removed package was chosen"
expect_in "$T/out2" "Depends of app: second alternative of zeta-impl | alpha-impl"

"${RESOLVE[@]}" --explain --with-recommends app >"$T/out3"
expect_in "$T/out3" "Recommends of app: extra-tool"

# A removed package a dependency cannot do without: installed, then removed
# again (RemovePackages= as in mkosi), with a warning saying why.
"${RESOLVE[@]}" --remove-package base-pre app >"$T/out4" 2>"$T/err4"
grep -q '^base-pre ' "$T/out4" && fail "base-pre is in the set"
expect_in "$T/err4" "initpack: warning: command line (--remove-package): RemovePackages=base-pre: needed (Pre-Depends of app: base-pre); installed and removed again"
