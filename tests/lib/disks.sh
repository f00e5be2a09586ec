# Disks for the storage boot tests (tests/boot/storage_*.sh), sourced after
# boot.sh. The host kernel has no device-mapper and no md, so LUKS, LVM and
# RAID disks are made inside a qemu guest, as dracut's tests do: initpack
# builds a "disk builder" initrd from the storage profiles plus xfsprogs,
# with tests/lib/disk-builder as its first process (rdinit=), and one boot
# of it formats every disk set of tests/lib/storage-layout.sh. The result
# is cached under $TEST_CACHE/storage/KEY, KEY a hash of everything the
# builder's output depends on, so only the first test (and CI, which starts
# empty) pays for that boot.
#
#   storage_disks                  # builds or finds the sets; sets STORAGE_DIR
#   storage_drives luks            # "--drive FILE,snapshot" arguments for a set
#   storage_drives lvmraid 0       # … for some of its disks (degraded tests)
#   storage_copy lvmraid DIR       # writable copies, for boots that follow
#   storage_initrd OUT --profile luks [build args…]   the image under test
#   storage_root_time              # prints the last boot's time to the root
#   storage_expect_emergency --drive … --append …   a boot ending in emergency
#
# The test root in every set is make_test_root's, plus a hook printing the
# block devices the root sits on ("storage-hook: …").

source "$TESTS_LIB/storage-layout.sh"

# The profiles the builder's image is made from (besides default).
_STORAGE_BUILDER_PROFILES="luks tpm2 lvm raid btrfs xfs"

# What the disks depend on: the builder, the layout, the storage profiles
# the builder's image is made from (not the default profile, which other
# work changes often and which does not shape the disks), the test root
# (boot.sh, busybox) and the kernel. The builder runs udevd but no
# systemd, so the profiles' units, generators and the scripts they run
# (lib/systemd/, usr/lib/initpack/) cannot shape the disks: left out, so
# work on them does not cost a builder boot.
_storage_key() {
  local p
  {
    cat "$TESTS_LIB/disk-builder" "$TESTS_LIB/storage-layout.sh" \
      "$TESTS_LIB/boot.sh" "$(command -v busybox)"
    # Of this file, what makes the disks (not the helpers tests boot with).
    declare -f _storage_build _storage_root_hook
    echo "$_STORAGE_BUILDER_PROFILES"
    for p in $_STORAGE_BUILDER_PROFILES; do
      find "$INITPACK_PROFILES_DIR/$p" -type f ! -path '*/lib/systemd/*' \
        ! -path '*/usr/lib/initpack/*' | LC_ALL=C sort | xargs cat
    done
    echo "$KERNEL_VERSION"
  } | sha256sum | cut -c1-16
}

# The hook every storage test root runs: what is stacked under /.
_storage_root_hook() {
  cat <<'HOOK'
echo "storage-hook: root $(grep ' / ' /proc/mounts | cut -d' ' -f1-3)"
for d in /sys/block/*; do
  [ -e "$d/dm/name" ] && echo "storage-hook: dm $(cat "$d/dm/name") $(cat "$d/dm/uuid")"
  [ -e "$d/md/level" ] && echo "storage-hook: md ${d##*/} $(cat "$d/md/level") degraded=$(cat "$d/md/degraded") members=$(ls "$d/slaves" | tr '\n' ' ')"
done
true
HOOK
}

storage_disks() {
  need qemu-system-x86_64 swtpm sha256sum
  debian_fixture
  local key lock dir
  key=$(_storage_key)
  STORAGE_DIR="$TEST_CACHE/storage/$key"
  exec {lock}>"$TEST_CACHE/.storage.lock"
  flock -w 1200 "$lock" || fail "waited too long for $TEST_CACHE/.storage.lock"
  if [ ! -e "$STORAGE_DIR/done" ]; then
    # Sets of other keys (other worktrees' inputs) stay while in use.
    find "$TEST_CACHE/storage" -mindepth 1 -maxdepth 1 -type d -mmin +180 \
      -exec rm -rf {} + 2>/dev/null || true
    dir="$TEST_CACHE/storage.new"
    rm -rf "$dir"
    mkdir -p "$dir"
    _storage_build "$dir" || {
      exec {lock}>&-
      fail "the disk builder failed (files in $dir)"
    }
    mkdir -p "$TEST_CACHE/storage"
    mv "$dir" "$STORAGE_DIR"
  fi
  touch "$STORAGE_DIR"
  exec {lock}>&-
}

