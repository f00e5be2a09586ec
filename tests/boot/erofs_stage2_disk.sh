# Two-stage boot, the image on a disk of its own (Stage2Location=
# LABEL=initpack-stage2, the default): stage 1 finds the EROFS image by its
# volume label, puts dm-verity over it with the root hash baked into the
# first-stage initrd, and hands over to the systemd initrd inside, which
# mounts the real root. fsck.erofs and veritysetup check the image first.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/erofs.sh"
need qemu-system-x86_64
debian_fixture

build_test_initrd "$T/initrd.img" --format erofs --stage1 \
  --stage2-output "$T/stage2.erofs"
[ -s "$T/stage2.erofs.roothash" ] || fail "no root hash file beside the image"
roothash=$(cat "$T/stage2.erofs.roothash")
check_stage2_image "$T/stage2.erofs" "$roothash"
check_stage1_initrd "$T/initrd.img"
grep -q "^roothash=$roothash\$" <(cpio -i --quiet --to-stdout .stage1/stage1.conf <"$T/initrd.img") ||
  fail "the stage-1 config does not carry the image's root hash"

make_test_root "$T/root"
uuid=$(make_root_image "$T/root.img")
boot_systemd_initrd "$T/initrd.img" "root=UUID=$uuid" \
  --drive "$T/stage2.erofs,format=raw,snapshot"
expect_stage1_handover "LABEL=initpack-stage2 under dm-verity"
expect_in "$BOOT_LOG" "root-hook: /dev/vda / ext4"
