# A stage-2 image that fails verification must not boot: one changed byte
# in systemd's data (the image is otherwise intact, so fsck.erofs passes):
# stage 1 reads stage 2's /init through dm-verity before starting it, gets
# an I/O error and stops with one line naming the image and the root hash;
# a changed superblock is refused the same way when stage 1 mounts it.
# The kernel's own "block N is corrupted" line names the block. veritysetup
# agrees that the image is bad.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/erofs.sh"
need qemu-system-x86_64 python3
debian_fixture

build_test_initrd "$T/initrd.img" --format erofs --stage1 \
  --stage2-output "$T/stage2.erofs"
roothash=$(cat "$T/stage2.erofs.roothash")
check_stage2_image "$T/stage2.erofs" "$roothash"
size=$(erofs_data_size "$T/stage2.erofs")

# flip IMAGE OFFSET: a copy of the image with the byte at OFFSET inverted.
flip() {
  cp "$T/stage2.erofs" "$1"
  python3 - "$1" "$2" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2]))
    b = f.read(1)
    f.seek(int(sys.argv[2]))
    f.write(bytes([b[0] ^ 0xFF]))
PY
  if veritysetup verify "$1" "$1" "$roothash" --hash-offset="$size" 2>/dev/null; then
    fail "veritysetup accepts the tampered image $1"
  fi
}

make_test_root "$T/root"
uuid=$(make_root_image "$T/root.img")

# The first page of systemd, which stage 2 executes as its /init: file
# data past everything stage 1 itself reads (dump.erofs -e gives its
# physical offset in the image).
systemd_at=$(dump.erofs --path=/usr/lib/systemd/systemd -e "$T/stage2.erofs" |
  awk '$1 == "0:" { sub(/\.\..*/, "", $7); print $7 }')
[ -n "$systemd_at" ] || fail "dump.erofs does not show where systemd's data is"
flip "$T/data.erofs" $((systemd_at + 100))
fsck.erofs "$T/data.erofs" >/dev/null 2>&1 ||
  fail "fsck.erofs rejects the data-tampered image (it checks no data hashes)"
refused="fails dm-verity verification against root hash $roothash"
boot_expect_failure "$refused: reading /init" --initrd "$T/initrd.img" \
  --drive "$T/root.img,snapshot" --drive "$T/data.erofs,format=raw,snapshot" \
  --append "root=UUID=$uuid rw" --timeout 240
expect_in "$BOOT_LOG" "initpack-stage1: ERROR: stage-2 image LABEL=initpack-stage2 (/dev/vdb) $refused"
expect_in "$BOOT_LOG" "is corrupted"
expect_not_in "$BOOT_LOG" "Running in initrd"
expect_not_in "$BOOT_LOG" "$TEST_ROOT_MARKER"

# The superblock: verity refuses it before anything is mounted.
flip "$T/super.erofs" 1030
boot_expect_failure "$refused: mounting it" --initrd "$T/initrd.img" \
  --drive "$T/root.img,snapshot" --drive "$T/super.erofs,format=raw,snapshot" \
  --append "root=UUID=$uuid rw" --timeout 240
expect_in "$BOOT_LOG" "device-mapper: verity"
expect_not_in "$BOOT_LOG" "Running in initrd"
