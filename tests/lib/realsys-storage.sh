# The real Debian system (tests/lib/realsys.sh) with its root on LVM on
# LUKS on md RAID1 (the storage tests' "stack", tests/lib/storage-layout.sh:
# same VG, UUIDs and passphrase), for boots of the storage profiles' images.
# Sourced after boot.sh and realsys.sh.
#
#   realsys_stack_disks     builds or finds the two RAID1 members; sets
#                           REALSYS_STACK_DRIVES ("--drive FILE,snapshot" …)
#
# The host has no md or device-mapper: as for the storage tests, the disk
# builder (tests/lib/disk-builder) formats the disks in a qemu guest, here
# with the real system as its source disk and a layout holding the stack
# set alone, 1 GiB a member. Cached under $TEST_CACHE/realsys-stack/KEY, KEY
# hashing the real system's key, the builder, the layout and the kernel.
source "$TESTS_LIB/disks.sh"

_REALSYS_STACK_MB=1024

_realsys_stack_key() {
  {
    _realsys_key
    cat "$TESTS_LIB/disk-builder" "$TESTS_LIB/storage-layout.sh"
    declare -f _realsys_stack_build
    echo "$_STORAGE_BUILDER_PROFILES $_REALSYS_STACK_MB $KERNEL_VERSION"
  } | sha256sum | cut -c1-16
}

realsys_stack_disks() {
  need qemu-system-x86_64 mkfs.ext4 sha256sum
  debian_fixture
  local dir lock
  dir="$TEST_CACHE/realsys-stack/$(_realsys_stack_key)"
  mkdir -p "$TEST_CACHE/realsys-stack"
  exec {lock}>"$TEST_CACHE/realsys-stack/.lock"
  flock -w 1800 "$lock" || fail "waited too long for $TEST_CACHE/realsys-stack/.lock"
  if [ ! -e "$dir/done" ]; then
    # Disks of other keys, unused for 3 hours, go (2 GiB each, sparse).
    find "$TEST_CACHE/realsys-stack" -mindepth 1 -maxdepth 1 -type d -mmin +180 \
      -exec rm -rf {} + 2>/dev/null || true
    rm -rf "$dir.new" && mkdir -p "$dir.new"
    _realsys_stack_build "$dir.new" || {
      exec {lock}>&-
      fail "the disk builder failed on the real system's stack (files in $dir.new)"
    }
    rm -rf "$dir" && mv "$dir.new" "$dir"
  fi
  touch "$dir"
  exec {lock}>&-
  REALSYS_STACK_DRIVES=(--drive "$dir/stack.0.img,snapshot" --drive "$dir/stack.1.img,snapshot")
}

# The real system with an fstab for the stack's root, as an ext4 source
# disk; the builder's image as in disks.sh, its layout cut to the stack.
_realsys_stack_build() {
  local dir=$1 p tree
  tree="$dir/tree/usr/lib/initpack-test"
  realsys_root "$dir/root"
  printf 'UUID=%s / ext4 errors=remount-ro 0 1\n' "$ROOT_UUID_stack" >"$dir/root/etc/fstab"
  realsys_disk "$dir/root" "$dir/source.img" realsource 2G
  rm -rf "$dir/root"
  mkdir -p "$tree" "$dir/builder"
  cp "$TESTS_LIB/disk-builder" "$tree/"
  { cat "$TESTS_LIB/storage-layout.sh" && echo "STORAGE_SETS=stack:2:$_REALSYS_STACK_MB"; } \
    >"$tree/storage-layout.sh"
  local -a profiles=()
  for p in $_STORAGE_BUILDER_PROFILES; do profiles+=(--profile "$p"); done
  build_test_initrd "$dir/builder/initrd.img" "${profiles[@]}" \
    -p xfsprogs -p coreutils --extra-tree "$dir/tree" >&2
  truncate -s "${_REALSYS_STACK_MB}M" "$dir/stack.0.img" "$dir/stack.1.img"
  local start=$SECONDS
  "$INITPACK" qemu --kernel "$dir/builder/vmlinuz" --initrd "$dir/builder/initrd.img" \
    --drive "$dir/source.img,snapshot" --drive "$dir/stack.0.img" --drive "$dir/stack.1.img" \
    --memory 1G --log "$dir/builder.log" \
    --append "rdinit=/usr/lib/initpack-test/disk-builder" \
    --expect DISK-BUILDER-DONE --fail-on DISK-BUILDER-FAILED \
    --fail-on "[y/n]" --timeout 1200 >&2 || {
    tail -n 40 "$dir/builder.log" >&2
    return 1
  }
  echo "disk builder (real system on the stack): $((SECONDS - start)) s" >&2
  rm -rf "$dir/tree" "$dir/builder" "$dir/source.img"
  touch "$dir/done"
}
