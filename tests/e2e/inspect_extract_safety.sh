# --extract never writes outside its directory: not for "../" names, not
# for absolute names, not through symlinks the image itself plants (an
# absolute "lib -> /outside" or a relative "up -> ../../.." followed by
# "lib/x"). Archives are made with GNU cpio, which stores such names as
# given.
source "$(dirname "$0")/../lib/common.sh"
need cpio

outside=$T/outside
mkdir -p "$outside" "$T/work/sub"
printf 'original\n' > "$outside/x"
printf 'evil\n' > "$T/work/evil"

# 1. A name climbing out with "..".
(cd "$T/work/sub" && printf '../evil\n' | cpio -o -H newc --quiet) > "$T/dotdot.cpio"
expect_fail "$INITPACK" inspect "$T/dotdot.cpio" --extract "$T/dest1"
expect_in "$T/err" "refusing to extract '../evil': it climbs out of $T/dest1"
[ ! -e "$T/evil" ] || fail "../evil was written outside the destination"

# 2. A symlink to an absolute directory outside, then a file through it.
# The archive reads lib/x through the link now, then outside/x changes, so
# a write through the link would bring back "original".
mkdir -p "$T/s2"
ln -s "$outside" "$T/s2/lib"
(cd "$T/s2" && printf 'lib\nlib/x\n' | cpio -o -H newc --quiet) > "$T/abslink.cpio"
printf 'changed\n' > "$outside/x"
# Inside the destination the link means dest/$outside, which does not
# exist: lib/x cannot be created (nor could the kernel create it).
expect_fail "$INITPACK" inspect "$T/abslink.cpio" --extract "$T/dest2"
expect_in "$T/err" "cannot open directory lib in $T/dest2"
[ "$(cat "$outside/x")" = changed ] || fail "extraction wrote through an absolute symlink"
[ "$(readlink "$T/dest2/lib")" = "$outside" ] || fail "symlink not extracted as is"
# Once dest/$outside exists, lib/x goes there, as in the initramfs.
mkdir -p "$T/dest2b/$outside"
"$INITPACK" inspect "$T/abslink.cpio" --extract "$T/dest2b"
[ "$(cat "$outside/x")" = changed ] || fail "extraction wrote through an absolute symlink"
[ "$(cat "$T/dest2b/$outside/x")" = original ] || fail "lib/x not placed under the destination's root"

# 3. A relative symlink that climbs above the destination.
mkdir -p "$T/s3/a/b"
ln -s ../../.. "$T/s3/a/b/up"
printf 'pwned\n' > "$T/s3/pwned"
(cd "$T/s3" && printf 'a\na/b\na/b/up\n' | cpio -o -H newc --quiet) > "$T/up1.cpio"
mkdir -p "$T/s3b/a/b/up"
printf 'pwned\n' > "$T/s3b/a/b/up/pwned"
(cd "$T/s3b" && printf 'a/b/up/pwned\n' | cpio -o -H newc --quiet) > "$T/up2.cpio"
cat "$T/up1.cpio" "$T/up2.cpio" > "$T/up.img"
mkdir -p "$T/deep/dest3"
"$INITPACK" inspect "$T/up.img" --extract "$T/deep/dest3"
[ ! -e "$T/pwned" ] && [ ! -e "$T/deep/pwned" ] || fail "a relative symlink escaped the destination"
[ "$(cat "$T/deep/dest3/pwned")" = pwned ] || fail "a/b/up/pwned should land at the destination's root"

# 4. Absolute member names land under the destination.
(cd "$T/work" && printf '%s\n' "$outside/x" | cpio -o -H newc --quiet --absolute-filenames 2>/dev/null) > "$T/abs.cpio"
printf 'changed again\n' > "$outside/x"
"$INITPACK" inspect "$T/abs.cpio" --extract "$T/dest4"
[ "$(cat "$outside/x")" = "changed again" ] || fail "an absolute name was written outside"
[ "$(cat "$T/dest4/$outside/x")" = changed ] || fail "absolute name not extracted below the destination"
echo OK
