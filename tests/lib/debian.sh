# The real Debian archive, through initpack itself: one shared package
# cache for every test that needs real packages, and one default initrd
# built from them with the archive's kernel (--kernel-package), which gives
# the tests their kernel (vmlinuz) and its unpacked modules.
#
#   debian_fixture [RELEASE]  # builds once (under a lock), sets the vars below
#                             # RELEASE (default $DEBIAN_RELEASE, else the
#                             # host's): e.g. trixie, built with -r
#   $DEBIAN_INITRD $DEBIAN_VMLINUZ   the default generic initrd and its kernel
#   $KERNEL_ROOT $KERNEL_VERSION     the unpacked linux-image package
#   build_test_initrd OUT [initpack build args…]   a variant, warm cache
#
# Skips the test (77) when the archive cannot be reached.

TEST_CACHE="$INITPACK_BUILD_DIR/test-cache"
INITPACK_TEST_CACHE="$TEST_CACHE/initpack"
TEST_KERNEL_PACKAGE=linux-image-amd64
export INITPACK_PROFILES_DIR="$INITPACK_SOURCE_DIR/profiles"
export INITPACK_SYSTEM_CONFIG_DIRS= # never the host's /etc/initpack

# Runs `initpack build` against the shared cache; on failure, skips when the
# archive was unreachable and fails otherwise.
_initpack_build() {
  local log=$T/build.$$.$RANDOM.log rc=0
  "$INITPACK" build --cache-dir "$INITPACK_TEST_CACHE" \
    --kernel-package "$TEST_KERNEL_PACKAGE" "$@" >"$log" 2>&1 || rc=$?
  if [ $rc -ne 0 ]; then
    cat "$log" >&2
    if grep -qE "Could not resolve|Couldn't connect|Connection refused|timed out|HTTP 5[0-9][0-9]" "$log"; then
      skip "the Debian archive is unreachable"
    fi
    fail "initpack build $* failed (exit $rc)"
  fi
  cat "$log"
}

# A hash of what the fixture image is made from: the initpack binary, the
# profiles and the build arguments, so a changed profile or binary gets a
# new image instead of a stale one from an earlier build.
_fixture_key() {
  {
    sha256sum <"$INITPACK"
    # Files by content, symlinks (some dangle on the host) by target.
    (cd "$INITPACK_SOURCE_DIR/profiles" && find . -type f -print0 |
      LC_ALL=C sort -z | xargs -0 sha256sum &&
      find . -type l -printf '%p -> %l\n' | LC_ALL=C sort)
    echo "$*"
  } | sha256sum | cut -c1-16
}

debian_fixture() {
  local release=${1:-${DEBIAN_RELEASE:-}} dir lock
  local -a args=()
  # Another release gets its own package cache, so the host release's
  # tests never see its kernel tree (and the reverse).
  INITPACK_TEST_CACHE="$TEST_CACHE/initpack"
  DEBIAN_RELEASE_ARGS=()
  if [ -n "$release" ]; then
    INITPACK_TEST_CACHE="$TEST_CACHE/initpack-$release"
  fi
  mkdir -p "$TEST_CACHE"
  exec {lock}>"$TEST_CACHE/.fixture.lock"
  flock -w 1200 "$lock" || fail "waited too long for $TEST_CACHE/.fixture.lock"
  [ -z "$release" ] || _release_apt_root "$release"
  args=("${DEBIAN_RELEASE_ARGS[@]}")
  dir="$TEST_CACHE/fixture-${release:-host}-$(_fixture_key "${args[@]}")"
  # Images of other binaries or profiles, unused for 3 hours, go.
  find "$TEST_CACHE" -maxdepth 1 \( -name 'fixture-*' -o -name 'default' -o -name 'default-*' \) \
    -mmin +180 ! -path "$dir" -exec rm -rf {} + 2>/dev/null || true
  if [ ! -s "$dir/initrd.img" ] || [ ! -s "$dir/vmlinuz" ]; then
    mkdir -p "$dir"
    _initpack_build "${args[@]}" -o "$dir/initrd.img" >&2
  fi
  touch "$dir"
  exec {lock}>&-
  DEBIAN_INITRD="$dir/initrd.img"
  DEBIAN_VMLINUZ="$dir/vmlinuz"
  # The kernel package unpacked by initpack (cache_root/trees/<sha256>/):
  # the tree of the fixture's own kernel.
  local off modules
  off=$(od -An -tu2 -j 526 -N 2 "$DEBIAN_VMLINUZ" | tr -d ' ')
  KERNEL_VERSION=$(dd if="$DEBIAN_VMLINUZ" bs=1 skip=$((off + 512)) count=64 2>/dev/null |
    tr '\0' '\n' | head -n 1 | cut -d' ' -f1)
  modules=$(ls -d "$INITPACK_TEST_CACHE"/trees/*/usr/lib/modules/"$KERNEL_VERSION"/ 2>/dev/null | tail -n 1)
  [ -n "$modules" ] || fail "no unpacked kernel $KERNEL_VERSION in $INITPACK_TEST_CACHE/trees"
  KERNEL_ROOT=${modules%/usr/lib/modules/*}
}

# _release_apt_root RELEASE: an apt root whose sources are the host's with
# RELEASE's suites, in DEBIAN_RELEASE_ARGS as --apt-root: the image is then
# built as on a RELEASE host, with no -r (the default release follows the
# apt sources).
_release_apt_root() {
  local release=$1 host root
  host=$(. /etc/os-release && echo "$VERSION_CODENAME")
  root="$TEST_CACHE/aptroot-$release"
  mkdir -p "$root/etc/apt/sources.list.d"
  if [ -f /etc/apt/sources.list ]; then
    sed "s/\b$host\b/$release/g" /etc/apt/sources.list >"$root/etc/apt/sources.list"
  fi
  local f
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    sed "s/\b$host\b/$release/g" "$f" >"$root/etc/apt/sources.list.d/${f##*/}"
  done
  grep -rqw "$release" "$root/etc/apt" || skip "no apt sources to turn into $release's"
  DEBIAN_RELEASE_ARGS=(--apt-root "$root")
}
DEBIAN_RELEASE_ARGS=()

# build_test_initrd OUT [args…]: a variant of the default image (warm: the
# fixture filled the cache), of $DEBIAN_RELEASE when set. vmlinuz lands
# beside OUT.
build_test_initrd() {
  local out=$1
  shift
  debian_fixture
  _initpack_build "${DEBIAN_RELEASE_ARGS[@]}" -o "$out" "$@"
}
