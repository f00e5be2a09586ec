# inspect explains what is wrong with a file that is not an initrd the
# kernel would accept, naming the file, the segment and the offset, and
# exits non-zero.
source "$(dirname "$0")/../lib/common.sh"
need cpio zstd xz gzip lz4

mkdir -p "$T/src/etc"
seq 1 2000 > "$T/src/etc/data"
(cd "$T/src" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$T/main.cpio"

expect_fail "$INITPACK" inspect "$T/missing.img"
expect_in "$T/err" "cannot open $T/missing.img: No such file or directory"

: > "$T/empty.img"
expect_fail "$INITPACK" inspect "$T/empty.img"
expect_in "$T/err" "$T/empty.img: empty image"

printf 'MZ this is not an initrd' > "$T/junk.img"
expect_fail "$INITPACK" inspect "$T/junk.img"
expect_in "$T/err" "junk.img: offset 0: neither a cpio archive nor a compressed stream the kernel knows (bytes 4d 5a 20 74 68 69 73 20)"

# Junk after a valid early archive is reported at its offset.
{ cat "$T/main.cpio"; printf 'garbage'; } > "$T/trailing.img"
size=$(stat -c %s "$T/main.cpio")
expect_fail "$INITPACK" inspect "$T/trailing.img"
expect_in "$T/err" "trailing.img: offset $size: neither a cpio archive"

for c in zstd xz gzip lz4; do
  case $c in
    zstd) zstd -q -c ;; xz) xz -c ;; gzip) gzip -n -c ;; lz4) lz4 -l -q -c ;;
  esac < "$T/main.cpio" > "$T/full.$c"
  { cat "$T/main.cpio"; head -c $(( $(stat -c %s "$T/full.$c") - 40 )) "$T/full.$c"; } > "$T/cut.$c"
  expect_fail "$INITPACK" inspect "$T/cut.$c"
  expect_in "$T/err" "cut.$c: segment 1 ($c at offset $size): "
done
expect_in "$T/err" "runs past the end of the file" # lz4

# A cpio not aligned to 4 bytes is what the kernel would reject too.
{ printf '\0\0'; cat "$T/main.cpio"; } > "$T/unaligned.img"
expect_fail "$INITPACK" inspect "$T/unaligned.img"
expect_in "$T/err" "segment 0 (none at offset 2): not 4-byte aligned"

# A cpio cut inside a file's data.
head -c 1000 "$T/main.cpio" > "$T/short.img"
expect_fail "$INITPACK" inspect "$T/short.img"
expect_in "$T/err" "short.img: segment 0 (none at offset 0): cpio at offset 1000: truncated in the data of 'etc/data'"
head -c 300 "$T/main.cpio" > "$T/short.img"
expect_fail "$INITPACK" inspect "$T/short.img"
expect_in "$T/err" "cpio at offset 300: truncated in the header of the member at offset 228"
echo OK
