# A warm resolve makes one conditional request per suite (answered 304)
# and nothing else; --offline then works with the server gone.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/test-archive.sh"
setup_test_archive

"${RESOLVE[@]}" app files >"$T/cold"
grep -c . "$HTTP_LOG" >/dev/null
: >"$HTTP_LOG"
"${RESOLVE[@]}" app files >"$T/warm"
diff -u "$T/cold" "$T/warm" || fail "warm result differs"
python3 - "$HTTP_LOG" <<'END'
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
paths = sorted(r["path"] for r in reqs)
assert paths == ["/dists/stable-updates/InRelease", "/dists/stable/InRelease"], paths
for r in reqs:
    assert r["ims"], "not a conditional request: %r" % r
    assert r["status"] == 304, r
END

stop_http_server
"${RESOLVE[@]}" --offline app files >"$T/offline"
diff -u "$T/cold" "$T/offline" || fail "offline result differs"
# Online with the server gone: the cached, still valid index is used.
"${RESOLVE[@]}" app files >"$T/down" 2>"$T/down.err"
diff -u "$T/cold" "$T/down" || fail "result with the server down differs"
expect_in "$T/down.err" "using the cached copy"
