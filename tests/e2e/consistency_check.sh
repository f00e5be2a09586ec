# The build-time consistency check: a script whose interpreter is missing,
# an ELF whose library is missing and a unit whose program is missing each
# fail the build with a message naming the file, its origin and what is
# missing, and no initrd is written ("-" programs may be absent); --explain
# lists the references.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
need gcc
debian_fixture

x="$T/extra"
mkdir -p "$x/usr/local/bin" "$x/usr/local/lib" "$x/etc/systemd/system"
printf '#!/usr/bin/perl\nprint "hi\\n";\n' >"$x/usr/local/bin/needs-perl"
chmod 755 "$x/usr/local/bin/needs-perl"
# An ELF linked against a library that is not shipped.
echo 'int initpack_missing(void) { return 0; }' >"$T/lib.c"
gcc -shared -fPIC -Wl,-soname,libinitpack-missing.so.1 -o "$T/libinitpack-missing.so.1" "$T/lib.c"
echo 'int initpack_missing(void); int main(void) { return initpack_missing(); }' >"$T/main.c"
gcc -o "$x/usr/local/bin/needs-lib" "$T/main.c" "$T/libinitpack-missing.so.1"
readelf -d "$x/usr/local/bin/needs-lib" | grep -q 'NEEDED.*libinitpack-missing.so.1' ||
  fail "the test program does not need the library"
cat >"$x/etc/systemd/system/needs-program.service" <<'UNIT'
[Unit]
Description=runs a program the image lacks
[Service]
Type=oneshot
ExecStartPre=-/usr/local/bin/optional
ExecStart=/usr/local/bin/not-there --flag
UNIT

expect_fail "$INITPACK" build --cache-dir "$INITPACK_TEST_CACHE" \
  --kernel-package "$TEST_KERNEL_PACKAGE" --extra-tree "$x" -o "$T/initrd.img"
expect_in "$T/err" "initpack: error: /usr/local/bin/needs-perl (extra:$x): #! interpreter /usr/bin/perl: not in the image"
expect_in "$T/err" "initpack: error: /usr/local/bin/needs-lib (extra:$x): library libinitpack-missing.so.1: not in the image"
expect_in "$T/err" "initpack: error: /etc/systemd/system/needs-program.service:6 (extra:$x): ExecStart= /usr/local/bin/not-there: not in the image"
[ "$(grep -c 'initpack: error: ' "$T/err")" = 3 ] || fail "expected exactly 3 errors"
[ ! -e "$T/initrd.img" ] || fail "an initrd was written despite the errors"

# Fixed: the library and the program shipped, the perl script dropped. The
# build passes and --explain shows what each file needs.
cp "$T/libinitpack-missing.so.1" "$x/usr/local/lib/"
printf '#!/bin/sh\nexit 0\n' >"$x/usr/local/bin/not-there"
chmod 755 "$x/usr/local/bin/not-there"
mkdir -p "$x/etc/ld.so.conf.d"
echo /usr/local/lib >"$x/etc/ld.so.conf.d/local.conf"
"$INITPACK" --timings build --cache-dir "$INITPACK_TEST_CACHE" --kernel-package "$TEST_KERNEL_PACKAGE" \
  --extra-tree "$x" --remove-file /usr/local/bin/needs-perl --explain \
  -o "$T/initrd.img" >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "build failed"; }
expect_in "$T/out" "  /usr/local/bin/needs-lib (extra:$x): interpreter /lib64/ld-linux-x86-64.so.2; library libinitpack-missing.so.1 libc.so.6"
expect_in "$T/out" "  /usr/local/bin/not-there (extra:$x): #! /bin/sh"
expect_in "$T/out" "  /etc/systemd/system/needs-program.service:5 (extra:$x): ExecStartPre= /usr/local/bin/optional (absent; failure ignored)"
expect_in "$T/out" "  /etc/systemd/system/needs-program.service:6 (extra:$x): ExecStart= /usr/local/bin/not-there"
expect_in "$T/out" "  /usr/lib/udev/rules.d/85-hwclock.rules:"
grep -E '^References \([0-9]+ files read, [0-9]+ references, 0 unresolved\):' "$T/out" ||
  fail "no References summary"
# The image really holds what the check resolved: /bin/sh is bash.
"$INITPACK" inspect "$T/initrd.img" >"$T/list"
grep -E '(^| )/?usr/bin/sh( |$).*bash' "$T/list" || { head -50 "$T/list"; fail "no usr/bin/sh -> bash"; }
# It runs on every build: well under a second.
grep -E '^ +0\.[0-9]+s +consistency check$' "$T/err" || { cat "$T/err"; fail "no sub-second consistency check in --timings"; }
