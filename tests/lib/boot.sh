# The boot-test harness, sourced by tests/boot/*.sh after common.sh: a test
# kernel (cached), a tiny test root that announces itself on the console,
# root images made without root privileges, and wrappers around
# `initpack qemu` that fail the test with the console's last lines.
#
#   KERNEL=$(test_kernel)            # a plain assignment, so a skip (77)
#   make_test_root "$T/root"         # ends the test
#   echo 'cat /proc/cmdline' >"$T/root/etc/initpack-test.d/cmdline.sh"
#   UUID=$(make_root_image "$T/root.img" -L testroot)
#   boot_expect_root --initrd "$T/initrd.img" --drive "$T/root.img,snapshot" \
#     --append "root=UUID=$UUID"
#   expect_in "$BOOT_LOG" "root=UUID=$UUID"

# A missing root device makes systemd wait 90 s before the emergency shell.
# Measured with Debian's systemd 252: rootflags=x-systemd.device-timeout=N
# bounds that wait; systemd.default_timeout_start_sec= does not (the job
# still shows "1min 30s") and systemd.default_device_timeout_sec= and
# rd.timeout= are unknown to it.
ROOT_WAIT_10S="rootflags=x-systemd.device-timeout=10"

TEST_ROOT_MARKER=INITPACK-ROOT-REACHED
# Generous: a TCG boot on a loaded 2-core machine can take several times
# its quiet-machine time. Tests pass --timeout to bound failure cases.
: "${BOOT_TIMEOUT:=300}"
# A command prefix for `initpack qemu`, e.g. nsenter into the private
# network namespace of tests/lib/servers.sh.
BOOT_WRAPPER=()

source "$TESTS_LIB/debian.sh"

# The kernel every boot test boots: $INITPACK_TEST_KERNEL, else the
# archive's kernel that `initpack build --kernel-package` wrote beside the
# shared default initrd (tests/lib/debian.sh).
test_kernel() {
  if [ -n "${INITPACK_TEST_KERNEL:-}" ]; then
    echo "$INITPACK_TEST_KERNEL"
    return
  fi
  debian_fixture >&2 || exit
  echo "$DEBIAN_VMLINUZ"
}

# test_kernel_modules NAME…: the .ko files of the named modules and of
# everything they depend on, in an order insmod can load them
# (dependencies first), from the kernel package initpack unpacked.
test_kernel_modules() {
  debian_fixture >&2 || exit
  if [ -n "${INITPACK_TEST_KERNEL:-}" ] &&
    [ "$(kernel_image_version "$INITPACK_TEST_KERNEL")" != "$KERNEL_VERSION" ]; then
    skip "INITPACK_TEST_KERNEL is not $KERNEL_VERSION, the kernel whose modules the cache has"
  fi
  local name
  for name in "$@"; do
    modprobe -d "$KERNEL_ROOT" -S "$KERNEL_VERSION" --show-depends "$name" ||
      fail "kernel module $name is not in $KERNEL_VERSION"
  done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}
# The release (uname -r) of an x86 bzImage, from its setup header: the
# 16-bit kernel_version field at 0x20e points to the version string, 0x200
# bytes further (Documentation/arch/x86/boot.rst).
kernel_image_version() {
  local off
  off=$(od -An -tu2 -j 526 -N 2 "$1" | tr -d ' ')
  dd if="$1" bs=1 skip=$((off + 512)) count=64 2>/dev/null | tr '\0' '\n' |
    head -n 1 | cut -d' ' -f1
}

