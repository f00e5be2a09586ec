# The real Debian archive, through initpack itself: one shared package
# cache for every test that needs real packages, and one default initrd
# built from them with the archive's kernel (--kernel-package), which gives
# the tests their kernel (vmlinuz) and its unpacked modules.
#
#   debian_fixture          # builds once (under a lock), sets the vars below
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

debian_fixture() {
  local dir="$TEST_CACHE/default" lock
  mkdir -p "$TEST_CACHE"
  exec {lock}>"$TEST_CACHE/.fixture.lock"
  flock -w 1200 "$lock" || fail "waited too long for $TEST_CACHE/.fixture.lock"
  if [ ! -s "$dir/initrd.img" ] || [ ! -s "$dir/vmlinuz" ]; then
    mkdir -p "$dir"
    _initpack_build -o "$dir/initrd.img" >&2
  fi
  exec {lock}>&-
  DEBIAN_INITRD="$dir/initrd.img"
  DEBIAN_VMLINUZ="$dir/vmlinuz"
  # The kernel package unpacked by initpack (cache_root/trees/<sha256>/).
  local modules
  modules=$(ls -d "$INITPACK_TEST_CACHE"/trees/*/usr/lib/modules/*/ 2>/dev/null | tail -n 1)
  [ -n "$modules" ] || fail "no unpacked kernel in $INITPACK_TEST_CACHE/trees"
  KERNEL_VERSION=$(basename "$modules")
  KERNEL_ROOT=${modules%/usr/lib/modules/*}
}

# build_test_initrd OUT [args…]: a variant of the default image (warm: the
# fixture filled the cache). vmlinuz lands beside OUT.
build_test_initrd() {
  local out=$1
  shift
  debian_fixture
  _initpack_build -o "$out" "$@"
}
