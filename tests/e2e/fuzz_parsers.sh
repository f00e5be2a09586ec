# Every parser of untrusted input runs under libFuzzer with ASan and UBSan
# for a bounded number of executions (fixed seed, so CI repeats exactly the
# run made here; FUZZ_RUNS=N overrides them) and at most FUZZ_SECONDS each,
# from the seed corpus in tests/fuzz/corpus: any crash, leak, timeout or
# sanitizer report fails the test. Prints the executions per harness.
source "$(dirname "$0")/../lib/common.sh"
need clang++
fuzz=$INITPACK_SOURCE_DIR/tests/fuzz
secs=${FUZZ_SECONDS:-60}
# Executions per harness: what about 5 s gives on this machine kind.
declare -A runs_of=([deb822]=40000 [ini]=50000 [cpio]=50000 [decompress]=300
  [pe]=100000 [credential]=25000 [dracut]=30000 [deb]=1000 [erofs]=50000)
echo 'extern "C" int LLVMFuzzerTestOneInput(const char *, unsigned long) { return 0; }' > "$T/probe.cc"
clang++ -fsanitize=fuzzer "$T/probe.cc" -o "$T/probe" 2>/dev/null ||
  skip "clang's libFuzzer runtime is missing"

for name in deb822 ini dracut cpio decompress pe credential deb erofs; do
  bash "$fuzz/build.sh" "$name" "$T/fuzz-$name"
  mkdir -p "$T/corpus-$name"
  cp "$fuzz/corpus/$name/"* "$T/corpus-$name/" 2>/dev/null || true
  "$T/fuzz-$name" -seed=1 -runs="${FUZZ_RUNS:-${runs_of[$name]}}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$T/crash-$name-" \
    "$T/corpus-$name" >"$T/$name.log" 2>&1 || {
    tail -50 "$T/$name.log"
    fail "fuzz harness $name found a problem (artifacts: $T/crash-$name-*)"
  }
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$T/$name.log")
  echo "fuzz $name: $runs executions"
  [ "${runs:-0}" -gt 0 ] || fail "fuzz harness $name did not run"
done
