# Helpers for the two-stage EROFS tests (tests/boot/erofs_*.sh, bench/):
# independent checks of a stage-2 image and of a stage-1 initrd.

# erofs_data_size IMAGE: the EROFS file system's size in bytes (its
# superblock's block count, as dump.erofs reads it), i.e. where the
# dm-verity hash area starts.
erofs_data_size() {
  local blocks
  blocks=$(dump.erofs -s "$1" 2>/dev/null | awk -F': *' '/^Filesystem blocks/ { print $2 }')
  [ -n "$blocks" ] || fail "dump.erofs cannot read the superblock of $1"
  echo $((blocks * 4096))
}

# check_stage2_image IMAGE ROOTHASH: fsck.erofs walks and decodes every
# file, and veritysetup verifies the appended hash tree against ROOTHASH.
check_stage2_image() {
  local image=$1 roothash=$2 size
  need fsck.erofs dump.erofs veritysetup
  fsck.erofs "$image" >"$T/fsck.out" 2>&1 || {
    cat "$T/fsck.out" >&2
    fail "fsck.erofs rejects $image"
  }
  size=$(erofs_data_size "$image")
  veritysetup verify "$image" "$image" "$roothash" --hash-offset="$size" ||
    fail "veritysetup verify disagrees with the root hash of $image"
}

# check_stage1_initrd INITRD: the first stage holds initpack-stage1 as
# /init, its modules and config, and nothing of the systemd initrd.
check_stage1_initrd() {
  local list
  need cpio
  list=$(cpio -t --quiet <"$1")
  grep -qx init <<<"$list" || fail "no /init in $1"
  grep -qx .stage1/stage1.conf <<<"$list" || fail "no stage-1 config in $1"
  if grep -q '^usr/' <<<"$list"; then
    fail "the stage-1 initrd $1 holds /usr files: $(grep -c '^usr/' <<<"$list")"
  fi
}

# expect_stage1_handover: the last boot went through stage 1 (verified when
# a root hash was set) into the stage-2 systemd.
expect_stage1_handover() {
  expect_in "$BOOT_LOG" "initpack-stage1: stage 2 from $1"
  expect_in "$BOOT_LOG" "systemd[1]: Running in initrd."
}
