# No server: a clear error naming the URL, after a bounded number of tries.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/test-archive.sh"
# A port nobody listens on: bind, note it, close.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$T/aptroot"
start=$(date +%s)
expect_fail "$INITPACK" resolve --apt-root "$T/aptroot" --mirror "http://127.0.0.1:$port" \
  --suite stable --keyring /dev/null --cache-dir "$T/cache" app
cat "$T/err"
elapsed=$(($(date +%s) - start))
expect_in "$T/err" "initpack: error: cannot download http://127.0.0.1:$port/dists/stable/InRelease: "
expect_in "$T/err" "(after 4 attempts)"
[ "$elapsed" -lt 20 ] || fail "took $elapsed s"
