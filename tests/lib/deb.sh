# build_deb: the initpack .deb of the checkout, made by scripts/deb from
# the binaries under test ($INITPACK and initpack-stage1 beside it; a
# package build with Debian's flags would compile everything again), and
# cached in $INITPACK_BUILD_DIR/deb/KEY, KEY hashing every file git would
# ship and those binaries. Sets DEB (its path) and DEB_BUILD_SECONDS (0
# when cached).
build_deb() {
  need dpkg-buildpackage dh fakeroot git
  local key dir lock
  local bindir
  bindir=$(dirname "$INITPACK")
  key=$({
    cd "$INITPACK_SOURCE_DIR" && git ls-files -co --exclude-standard -z |
      tar --null -T - --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf -
    cat "$INITPACK" "$bindir/initpack-stage1"
  } | sha256sum | cut -c1-16)
  dir="$INITPACK_BUILD_DIR/deb/$key"
  mkdir -p "$INITPACK_BUILD_DIR/deb"
  exec {lock}>"$INITPACK_BUILD_DIR/deb/.lock"
  flock -w 3600 "$lock" || fail "waited too long for $INITPACK_BUILD_DIR/deb/.lock"
  DEB_BUILD_SECONDS=0
  if ! compgen -G "$dir/initpack_*.deb" >/dev/null; then
    local start=$SECONDS deb
    deb=$("$INITPACK_SOURCE_DIR/scripts/deb" --prebuilt "$bindir") || fail "scripts/deb failed"
    DEB_BUILD_SECONDS=$((SECONDS - start))
    rm -rf "$dir" && mkdir -p "$dir" && mv "$deb" "$dir/"
  fi
  exec {lock}>&-
  DEB=$(compgen -G "$dir/initpack_*.deb" | head -n 1)
  export DEB DEB_BUILD_SECONDS
}
