# Debian 13 (trixie) two-stage boot: the systemd initrd built from trixie's
# packages (systemd 257, kernel 6.12) as an EROFS image on a disk of its
# own, found by label; stage 1 puts dm-verity over it with the root hash it
# carries and hands over to trixie's systemd, which mounts the real root.
# fsck.erofs and veritysetup check the image first.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/erofs.sh"
source "$TESTS_LIB/trixie.sh"
need qemu-system-x86_64
use_trixie

build_test_initrd "$T/initrd.img" --format erofs --stage1 \
  --stage2-output "$T/stage2.erofs" >/dev/null
roothash=$(cat "$T/stage2.erofs.roothash")
check_stage2_image "$T/stage2.erofs" "$roothash"
check_stage1_initrd "$T/initrd.img"

make_test_root "$T/root"
uuid=$(make_root_image "$T/root.img")
start=$SECONDS
boot_systemd_initrd "$T/initrd.img" "root=UUID=$uuid $TRIXIE_DEVICE_WAIT" \
  --drive "$T/stage2.erofs,format=raw,snapshot"
expect_stage1_handover "LABEL=initpack-stage2 under dm-verity"
expect_trixie_boot
expect_in "$BOOT_LOG" "root-hook: /dev/vda / ext4"
echo "boot: $((SECONDS - start)) s"
