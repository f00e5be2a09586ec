# Two-stage boot from an LZ4HC-compressed stage-2 image on a disk of its
# own (bench variant d): the kernel decompresses systemd's libraries from
# our clusters through dm-verity and the systemd initrd mounts the real
# root. dump.erofs shows the big files really are compressed, and the
# superblock asks for no feature Linux 6.1 lacks: ZERO_PADDING (5.3) is the
# only one set; no big pclusters, no compact indexes, no fragments.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/erofs.sh"
need qemu-system-x86_64
debian_fixture

build_test_initrd "$T/initrd.img" --format erofs --stage1 \
  --compression lz4 --compression-level 9 --stage2-output "$T/stage2.erofs"
roothash=$(cat "$T/stage2.erofs.roothash")
check_stage2_image "$T/stage2.erofs" "$roothash"
check_stage1_initrd "$T/initrd.img"

lib=/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-252.so
dump.erofs --path=$lib "$T/stage2.erofs" >"$T/lib.dump" ||
  fail "dump.erofs cannot find $lib in the image"
grep -q 'Layout: 1' "$T/lib.dump" ||
  fail "$lib is not stored in compressed clusters: $(cat "$T/lib.dump")"
features=$(dump.erofs -s "$T/stage2.erofs" | sed -n 's/^Filesystem features: *//p')
[ "$(echo $features)" = "0padding" ] ||
  fail "unexpected EROFS features for Linux 6.1: '$features'"

make_test_root "$T/root"
uuid=$(make_root_image "$T/root.img")
boot_systemd_initrd "$T/initrd.img" "root=UUID=$uuid" \
  --drive "$T/stage2.erofs,format=raw,snapshot"
expect_stage1_handover "LABEL=initpack-stage2 under dm-verity"
expect_in "$BOOT_LOG" "root-hook: /dev/vda / ext4"
expect_not_in "$BOOT_LOG" "z_erofs_read_folio" # err -117: a cluster refused
