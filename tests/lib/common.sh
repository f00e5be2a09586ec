# Shared by the end-to-end and boot test scripts (mold-style): strict mode,
# a skip helper, a private temporary directory, and small assertions.
#
# Each script runs as `bash tests/<kind>/NAME.sh`; ctest sets INITPACK (the
# binary), INITPACK_SOURCE_DIR and INITPACK_BUILD_DIR. Exit 77 means skipped.
set -euo pipefail

: "${INITPACK_SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${INITPACK_BUILD_DIR:=$INITPACK_SOURCE_DIR/build}"
: "${INITPACK:=$INITPACK_BUILD_DIR/initpack}"
TESTS_LIB="$INITPACK_SOURCE_DIR/tests/lib"
TEST_NAME=$(basename "$0" .sh)
T=$(mktemp -d "${TMPDIR:-/tmp}/initpack-test-$TEST_NAME.XXXXXX")
_cleanup_fns=()
_cleanup() {
  local rc=$?
  for fn in "${_cleanup_fns[@]}"; do "$fn" || true; done
  if [ $rc -eq 0 ] || [ $rc -eq 77 ]; then rm -rf "$T"; else echo "test files kept in $T" >&2; fi
}
trap _cleanup EXIT
on_exit() { _cleanup_fns+=("$1"); }

skip() { echo "SKIPPED: $*" >&2; exit 77; }
fail() { echo "FAILED: $*" >&2; exit 1; }
need() { for c in "$@"; do command -v "$c" >/dev/null 2>&1 || skip "$c is not installed"; done; }

# expect_fail CMD…: CMD must exit non-zero; its stderr lands in $T/err.
expect_fail() {
  if "$@" >"$T/out" 2>"$T/err"; then fail "expected failure: $*"; fi
  return 0
}
# grep -F takes each line of a multi-line TEXT as a pattern of its own, an
# empty one matching anything: such an assertion could never fail.
_one_line() { [[ $1 != *$'\n'* ]] || fail "expect_in/expect_not_in take one line; use expect_line"; }
# expect_line FILE LINE: LINE is a whole line of FILE.
expect_line() {
  grep -qxF -- "$2" "$1" || { echo "--- $1:" >&2; cat "$1" >&2; fail "no line '$2' in $1"; }
}
# expect_in FILE TEXT: TEXT (fixed string) occurs in FILE.
expect_in() {
  _one_line "$2"
  grep -qF -- "$2" "$1" || { echo "--- $1:" >&2; cat "$1" >&2; fail "'$2' not in $1"; }
}
expect_not_in() {
  _one_line "$2"
  if grep -qF -- "$2" "$1"; then echo "--- $1:" >&2; cat "$1" >&2; fail "'$2' unexpectedly in $1"; fi
}

# start_http_server DIR: serves DIR on 127.0.0.1; sets HTTP_PORT, HTTP_URL
# and HTTP_LOG. Stopped when the test exits.
start_http_server() {
  local portfile="$T/http.port"
  rm -f "$portfile"
  HTTP_LOG="$T/http.log"
  python3 "$TESTS_LIB/http_server.py" "$1" "$portfile" "$HTTP_LOG" --lifetime 900 &
  HTTP_PID=$!
  on_exit stop_http_server
  for _ in $(seq 100); do [ -s "$portfile" ] && break; sleep 0.05; done
  [ -s "$portfile" ] || fail "HTTP server did not start"
  HTTP_PORT=$(cat "$portfile")
  HTTP_URL="http://127.0.0.1:$HTTP_PORT"
}
stop_http_server() { [ -n "${HTTP_PID:-}" ] && kill "$HTTP_PID" 2>/dev/null; wait "$HTTP_PID" 2>/dev/null || true; }
# http_fault JSON: e.g. http_fault '{"path":"pool/a.deb","action":"cut","after":100}'
http_fault() { curl -fsS -X POST --data "$1" "$HTTP_URL/_control" >/dev/null; }
