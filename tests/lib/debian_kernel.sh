# Sourced after common.sh: fetch_debian_kernel puts the archive's current
# linux-image-amd64 kernel, unpacked, into the build's test cache (once;
# later runs reuse it) and sets KERNEL_ROOT (the unpacked package) and
# KERNEL_VERSION. Skips the test when apt cannot get it.
#
# Tests run in parallel: a lock serialises the download, and the package is
# unpacked beside the cache entry and renamed into place when complete. The
# first `initpack modules` runs under the lock too, since it runs depmod in
# the unpacked package (use_unpacked_kernel: the .deb has no modules.dep).
fetch_debian_kernel() {
  need apt-get apt-cache dpkg-deb flock
  local cache=$INITPACK_BUILD_DIR/test-cache/kernel pkg tmp lock
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
    awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  [ -n "$pkg" ] || skip "apt-cache does not know linux-image-amd64 (run apt-get update)"
  KERNEL_ROOT=$cache/$pkg
  KERNEL_VERSION=${pkg#linux-image-}
  mkdir -p "$cache"
  exec {lock}>"$cache/.lock"
  flock -w 900 "$lock" || fail "waited too long for $cache/.lock"
  if [ ! -e "$KERNEL_ROOT/.unpacked" ]; then
    tmp=$(mktemp -d "$cache/unpack.XXXXXX")
    if ! (cd "$tmp" && timeout 300 apt-get download -q "$pkg" >"$T/apt.log" 2>&1); then
      rm -rf "$tmp"
      cat "$T/apt.log" >&2
      skip "cannot download $pkg from the archive"
    fi
    dpkg-deb -x "$tmp"/"${pkg}"_*.deb "$tmp/root"
    [ -d "$tmp/root/lib/modules/$KERNEL_VERSION" ] || fail "$pkg has no lib/modules/$KERNEL_VERSION"
    INITPACK_SYSTEM_CONFIG_DIRS=$T/no-config "$INITPACK" -q modules \
      --unpacked-kernel "$tmp/root" --module-include ext4 >/dev/null
    [ -s "$tmp/root/lib/modules/$KERNEL_VERSION/modules.dep.bin" ] ||
      fail "initpack did not run depmod in the unpacked $pkg"
    touch "$tmp/root/.unpacked"
    rm -rf "$KERNEL_ROOT"
    mv "$tmp/root" "$KERNEL_ROOT"
    rm -rf "$tmp"
  fi
  exec {lock}>&-
}
