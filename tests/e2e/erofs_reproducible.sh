# Format=erofs from the real archive, LZ4HC clusters compressed on every
# core: two builds give the same bytes (stage-1 initrd, image, root hash),
# fsck.erofs decodes every file and veritysetup agrees with the root hash;
# the stage-1 initrd carries that hash. Without Stage1= the image goes to
# Output= itself.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
source "$TESTS_LIB/erofs.sh"
need cpio
debian_fixture

for n in 1 2; do
  mkdir "$T/$n"
  build_test_initrd "$T/$n/initrd.img" --format erofs --stage1 \
    --compression lz4 --compression-level 9 >/dev/null
done
for f in initrd.img initrd.img.erofs initrd.img.erofs.roothash; do
  cmp "$T/1/$f" "$T/2/$f" || fail "$f differs between two builds"
done
roothash=$(cat "$T/1/initrd.img.erofs.roothash")
check_stage2_image "$T/1/initrd.img.erofs" "$roothash"
check_stage1_initrd "$T/1/initrd.img"
cpio -i --quiet --to-stdout .stage1/stage1.conf <"$T/1/initrd.img" >"$T/conf"
expect_in "$T/conf" "roothash=$roothash"
dump.erofs -S "$T/1/initrd.img.erofs" >"$T/stats"
grep -Eq 'Filesystem compressed files: +[1-9]' "$T/stats" ||
  fail "no compressed files in the LZ4 image: $(cat "$T/stats")"

build_test_initrd "$T/plain.erofs" --format erofs >/dev/null
check_stage2_image "$T/plain.erofs" "$(cat "$T/plain.erofs.roothash")"
