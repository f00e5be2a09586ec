# A real Debian system for boot tests: made by mmdebstrap from the host's
# apt sources (the host's release, else REALSYS_RELEASE), kept in the
# shared test cache under realsys/KEY, KEY hashing the release, the package
# list and realsys-customize.sh (mmdebstrap's customize hook).
#
#   realsys_root DIR        unpacks the cached system into DIR
#   realsys_root_plus DIR PKG…  the same with PKG… installed by apt in it
#   in_root DIR CMD…        runs CMD chrooted in DIR with /proc, /sys, /dev,
#                           the host's resolv.conf and the shared initpack
#                           package cache (as /var/cache/initpack)
#   realsys_disk DIR OUT LABEL [SIZE]   an ext4 image of DIR (mkfs.ext4 -d)
#   realsys_boot OUT-PREFIX KERNEL INITRD APPEND [qemu args…]
#                           boots it; the guest's realsys-report.service
#                           prints its state to the console and powers off
#   realsys_section NAME    a section of that report (failed, fsck, mounts,
#                           warnings, initrd-warnings)
#   realsys_initrd_warnings the warnings of the initrd phase (issue #20)
#
# The system: minbase + systemd-sysv, udev, e2fsprogs, initramfs-tools (the
# generator initpack replaces), an fstab by LABEL, a serial getty (systemd's
# generator, from console=ttyS0), /etc/os-release (base-files).
source "$TESTS_LIB/debian.sh"

REALSYS_RELEASE=${REALSYS_RELEASE:-bookworm}
REALSYS_PACKAGES=systemd-sysv,udev,e2fsprogs,initramfs-tools,zstd,linux-base

_realsys_key() {
  { echo "$REALSYS_RELEASE $REALSYS_PACKAGES"; cat "$TESTS_LIB/realsys-customize.sh"; } |
    sha256sum | cut -c1-16
}

# realsys_root DIR
realsys_root() {
  local dir=$1 key cache lock
  need mmdebstrap mkfs.ext4 unshare
  [ "$(id -u)" = 0 ] || skip "a real system is made as root"
  key=$(_realsys_key)
  cache="$TEST_CACHE/realsys/$REALSYS_RELEASE-$key"
  mkdir -p "$TEST_CACHE/realsys"
  exec {lock}>"$cache.lock"
  flock -w 1800 "$lock" || fail "waited too long for $cache.lock"
  if [ ! -s "$cache/root.tar" ]; then
    rm -rf "$cache.tmp" && mkdir -p "$cache.tmp"
    local sources=/etc/apt/sources.list.d/debian.sources host
    [ -f "$sources" ] || sources=/etc/apt/sources.list
    # Another release than the host's: the host's sources, its suites
    # renamed (bookworm-updates -> trixie-updates …).
    host=$(. /etc/os-release && echo "$VERSION_CODENAME")
    if ! sed "s/\b$host\b/$REALSYS_RELEASE/g" "$sources" |
      mmdebstrap --variant=minbase --include="$REALSYS_PACKAGES" \
        --customize-hook="bash $TESTS_LIB/realsys-customize.sh \"\$1\"" \
        "$REALSYS_RELEASE" "$cache.tmp/root.tar" - >"$cache.tmp/log" 2>&1; then
      tail -n 30 "$cache.tmp/log" >&2
      grep -qE "Could not resolve|Failed to fetch|Temporary failure" "$cache.tmp/log" &&
        skip "the Debian archive is unreachable"
      fail "mmdebstrap failed"
    fi
    rm -rf "$cache" && mv "$cache.tmp" "$cache"
  fi
  exec {lock}>&-
  mkdir -p "$dir"
  tar -C "$dir" --numeric-owner -xpf "$cache/root.tar"
}

