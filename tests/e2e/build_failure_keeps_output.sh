# A failed build never damages an existing initrd and leaves no temporary
# file behind; its error names the problem.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
debian_fixture

mkdir -p "$T/dest"
cp "$DEBIAN_INITRD" "$T/dest/initrd.img"
before=$(sha256sum <"$T/dest/initrd.img")
expect_fail "$INITPACK" build --cache-dir "$INITPACK_TEST_CACHE" \
  --kernel-package "$TEST_KERNEL_PACKAGE" -p no-such-package-initpack -o "$T/dest/initrd.img"
expect_in "$T/err" "no-such-package-initpack"
[ "$(sha256sum <"$T/dest/initrd.img")" = "$before" ] || fail "the existing initrd changed"
# A failure late in the build (an unknown compression level is caught
# before; under --strict a kernel module rule that matches nothing fails
# late, after unpacking).
expect_fail "$INITPACK" build --cache-dir "$INITPACK_TEST_CACHE" --strict \
  --kernel-package "$TEST_KERNEL_PACKAGE" --module-include no_such_module_x -o "$T/dest/initrd.img"
expect_in "$T/err" "KernelModulesInclude=no_such_module_x: no such kernel module"
[ "$(sha256sum <"$T/dest/initrd.img")" = "$before" ] || fail "the existing initrd changed"
[ "$(ls -A "$T/dest")" = "initrd.img" ] || fail "left behind: $(ls -A "$T/dest")"
# An output directory that does not exist is an error before any work.
expect_fail "$INITPACK" build --cache-dir "$T/unused-cache" -o "$T/no/such/dir/initrd.img"
expect_in "$T/err" "Output=$T/no/such/dir/initrd.img: directory $T/no/such/dir does not exist"
[ ! -e "$T/unused-cache/debs" ] || fail "work started before the output was checked"
