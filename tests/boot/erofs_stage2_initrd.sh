# Two-stage boot, the image inside the first-stage initrd
# (Stage2Location=initrd): the kernel unpacks it into the rootfs as one
# file, stage 1 loop-attaches it under dm-verity and the systemd initrd in
# it mounts the real root. The image must be the same one a separate
# Stage2Output= build writes (same tree, same bytes).
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/erofs.sh"
need qemu-system-x86_64
debian_fixture

build_test_initrd "$T/initrd.img" --format erofs --stage1 --stage2-location initrd
check_stage1_initrd "$T/initrd.img"
mkdir "$T/x"
(cd "$T/x" && cpio -i --quiet -d .stage1/stage2.img .stage1/stage1.conf <"$T/initrd.img")
roothash=$(sed -n 's/^roothash=//p' "$T/x/.stage1/stage1.conf")
[ -n "$roothash" ] || fail "no root hash in the stage-1 config"
check_stage2_image "$T/x/.stage1/stage2.img" "$roothash"

make_test_root "$T/root"
uuid=$(make_root_image "$T/root.img")
boot_systemd_initrd "$T/initrd.img" "root=UUID=$uuid"
expect_stage1_handover "initrd under dm-verity"
expect_in "$BOOT_LOG" "root-hook: /dev/vda / ext4"
