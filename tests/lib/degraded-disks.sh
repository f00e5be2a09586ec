# Disks for the degraded storage tests (LVM raid1 and btrfs RAID1 missing a
# member), sourced after boot.sh and disks.sh. Made as disks.sh makes its
# sets (read it first): one boot of a builder initrd in qemu, running
# tests/lib/degraded-disk-builder. Cached apart, under
# $TEST_CACHE/storage-degraded/KEY with a lock of its own, so this set and
# disks.sh's do not evict each other.
#
#   degraded_disks                 # builds or finds the sets; sets DEGRADED_DIR
#   degraded_drives lvmraid [0]    # "--drive FILE,snapshot" arguments

. "$TESTS_LIB/degraded-layout.sh"

_DEGRADED_BUILDER_PROFILES="lvm btrfs"

_degraded_key() {
  local p
  {
    cat "$TESTS_LIB/degraded-disk-builder" "$TESTS_LIB/degraded-layout.sh" \
      "$TESTS_LIB/degraded-disks.sh" "$TESTS_LIB/boot.sh" "$(command -v busybox)"
    _storage_root_hook
    for p in $_DEGRADED_BUILDER_PROFILES; do
      find "$INITPACK_PROFILES_DIR/$p" -type f | LC_ALL=C sort | xargs cat
    done
    echo "$KERNEL_VERSION"
  } | sha256sum | cut -c1-16
}

degraded_disks() {
  need qemu-system-x86_64 sha256sum
  debian_fixture
  local key lock dir
  key=$(_degraded_key)
  DEGRADED_DIR="$TEST_CACHE/storage-degraded/$key"
  exec {lock}>"$TEST_CACHE/.storage-degraded.lock"
  flock -w 1200 "$lock" || fail "waited too long for $TEST_CACHE/.storage-degraded.lock"
  if [ ! -e "$DEGRADED_DIR/done" ]; then
    rm -rf "$TEST_CACHE/storage-degraded"
    dir="$TEST_CACHE/storage-degraded.new"
    rm -rf "$dir"
    mkdir -p "$dir"
    _degraded_build "$dir" || {
      exec {lock}>&-
      fail "the degraded disk builder failed (files in $dir)"
    }
    mkdir -p "$TEST_CACHE/storage-degraded"
    mv "$dir" "$DEGRADED_DIR"
  fi
  exec {lock}>&-
}

_degraded_build() {
  local dir=$1 set name count size i start p
  local root="$dir/root" tree="$dir/tree/usr/lib/initpack-test"
  make_test_root "$root"
  _storage_root_hook >"$root/etc/initpack-test.d/20-storage.sh"
  TEST_ROOT=$root make_root_image "$dir/source.img" >/dev/null
  mkdir -p "$tree"
  cp "$TESTS_LIB/degraded-disk-builder" "$TESTS_LIB/degraded-layout.sh" "$tree/"
  mkdir -p "$dir/builder"
  local -a profiles=()
  for p in $_DEGRADED_BUILDER_PROFILES; do profiles+=(--profile "$p"); done
  build_test_initrd "$dir/builder/initrd.img" "${profiles[@]}" \
    -p coreutils --extra-tree "$dir/tree" >&2
  local -a drives=(--drive "$dir/source.img,snapshot")
  for set in $DEGRADED_SETS; do
    IFS=: read -r name count size <<<"$set"
    for ((i = 0; i < count; i++)); do
      truncate -s "${size}M" "$dir/$name.$i.img"
      drives+=(--drive "$dir/$name.$i.img")
    done
  done
  start=$(date +%s)
  "$INITPACK" qemu --kernel "$dir/builder/vmlinuz" \
    --initrd "$dir/builder/initrd.img" "${drives[@]}" --log "$dir/builder.log" \
    --append "rdinit=/usr/lib/initpack-test/degraded-disk-builder" \
    --expect DISK-BUILDER-DONE --fail-on DISK-BUILDER-FAILED \
    --fail-on "[y/n]" --timeout 900 >&2 || {
    tail -n 40 "$dir/builder.log" >&2
    return 1
  }
  echo "degraded disk builder: $(($(date +%s) - start)) s" >&2
  rm -rf "$dir/root" "$dir/tree" "$dir/builder" "$dir/source.img"
  touch "$dir/done"
}

# degraded_drives SET [INDEX…]: --drive arguments for the set's disks (all,
# or the given ones), each a snapshot so the cached disks stay pristine.
degraded_drives() {
  local name=$1 set count i
  shift
  for set in $DEGRADED_SETS; do
    [ "${set%%:*}" = "$name" ] && count=$(cut -d: -f2 <<<"$set")
  done
  [ -n "${count:-}" ] || fail "no disk set $name in degraded-layout.sh"
  local -a idx=("$@")
  [ ${#idx[@]} -gt 0 ] || idx=($(seq 0 $((count - 1))))
  for i in "${idx[@]}"; do
    echo "--drive"
    echo "$DEGRADED_DIR/$name.$i.img,snapshot"
  done
}