# realsys_root_plus DIR PKG…: the real system with PKG… (and their
# dependencies, no recommends) installed by apt in its chroot, cached
# beside it under a key of the base system's key and PKG…: a test that
# needs a few more packages pays one apt run, not a second mmdebstrap.
realsys_root_plus() {
  local dir=$1 key cache lock
  shift
  key=$({ _realsys_key; echo "$*"; declare -f realsys_root_plus; } | sha256sum | cut -c1-16)
  cache="$TEST_CACHE/realsys/$REALSYS_RELEASE-plus-$key"
  mkdir -p "$TEST_CACHE/realsys"
  exec {lock}>"$cache.lock"
  flock -w 1800 "$lock" || fail "waited too long for $cache.lock"
  if [ ! -s "$cache/root.tar" ]; then
    local r="$cache.tmp/root"
    rm -rf "$cache.tmp" && mkdir -p "$cache.tmp"
    realsys_root "$r"
    # No service starts in the chroot (invoke-rc.d sees no systemd there
    # and would run dbus' init script); mmdebstrap left no package lists.
    printf '#!/bin/sh\nexit 101\n' >"$r/usr/sbin/policy-rc.d"
    chmod 755 "$r/usr/sbin/policy-rc.d"
    cp -p "$r/etc/resolv.conf" "$cache.tmp/resolv.conf"
    in_root "$r" apt-get update >"$cache.tmp/log" 2>&1 ||
      { tail -n 20 "$cache.tmp/log" >&2; skip "apt-get update failed in the real system (archive unreachable?)"; }
    in_root "$r" apt-get install -y --no-install-recommends "$@" >>"$cache.tmp/log" 2>&1 ||
      { tail -n 30 "$cache.tmp/log" >&2; fail "apt-get install $* failed in the real system"; }
    in_root "$r" apt-get clean
    rm -rf "$r/usr/sbin/policy-rc.d" "$r"/var/lib/apt/lists/* "$r/var/cache/initpack"
    cp -p "$cache.tmp/resolv.conf" "$r/etc/resolv.conf"
    tar -C "$r" --numeric-owner -cpf "$cache.tmp/root.tar" .
    rm -rf "$r" "$cache.tmp/resolv.conf"
    rm -rf "$cache" && mv "$cache.tmp" "$cache"
  fi
  exec {lock}>&-
  mkdir -p "$dir"
  tar -C "$dir" --numeric-owner -xpf "$cache/root.tar"
}

# in_root DIR CMD…: in a private mount namespace, so nothing stays mounted.
in_root() {
  local d=$1
  shift
  mkdir -p "$INITPACK_TEST_CACHE" "$d/var/cache/initpack"
  cp /etc/resolv.conf "$d/etc/resolv.conf"
  unshare --mount --fork -- sh -c '
    d=$1 cache=$2; shift 2
    mount --make-rprivate /
    mount -t proc proc "$d/proc" && mount -t sysfs sys "$d/sys" &&
    mount --rbind /dev "$d/dev" && mount -t tmpfs tmpfs "$d/run" &&
    mount --bind "$cache" "$d/var/cache/initpack" || exit 1
    exec chroot "$d" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
      DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 "$@"' sh "$d" "$INITPACK_TEST_CACHE" "$@"
}

# realsys_disk DIR OUT LABEL [SIZE]
realsys_disk() {
  rm -f "$2"
  truncate -s "${4:-3G}" "$2"
  mkfs.ext4 -q -F -L "$3" -d "$1" "$2" >&2
}

# realsys_boot KERNEL INITRD APPEND [initpack qemu args…]: sets BOOT_LOG and
# BOOT_TEXT; fails unless the guest reported. REALSYS_EXPECT replaces the
# report's last line as the text that ends the boot ("reboot: Power down"
# to watch the shutdown as well).
# no_timer_check: on a loaded host the TCG guest's kernel failed its IO-APIC
# timer check ("IO-APIC + timer doesn't work!", a panic) before any of
# initpack's work.
realsys_boot() {
  local kernel=$1 initrd=$2 append=$3
  shift 3
  boot_expect_root --kernel "$kernel" --initrd "$initrd" --memory 1G \
    --append "$append console=ttyS0 no_timer_check" --expect "${REALSYS_EXPECT:-REALSYS-DONE}" \
    --timeout 1500 "$@" >/dev/null
  boot_text >/dev/null
}

# realsys_section NAME: the lines the report printed between NAME-begin
# and NAME-end.
realsys_section() {
  sed -n "/REALSYS $1-begin/,/REALSYS $1-end/p" "$BOOT_TEXT" | sed '1d;$d'
}

# realsys_initrd_warnings: the boot's warnings (journalctl -p warning) from
# the initrd phase, PID 1's "Running in initrd." to its "Switching root.";
# fails when the journal showed no such phase, so an empty answer means
# the phase was there and clean.
realsys_initrd_warnings() {
  grep -qE "REALSYS initrd-span=[0-9.]+ [0-9.]+" "$BOOT_TEXT" ||
    fail "the journal holds no initrd phase ($(grep -o 'REALSYS initrd-span=.*' "$BOOT_TEXT" || echo 'no report'))"
  realsys_section initrd-warnings
}
