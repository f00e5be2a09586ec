# Sourced after common.sh: fetch_debian_kernel puts the archive's current
# linux-image-amd64 kernel, unpacked, into the build's test cache (once;
# later runs reuse it) and sets KERNEL_ROOT (the unpacked package) and
# KERNEL_VERSION. Skips the test when apt cannot get it.
fetch_debian_kernel() {
  need apt-get apt-cache dpkg-deb
  local cache=$INITPACK_BUILD_DIR/test-cache/kernel pkg
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
    awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
  [ -n "$pkg" ] || skip "apt-cache does not know linux-image-amd64 (run apt-get update)"
  KERNEL_ROOT=$cache/$pkg
  KERNEL_VERSION=${pkg#linux-image-}
  if [ ! -e "$KERNEL_ROOT/.unpacked" ]; then
    mkdir -p "$cache/debs"
    (cd "$cache/debs" && timeout 300 apt-get download -q "$pkg" >"$T/apt.log" 2>&1) ||
      { cat "$T/apt.log" >&2; skip "cannot download $pkg from the archive"; }
    rm -rf "$KERNEL_ROOT"
    mkdir -p "$KERNEL_ROOT"
    dpkg-deb -x "$cache"/debs/"${pkg}"_*.deb "$KERNEL_ROOT"
    rm -f "$cache"/debs/"${pkg}"_*.deb
    touch "$KERNEL_ROOT/.unpacked"
  fi
  [ -d "$KERNEL_ROOT/lib/modules/$KERNEL_VERSION" ] ||
    fail "$pkg has no lib/modules/$KERNEL_VERSION"
}
