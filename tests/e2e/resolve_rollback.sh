# A mirror that replays an older, still valid, signed InRelease (a rollback
# to old packages, or one backend of a mirror network that lags) is not
# taken: a warning names both dates and the cached, newer index is used, as
# apt does; AllowOlderRelease= (--allow-older-release) takes it, for
# snapshots.
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

"${RESOLVE[@]}" --json libfoo >"$T/replayed.json" 2>"$T/err" ||
  fail "a replayed index stopped the build: $(<"$T/err")"
cat "$T/err"
expect_in "$T/err" "initpack: warning: $HTTP_URL/dists/stable-updates/InRelease: dated $old_date, before the cached copy dated $new_date (a mirror that lags, or replays an older index); keeping the cached one (AllowOlderRelease=yes / --allow-older-release takes the older one, e.g. for a snapshot)"
[ "$(json_field "$T/replayed.json" libfoo version)" = 1.4 ] || fail "the replayed index was used"
cmp "$CACHE/indexes/"*/stable-updates/InRelease "$T/cached.InRelease" ||
  fail "the cached InRelease was replaced"
[ ! -e "$CACHE/indexes/"*/stable-updates/InRelease.new ] || fail "InRelease.new left behind"
# The cache still resolves to the newer packages.
"${RESOLVE[@]}" --offline --json libfoo >"$T/offline.json"
[ "$(json_field "$T/offline.json" libfoo version)" = 1.4 ] || fail "cache rolled back"
# Under --strict the warning stays a warning: a lagging mirror is not the
# user's configuration to fix.
"${RESOLVE[@]}" --strict --json libfoo >/dev/null 2>"$T/err" ||
  fail "--strict refused a lagging mirror: $(<"$T/err")"

# Going back to a snapshot on purpose.
"${RESOLVE[@]}" --allow-older-release --json libfoo >"$T/old.json"
[ "$(json_field "$T/old.json" libfoo version)" = 1.3 ] || fail "expected libfoo 1.3"
