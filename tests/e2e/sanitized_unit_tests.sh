# The unit tests again, built with ASan and UBSan (scripts/test-asan, in
# build-asan/): any sanitizer report fails them. One job wide, so it runs
# beside a boot instead of slowing two. It must have run every unit test
# the normal build has, not a subset that happened to build.
source "$(dirname "$0")/../lib/common.sh"
INITPACK_ASAN_JOBS=1 "$INITPACK_SOURCE_DIR/scripts/test-asan" >"$T/asan.log" 2>&1 || {
  tail -60 "$T/asan.log"
  fail "the unit tests failed under ASan/UBSan (log: $T/asan.log)"
}
grep -q 'tests passed, 0 tests failed out of' "$T/asan.log" || fail "no ctest summary in $T/asan.log"
# One result line per test ("12/414 Test  #12: Name ... Passed"), disabled
# and skipped ones included: as many as the normal build has.
ran=$(grep -cE '^ *[0-9]+/[0-9]+ Test +#[0-9]+: ' "$T/asan.log" || true)
want=$(ctest --test-dir "$INITPACK_BUILD_DIR" -N -L unit | sed -n 's/^Total Tests: //p')
echo "ASan/UBSan: $ran unit tests run, of $want"
[ "$ran" -eq "$want" ] || fail "ASan/UBSan ran $ran unit tests, the build has $want"
