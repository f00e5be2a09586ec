# The unit tests and the end-to-end tests that feed bad input, again, built
# with ASan and UBSan (scripts/test-asan, in build-asan/): any sanitizer
# report fails them. One job wide, so it runs beside a boot instead of
# slowing two. It must have run every unit test the normal build has and
# every end-to-end test it chose, not a subset that happened to build.
source "$(dirname "$0")/../lib/common.sh"
INITPACK_ASAN_JOBS=1 "$INITPACK_SOURCE_DIR/scripts/test-asan" >"$T/asan.log" 2>&1 || {
  tail -60 "$T/asan.log"
  fail "tests failed under ASan/UBSan (log: $T/asan.log)"
}
# One result line per test ("12/414 Test  #12: Name ... Passed"), disabled
# and skipped ones included.
results() { sed -n "/^== $1/,/^== /p" "$T/asan.log" | grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: ' || true; }
unit=$(results unit)
want=$(ctest --test-dir "$INITPACK_BUILD_DIR" -N -L unit | sed -n 's/^Total Tests: //p')
e2e=$(results end-to-end)
chosen=$(sed -n 's/^== end-to-end tests: \([0-9]*\) chosen$/\1/p' "$T/asan.log")
echo "ASan/UBSan: $unit unit tests of $want, $e2e end-to-end tests of ${chosen:-?} chosen"
[ "$unit" -eq "$want" ] || fail "ASan/UBSan ran $unit unit tests, the build has $want"
# At least 20: a pattern that no longer matches the scripts' names must fail.
[ "${chosen:-0}" -ge 20 ] && [ "$e2e" -eq "$chosen" ] ||
  fail "ASan/UBSan ran $e2e end-to-end tests of ${chosen:-no} chosen, expected at least 20"
[ "$(grep -c 'tests passed, 0 tests failed out of' "$T/asan.log")" -eq 2 ] || fail "no clean ctest summary for both runs"
