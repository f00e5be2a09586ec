# Same packages, config and SOURCE_DATE_EPOCH: the same bytes, whether the
# unpack cache is warm or cold (a second cache, filled from the same .debs,
# must give an identical image). A different SOURCE_DATE_EPOCH changes the
# bytes (so the comparison can fail), and every member carries it.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
need python3 cmp
debian_fixture

mkdir -p "$T/a" "$T/b" "$T/c"
SOURCE_DATE_EPOCH=1700000000 build_test_initrd "$T/a/initrd.img" >/dev/null
SOURCE_DATE_EPOCH=1700000000 build_test_initrd "$T/b/initrd.img" >/dev/null
cmp "$T/a/initrd.img" "$T/b/initrd.img" || fail "two builds differ"

# A cold unpack cache: the same .debs, unpacked afresh into another cache.
mkdir -p "$T/cold/debs"
cp "$INITPACK_TEST_CACHE"/debs/*.deb "$T/cold/debs/"
cp -r "$INITPACK_TEST_CACHE"/indexes "$T/cold/" 2>/dev/null || true
SOURCE_DATE_EPOCH=1700000000 "$INITPACK" build --cache-dir "$T/cold" --offline \
  --kernel-package "$TEST_KERNEL_PACKAGE" -o "$T/c/initrd.img" >/dev/null 2>"$T/cold.err" ||
  { cat "$T/cold.err"; fail "offline build from a cold unpack cache failed"; }
cmp "$T/a/initrd.img" "$T/c/initrd.img" || fail "a cold-cache build differs"

SOURCE_DATE_EPOCH=1700000001 build_test_initrd "$T/b/initrd.img" >/dev/null
if cmp -s "$T/a/initrd.img" "$T/b/initrd.img"; then fail "SOURCE_DATE_EPOCH had no effect"; fi
"$INITPACK" inspect --json "$T/a/initrd.img" | python3 -c '
import json, sys
mtimes = {e["mtime"] for e in json.load(sys.stdin)["entries"]}
assert mtimes == {1700000000}, mtimes'
echo "reproducible: $(sha256sum <"$T/a/initrd.img" | cut -c1-16) ($(stat -c %s "$T/a/initrd.img") bytes)"