# make_test_root DIR: a tiny root file system: static busybox with its
# applets, /etc/os-release (systemd's switch-root refuses a root without
# one) and an /sbin/init that runs DIR/etc/initpack-test.d/*.sh, prints
# "INITPACK-ROOT-REACHED uptime=<guest /proc/uptime>" and powers off.
make_test_root() {
  local dir=$1 applet
  need busybox
  mkdir -p "$dir"/{bin,sbin,etc/initpack-test.d,proc,sys,dev,run,tmp,root}
  cp "$(command -v busybox)" "$dir/bin/busybox"
  file_is_static "$dir/bin/busybox" || skip "busybox is not static (install busybox-static)"
  for applet in $("$dir/bin/busybox" --list); do
    [ -e "$dir/bin/$applet" ] || ln -s busybox "$dir/bin/$applet"
  done
  printf 'ID=initpack-test\nNAME="initpack test root"\nPRETTY_NAME="initpack test root"\n' >"$dir/etc/os-release"
  cat >"$dir/sbin/init" <<'INIT'
#!/bin/sh
# initpack's test root: run the test's hooks, announce the root, power off.
mount -t proc proc /proc 2>/dev/null
mount -t sysfs sysfs /sys 2>/dev/null
mount -t devtmpfs devtmpfs /dev 2>/dev/null
for hook in /etc/initpack-test.d/*.sh; do
  [ -e "$hook" ] && . "$hook"
done
echo "INITPACK-ROOT-REACHED uptime=$(cat /proc/uptime)"
sync
poweroff -f
INIT
  chmod 755 "$dir/sbin/init"
  # Which device and file system became the root, for the tests to check.
  echo 'echo "root-hook: $(grep " / " /proc/mounts)"' >"$dir/etc/initpack-test.d/10-root-mount.sh"
}
# True when FILE has no ELF interpreter (PT_INTERP), i.e. is static.
file_is_static() {
  ! LC_ALL=C grep -qa '/lib64/ld-linux' "$1"
}

# make_root_image OUT.img [mkfs.ext4 args…]: an ext4 image of $TEST_ROOT
# (default $T/root, made with make_test_root when missing), built without
# root privileges by mkfs.ext4 -d. Prints the file system's UUID.
make_root_image() {
  local out=$1 root=${TEST_ROOT:-$T/root}
  shift
  need mkfs.ext4 dumpe2fs
  [ -d "$root" ] || make_test_root "$root"
  rm -f "$out"
  truncate -s 64M "$out"
  mkfs.ext4 -q -F -d "$root" -E root_owner=0:0 "$@" "$out" >&2
  dumpe2fs -h "$out" 2>/dev/null | awk -F': *' '$1 == "Filesystem UUID" { print $2 }'
}

# Runs `initpack qemu` with the test kernel (unless --kernel is given), a
# log in $T and the default timeout (unless --timeout is given). Sets
# BOOT_LOG (raw serial log) and BOOT_OUT (initpack's output); returns
# initpack's exit code.
_boot() {
  local -a args=("$@")
  BOOT_N=$((${BOOT_N:-0} + 1))
  BOOT_LOG="$T/boot$BOOT_N.log"
  BOOT_OUT="$T/boot$BOOT_N.out"
  # UEFI boots (--uki, --esp, --uefi) take the kernel from the ESP.
  if [[ " ${args[*]} " != *" --kernel "* && " ${args[*]} " != *" --uki "* &&
    " ${args[*]} " != *" --esp "* && " ${args[*]} " != *" --uefi "* ]]; then
    local kernel
    kernel=$(test_kernel) || exit
    args+=(--kernel "$kernel")
  fi
  [[ " ${args[*]} " == *" --timeout "* ]] || args+=(--timeout "$BOOT_TIMEOUT")
  local rc=0
  "${BOOT_WRAPPER[@]}" "$INITPACK" qemu --log "$BOOT_LOG" "${args[@]}" >"$BOOT_OUT" 2>&1 || rc=$?
  return $rc
}

# boot_expect_root ARGS…: the boot must reach the root marker.
boot_expect_root() {
  local rc=0
  _boot "$@" || rc=$?
  if [ $rc -ne 0 ]; then
    cat "$BOOT_OUT" >&2
    fail "boot did not reach the root (exit $rc): initpack qemu $*"
  fi
  cat "$BOOT_OUT"
}

# boot_expect_failure TEXT ARGS…: the boot must fail on console text TEXT
# (added to the failure texts), reported as a failure (exit 1), not a
# timeout or a qemu error.
boot_expect_failure() {
  local text=$1 rc=0
  shift
  _boot --fail-on "$text" "$@" || rc=$?
  if [ $rc -ne 1 ] || ! grep -qF -- "'$text' in:" "$BOOT_OUT"; then
    cat "$BOOT_OUT" >&2
    fail "expected a boot failure on '$text' (exit 1), got exit $rc: initpack qemu $*"
  fi
  cat "$BOOT_OUT"
}

# make_busybox_initrd OUT.cpio [MODULE…]: a busybox-only initrd whose /init
# is tests/lib/busybox-init (test.mode= on the command line picks what it
# does); the named kernel modules and their dependencies are loaded first.
make_busybox_initrd() {
  local out=$1 dir ko
  shift
  need busybox cpio
  dir=$(mktemp -d "$T/initrd.XXXXXX")
  mkdir -p "$dir/bin" "$dir/modules"
  cp "$(command -v busybox)" "$dir/bin/busybox"
  file_is_static "$dir/bin/busybox" || skip "busybox is not static (install busybox-static)"
  install -m 755 "$TESTS_LIB/busybox-init" "$dir/init"
  touch "$dir/modules/order"
  if [ $# -gt 0 ]; then
    local modules
    modules=$(test_kernel_modules "$@") || exit
    for ko in $modules; do
      cp "$ko" "$dir/modules/"
      basename "$ko" >>"$dir/modules/order"
    done
  fi
  # /dev/console comes from the kernel's built-in initramfs.
  (cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) >"$out"
}

# boot_systemd_initrd INITRD ROOT-ARG [qemu args…]: boots INITRD (with the
# vmlinuz beside it) and the test root image, and checks that it was the
# initrd's systemd that mounted the root named by ROOT-ARG and switched to
# it (systemd's messages show the initrd's units at work; the test root's
# hook prints its mount of /, "root-hook: /dev/vda / ext4 …", to check).
boot_systemd_initrd() {
  local initrd=$1 rootarg=$2
  shift 2
  [ -f "$T/root.img" ] || fail "make a root image first (make_root_image \$T/root.img)"
  boot_expect_root --kernel "$(dirname "$initrd")/vmlinuz" --initrd "$initrd" \
    --drive "$T/root.img,snapshot" --append "$rootarg rw" "$@"
  expect_initrd_switched_root
}

# expect_initrd_switched_root: the last boot's systemd ran in the initrd,
# mounted the root and switched to it.
expect_initrd_switched_root() {
  boot_text >/dev/null
  expect_in "$BOOT_LOG" "systemd[1]: Running in initrd."
  # Status lines name units by description (long unit names are
  # ellipsised on an 80-column console).
  grep -q "Reached target .* - Initrd Root File System\." "$BOOT_TEXT" ||
    fail "systemd in the initrd never reached initrd-root-fs.target"
  grep -q "Starting .* - Switch Root\.\.\." "$BOOT_TEXT" ||
    fail "systemd in the initrd never started the switch to the root"
}

# boot_text: the last boot's console log without colour codes and \r, in
# $BOOT_TEXT; prints its path.
boot_text() {
  BOOT_TEXT="$BOOT_LOG.txt"
  sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e 's/\r$//' "$BOOT_LOG" >"$BOOT_TEXT"
  echo "$BOOT_TEXT"
}
