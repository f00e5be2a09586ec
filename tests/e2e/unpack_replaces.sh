# Ownership conflicts between packages, as dpkg handles them, with real
# .debs from the signed test archive: a package whose Replaces: names
# another (at a version the relation allows) overwrites its file, and the
# image (a sysext: packages only) holds the replacing package's copy, which
# fsck.erofs extracts; a package whose Replaces: does not match that version
# is refused, naming both packages and the path, and no image is written.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/test-archive.sh"
need dpkg-deb fsck.erofs

# pkg NAME VERSION TOOL-TEXT [control lines…]: a package shipping
# /usr/bin/tool, put in the pool before the archive is indexed.
pkg() {
  local name=$1 version=$2 text=$3 root=$T/pkg/$1
  shift 3
  mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/$name" "$T/archive/pool/main"
  printf '#!/bin/sh\necho %s\n' "$text" >"$root/usr/bin/tool"
  chmod 755 "$root/usr/bin/tool"
  echo "$name" >"$root/usr/share/$name/README"
  {
    printf 'Package: %s\nVersion: %s\nArchitecture: all\n' "$name" "$version"
    printf 'Maintainer: t <t@invalid>\nDescription: %s\n' "$name"
    [ $# -gt 0 ] && printf '%s\n' "$@"
  } >"$root/DEBIAN/control"
  dpkg-deb --root-owner-group -Zxz -b "$root" "$T/archive/pool/main/${name}_${version}_all.deb" >/dev/null
}
pkg oldtool 1.0 old
pkg newtool 2.0 new "Replaces: oldtool (<< 2.0)"
pkg rival 1.0 rival "Replaces: oldtool (<< 1.0)"
setup_test_archive
dpkg-deb -f "$ARCHIVE/pool/main/newtool_2.0_all.deb" Replaces | grep -qx 'oldtool (<< 2.0)' ||
  fail "test setup: newtool has no Replaces:"

build() { # OUT PACKAGES
  SOURCE_DATE_EPOCH=1700000000 "$INITPACK" build --apt-root "$T/aptroot" \
    --mirror "$HTTP_URL" --suite stable --keyring "$ARCHIVE/keyring.gpg" \
    --cache-dir "$CACHE" --format sysext --package "$2" \
    --extension-release ID=debian --extension-release VERSION_ID=12 -o "$1"
}

# oldtool sorts first and is unpacked first: newtool's file still wins.
build "$T/replaced.raw" oldtool,newtool 2>"$T/log" || { cat "$T/log" >&2; fail "build with Replaces: failed"; }
fsck.erofs --extract="$T/x" "$T/replaced.raw" >"$T/fsck" 2>&1 || { cat "$T/fsck" >&2; fail "fsck.erofs rejects the image"; }
printf '#!/bin/sh\necho new\n' >"$T/want"
cmp "$T/want" "$T/x/usr/bin/tool" || fail "usr/bin/tool is not newtool's: $(cat "$T/x/usr/bin/tool")"
[ -x "$T/x/usr/bin/tool" ] || fail "usr/bin/tool lost its mode"
[ "$(cat "$T/x/usr/share/oldtool/README")" = oldtool ] || fail "oldtool's other files are gone"

# rival replaces only oldtool << 1.0: a conflict, reported like dpkg does.
expect_fail build "$T/clash.raw" oldtool,rival
expect_in "$T/err" "rival: usr/bin/tool: also shipped by oldtool, with different content"
[ ! -e "$T/clash.raw" ] || fail "a refused build wrote clash.raw"
