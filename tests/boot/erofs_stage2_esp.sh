# Two-stage boot, the image as a file on an ESP-like FAT partition
# (Stage2Location=PARTLABEL=ESP:/initpack/stage2.erofs, Lennart's design):
# stage 1 finds the GPT partition by name, mounts its vfat read-only,
# loop-attaches the file under dm-verity and starts the systemd initrd in
# it, which mounts the real root from the same disk's second partition.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/erofs.sh"
need qemu-system-x86_64 mkfs.vfat mmd mcopy sfdisk
debian_fixture

build_test_initrd "$T/initrd.img" --format erofs --stage1 \
  --stage2-output "$T/stage2.erofs" \
  --stage2-location PARTLABEL=ESP:/initpack/stage2.erofs \
  --stage1-module virtio_pci --stage1-module virtio_blk \
  --stage1-module vfat --stage1-module nls_cp437 --stage1-module nls_ascii
check_stage2_image "$T/stage2.erofs" "$(cat "$T/stage2.erofs.roothash")"

# One disk: a 128 MiB FAT ESP holding the image, then the ext4 root.
make_test_root "$T/root"
uuid=$(make_root_image "$T/rootfs.img")
truncate -s 128M "$T/esp.img"
mkfs.vfat -n ESP "$T/esp.img" >/dev/null
mmd -i "$T/esp.img" ::/initpack
mcopy -i "$T/esp.img" "$T/stage2.erofs" ::/initpack/stage2.erofs
truncate -s $((1 + 128 + 64 + 1))M "$T/root.img"
sfdisk -q "$T/root.img" <<'GPT'
label: gpt
start=1MiB, size=128MiB, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=ESP
start=129MiB, size=64MiB, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=root
GPT
dd if="$T/esp.img" of="$T/root.img" bs=1M seek=1 conv=notrunc status=none
dd if="$T/rootfs.img" of="$T/root.img" bs=1M seek=129 conv=notrunc status=none

boot_systemd_initrd "$T/initrd.img" "root=UUID=$uuid"
expect_stage1_handover "PARTLABEL=ESP:/initpack/stage2.erofs under dm-verity"
expect_in "$BOOT_LOG" "root-hook: /dev/vda2 / ext4"