_storage_build() {
  local dir=$1 set name count size i start p
  local root="$dir/root" tree="$dir/tree/usr/lib/initpack-test"
  make_test_root "$root"
  _storage_root_hook >"$root/etc/initpack-test.d/20-storage.sh"
  TEST_ROOT=$root make_root_image "$dir/source.img" >/dev/null
  mkdir -p "$tree"
  cp "$TESTS_LIB/disk-builder" "$TESTS_LIB/storage-layout.sh" "$tree/"
  mkdir -p "$dir/builder"
  local -a profiles=()
  for p in $_STORAGE_BUILDER_PROFILES; do profiles+=(--profile "$p"); done
  build_test_initrd "$dir/builder/initrd.img" "${profiles[@]}" \
    -p xfsprogs -p coreutils --extra-tree "$dir/tree" >&2
  local -a drives=(--drive "$dir/source.img,snapshot")
  for set in $STORAGE_SETS; do
    IFS=: read -r name count size <<<"$set"
    for ((i = 0; i < count; i++)); do
      truncate -s "${size}M" "$dir/$name.$i.img"
      drives+=(--drive "$dir/$name.$i.img")
    done
  done
  mkdir -p "$dir/tpm2.state"
  start=$(date +%s)
  "$INITPACK" qemu --kernel "$dir/builder/vmlinuz" \
    --initrd "$dir/builder/initrd.img" "${drives[@]}" \
    --tpm-state "$dir/tpm2.state" --log "$dir/builder.log" \
    --append "rdinit=/usr/lib/initpack-test/disk-builder" \
    --expect DISK-BUILDER-DONE --fail-on DISK-BUILDER-FAILED \
    --fail-on "[y/n]" --timeout 900 >&2 || {
    tail -n 40 "$dir/builder.log" >&2
    return 1
  }
  echo "disk builder: $(($(date +%s) - start)) s" >&2
  # The TPM the tpm2 set's key is sealed to: without it that set is useless.
  [ -s "$dir/tpm2.state/tpm2-00.permall" ] || {
    echo "the disk builder's TPM state was not kept in $dir/tpm2.state" >&2
    return 1
  }
  rm -rf "$dir/root" "$dir/tree" "$dir/builder" "$dir/source.img"
  touch "$dir/done"
}

# storage_drives SET [INDEX…]: --drive arguments for the set's disks (all,
# or the given ones), each a snapshot so the cached disks stay pristine.
storage_drives() {
  local name=$1 set count i
  shift
  for set in $STORAGE_SETS; do
    [ "${set%%:*}" = "$name" ] && count=$(cut -d: -f2 <<<"$set")
  done
  [ -n "${count:-}" ] || fail "no disk set $name in storage-layout.sh"
  local -a idx=("$@")
  [ ${#idx[@]} -gt 0 ] || idx=($(seq 0 $((count - 1))))
  for i in "${idx[@]}"; do
    echo "--drive"
    echo "$STORAGE_DIR/$name.$i.img,snapshot"
  done
}

# storage_copy SET DIR: writable copies of the set's disks, DIR/SET.N.img,
# for a test whose boots must see what the one before wrote.
storage_copy() {
  local name=$1 dir=$2 f
  mkdir -p "$dir"
  for f in "$STORAGE_DIR/$name".*.img; do
    cp --sparse=always "$f" "$dir/"
  done
}

# storage_root_time: prints how long the last boot took from the kernel's
# start to the root, by the guest's clock (the test root's uptime at its
# init, which a loaded host stretches less than wall time), e.g.
# "time to the root: 41.20 s guest uptime".
storage_root_time() {
  local up
  up=$(sed -n "s/.*$TEST_ROOT_MARKER uptime=\([0-9.]*\).*/\1/p" "$BOOT_LOG" | tail -n 1)
  [ -n "$up" ] || fail "no $TEST_ROOT_MARKER uptime= in $BOOT_LOG"
  echo "time to the root: $up s guest uptime"
}

# storage_boot SET ROOT-ARGS [initpack qemu args…]: boots $T/initrd.img
# with the set's disks; the boot must reach the root. Prints the time it
# took (storage_root_time), for comparison with the degraded boots.
storage_boot() {
  local name=$1 append=$2
  shift 2
  local -a drives
  mapfile -t drives < <(storage_drives "$name")
  boot_expect_root --kernel "$T/vmlinuz" --initrd "$T/initrd.img" \
    "${drives[@]}" --append "$append" "$@"
  boot_text >/dev/null
  expect_in "$BOOT_LOG" "systemd[1]: Running in initrd."
  storage_root_time
}

# storage_expect_emergency [initpack qemu args…]: boots $T/initrd.img,
# which must end in the emergency shell, without reaching the root, after
# systemd timed out waiting for the root device; what the console said from
# then on lands in $T/emergency.txt, for the test to check.
storage_expect_emergency() {
  local start=$SECONDS
  boot_expect_failure "You are in emergency mode" --kernel "$T/vmlinuz" \
    --initrd "$T/initrd.img" "$@"
  echo "emergency shell after $((SECONDS - start)) s"
  boot_text >/dev/null
  expect_not_in "$BOOT_LOG" "$TEST_ROOT_MARKER"
  sed -n '/Timed out waiting for device/,$p' "$BOOT_TEXT" >"$T/emergency.txt"
  [ -s "$T/emergency.txt" ] || fail "systemd did not time out waiting for the root"
}

# storage_initrd OUT [initpack build args…]: the image under test, from the
# warm shared cache; vmlinuz lands beside OUT.
storage_initrd() {
  build_test_initrd "$@" >/dev/null
}
