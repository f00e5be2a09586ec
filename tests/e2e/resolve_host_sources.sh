# With no Mirror=/Suites=, the apt sources are read as apt reads them: a
# deb822 entry with an inline Signed-By key, a one-line entry with options,
# and files apt ignores (*.disabled) or entries it skips (deb-src, Enabled:
# no, other architectures).
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/test-archive.sh"
setup_test_archive

d=$T/aptroot/etc/apt/sources.list.d
mkdir -p "$d"
{
  echo "Types: deb deb-src"
  echo "URIs: $HTTP_URL/"
  echo "Suites: stable"
  echo "Components: main"
  echo "Signed-By:"
  sed -e 's/^$/./' -e 's/^/ /' "$ARCHIVE/keyring.asc"
  echo
  echo "Types: deb"
  echo "URIs: http://127.0.0.1:1/never"
  echo "Suites: stable"
  echo "Components: main"
  echo "Enabled: no"
} >"$d/test.sources"
echo "deb [arch=amd64 signed-by=$ARCHIVE/keyring.gpg] $HTTP_URL stable-updates main" >"$d/updates.list"
echo "deb [arch=arm64] http://127.0.0.1:1/arm stable main" >>"$d/updates.list"
echo "deb http://127.0.0.1:1/ignored stable main" >"$d/old.list.disabled"

"$INITPACK" resolve --apt-root "$T/aptroot" --cache-dir "$CACHE" --explain app >"$T/out"
cat "$T/out"
grep -q '^libfoo  *1.3 ' "$T/out" || fail "stable-updates was not used"
expect_in "$T/out" "first alternative of zeta-impl | alpha-impl"
# AptRoot= in a configuration file does the same.
mkdir -p "$T/conf"
printf '[Distribution]\nAptRoot=%s\n[Build]\nCacheDirectory=%s\n' "$T/aptroot" "$CACHE" >"$T/conf/initpack.conf"
"$INITPACK" resolve -C "$T/conf" app >"$T/out2"
grep -q '^libfoo  *1.3 ' "$T/out2" || fail "AptRoot= was not used"

# A malformed sources file is reported with its name and line.
echo "deb $HTTP_URL" >"$d/broken.list"
expect_fail "$INITPACK" resolve --apt-root "$T/aptroot" --cache-dir "$CACHE" app
expect_in "$T/err" "initpack: $d/broken.list:1: expected URI and suite after 'deb'"
