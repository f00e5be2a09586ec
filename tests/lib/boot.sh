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

BOOT_CACHE="$INITPACK_BUILD_DIR/test-cache"
TEST_ROOT_MARKER=INITPACK-ROOT-REACHED
# Generous: a TCG boot on a loaded 2-core machine can take several times
# its quiet-machine time. Tests pass --timeout to bound failure cases.
: "${BOOT_TIMEOUT:=300}"

# Runs "$@" holding the cache lock: boot tests run in parallel under ctest
# and must not fill the cache twice at once.
_with_cache_lock() {
  mkdir -p "$BOOT_CACHE"
  (
    flock 9
    "$@"
  ) 9>"$BOOT_CACHE/.lock"
}

# The Debian kernel package (.deb) behind the test kernel: the file named
# by $INITPACK_TEST_KERNEL_DEB, else the one cached by an earlier run, else
# linux-image-amd64's kernel downloaded with apt-get.
test_kernel_deb() {
  if [ -n "${INITPACK_TEST_KERNEL_DEB:-}" ]; then
    [ -f "$INITPACK_TEST_KERNEL_DEB" ] || fail "INITPACK_TEST_KERNEL_DEB=$INITPACK_TEST_KERNEL_DEB: no such file"
    echo "$INITPACK_TEST_KERNEL_DEB"
    return
  fi
  _with_cache_lock _download_kernel_deb >&2 || exit
  ls "$BOOT_CACHE"/deb/linux-image-*.deb | tail -n 1
}
_download_kernel_deb() {
  compgen -G "$BOOT_CACHE/deb/linux-image-*.deb" >/dev/null && return 0
  need apt-get apt-cache
  local pkg
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
    awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ { print $2; exit }')
  [ -n "$pkg" ] || skip "linux-image-amd64 is not in the apt lists (run apt-get update)"
  rm -rf "$BOOT_CACHE/deb.tmp" && mkdir -p "$BOOT_CACHE/deb.tmp"
  if ! (cd "$BOOT_CACHE/deb.tmp" && apt-get download "$pkg") >"$BOOT_CACHE/download.log" 2>&1; then
    skip "cannot download $pkg (archive unreachable?): $(tail -n 1 "$BOOT_CACHE/download.log")"
  fi
  mv "$BOOT_CACHE/deb.tmp" "$BOOT_CACHE/deb"
}

# The cache directory for the test kernel package: boot/vmlinuz-* and the
# package's file list (files.txt), extracted once.
_kernel_dir() {
  local deb dir
  deb=$(test_kernel_deb) || exit
  dir="$BOOT_CACHE/$(basename "$deb" .deb)"
  _with_cache_lock _unpack_kernel "$deb" "$dir" >&2 || exit
  echo "$dir"
}
_unpack_kernel() {
  local deb=$1 dir=$2
  [ -e "$dir/files.txt" ] && return 0
  need dpkg-deb
  rm -rf "$dir" && mkdir -p "$dir"
  dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" --wildcards './boot/vmlinuz-*'
  dpkg-deb --fsys-tarfile "$deb" | tar -t >"$dir/files.txt.tmp"
  mv "$dir/files.txt.tmp" "$dir/files.txt"
}

# The kernel every boot test boots: $INITPACK_TEST_KERNEL, else vmlinuz from
# the cached kernel package. (One place to change when `initpack build
# --kernel-package` provides it.)
test_kernel() {
  if [ -n "${INITPACK_TEST_KERNEL:-}" ]; then
    echo "$INITPACK_TEST_KERNEL"
    return
  fi
  local dir
  dir=$(_kernel_dir) || exit
  ls "$dir"/boot/vmlinuz-* | head -n 1
}

# test_kernel_modules NAME…: the .ko files of the named modules and of
# everything they depend on (modinfo's depends=), in an order insmod can
# load them (dependencies first), extracted from the test kernel package.
# Soft dependencies are not followed: name them (e.g. crc32c_generic).
test_kernel_modules() {
  local dir deb kver
  dir=$(_kernel_dir) || exit
  deb=$(test_kernel_deb) || exit
  if [ -n "${INITPACK_TEST_KERNEL:-}" ]; then
    kver=$(grep -m 1 -o '^\./lib/modules/[^/]*/' "$dir/files.txt" | cut -d/ -f4)
    [ "$(kernel_image_version "$INITPACK_TEST_KERNEL")" = "$kver" ] ||
      skip "INITPACK_TEST_KERNEL is not $kver, the kernel whose modules $deb has"
  fi
  _with_cache_lock _extract_modules "$deb" "$dir" "$@" >&2 || exit
  _module_order "$dir" "$@"
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
# A module's path inside the package ('-' and '_' are the same in names).
_module_path() {
  local pattern=${2//[-_]/[-_]}
  grep -m 1 -E "/${pattern}\.ko$" "$1/files.txt" | sed 's|^\./||'
}
# Extracts the named modules and their dependencies, one tar pass per
# level of the dependency tree.
_extract_modules() {
  local deb=$1 dir=$2
  shift 2
  local -a todo=("$@")
  local -A missing
  local name path deps
  while [ ${#todo[@]} -gt 0 ]; do
    missing=()
    for name in "${todo[@]}"; do
      path=$(_module_path "$dir" "$name")
      [ -n "$path" ] || fail "kernel module $name is not in $(basename "$dir")"
      [ -f "$dir/$path" ] || missing["./$path"]=1
    done
    if [ ${#missing[@]} -gt 0 ]; then
      dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" "${!missing[@]}" ||
        fail "cannot extract ${!missing[*]} from $deb"
    fi
    local -a next=()
    for name in "${todo[@]}"; do
      deps=$(modinfo -F depends "$dir/$(_module_path "$dir" "$name")")
      for name in ${deps//,/ }; do
        [ -f "$dir/$(_module_path "$dir" "$name")" ] || next+=("$name")
      done
    done
    todo=("${next[@]}")
  done
}
_module_order() {
  local dir=$1
  shift
  local -A seen=()
  _visit() {
    local name=${1//-/_} path dep
    [ -n "${seen[$name]:-}" ] && return 0
    seen[$name]=1
    path="$dir/$(_module_path "$dir" "$1")"
    for dep in $(modinfo -F depends "$path" | tr , ' '); do _visit "$dep"; done
    echo "$path"
  }
  local m
  for m in "$@"; do _visit "$m"; done
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
  if [[ " ${args[*]} " != *" --kernel "* ]]; then
    local kernel
    kernel=$(test_kernel) || exit
    args+=(--kernel "$kernel")
  fi
  [[ " ${args[*]} " == *" --timeout "* ]] || args+=(--timeout "$BOOT_TIMEOUT")
  local rc=0
  "$INITPACK" qemu --log "$BOOT_LOG" "${args[@]}" >"$BOOT_OUT" 2>&1 || rc=$?
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
