# A mirror that replays an older, still valid, signed InRelease (a rollback
# to old packages) is refused, naming both dates, and the cached index is
# kept; AllowOlderRelease= (--allow-older-release) accepts it, for snapshots.
. "$(dirname "$0")/../lib/common.sh"
. "$TESTS_LIB/test-archive.sh"
setup_test_archive
cp -a "$ARCHIVE/dists" "$T/dists.old"
sleep 1.1 # a later Date: for the update

bash "$TESTS_LIB/make-test-archive.sh" "$ARCHIVE" --update
"${RESOLVE[@]}" --json libfoo >"$T/new.json"
[ "$(json_field "$T/new.json" libfoo version)" = 1.4 ] || fail "expected libfoo 1.4"
cp "$CACHE/indexes/"*/stable-updates/InRelease "$T/cached.InRelease"

# The replay: yesterday's signed indexes, served as new (a newer mtime, so
# If-Modified-Since does not hide them).
rm -rf "$ARCHIVE/dists"
cp -a "$T/dists.old" "$ARCHIVE/dists"
touch -d "@$(($(date +%s) + 2))" "$ARCHIVE"/dists/*/InRelease
release_date() { date -u -d "$(sed -n 's/^Date: //p' "$1")" '+%Y-%m-%d %H:%M:%S UTC'; }
old_date=$(release_date "$T/dists.old/stable-updates/InRelease")
new_date=$(release_date "$T/cached.InRelease")
[ "$old_date" != "$new_date" ] || fail "the update did not change Date:"

expect_fail "${RESOLVE[@]}" --json libfoo
cat "$T/err"
expect_in "$T/err" "initpack: error: $HTTP_URL/dists/stable-updates/InRelease: dated $old_date, before the cached copy dated $new_date; the mirror replays an older index (a rollback). Keeping the cached one (AllowOlderRelease=yes / --allow-older-release to accept it, e.g. for a snapshot)"
cmp "$CACHE/indexes/"*/stable-updates/InRelease "$T/cached.InRelease" ||
  fail "the cached InRelease was replaced"
[ ! -e "$CACHE/indexes/"*/stable-updates/InRelease.new ] || fail "InRelease.new left behind"
# The cache still resolves to the newer packages.
"${RESOLVE[@]}" --offline --json libfoo >"$T/offline.json"
[ "$(json_field "$T/offline.json" libfoo version)" = 1.4 ] || fail "cache rolled back"

# Going back to a snapshot on purpose.
"${RESOLVE[@]}" --allow-older-release --json libfoo >"$T/old.json"
[ "$(json_field "$T/old.json" libfoo version)" = 1.3 ] || fail "expected libfoo 1.3"
