# Helpers for the Debian 13 (trixie) boot tests (tests/boot/trixie_*.sh),
# sourced after boot.sh. Those tests build their image from trixie's
# packages (DEBIAN_RELEASE=trixie, tests/lib/debian.sh) and boot it with
# trixie's kernel, but reuse what the host release's tests made: the
# storage disks (a LUKS header or an md superblock is the same whichever
# kernel wrote it) and the servers.
#
#   use_trixie                 # the fixture becomes trixie's (kernel 6.12)
#   expect_trixie_boot         # the last boot ran trixie's kernel and systemd
#   $TRIXIE_DEVICE_WAIT        # for every boot's command line, see below

# Under a loaded TCG host systemd 257's coldplug can outlast the default
# 90 s device timeout (seen: the NIC's driver loaded at guest 124 s, the
# NBD root timed out at 119 s; trixie_root saw journald up at 123 s); the
# boot's own timeout still bounds the test.
TRIXIE_DEVICE_WAIT=systemd.default_device_timeout_sec=280

use_trixie() {
  DEBIAN_RELEASE=trixie
  debian_fixture
  [[ $KERNEL_VERSION == 6.12.* ]] || fail "trixie's kernel is 6.12, the fixture has $KERNEL_VERSION"
}

# The kernel and the systemd that ran in the initrd are trixie's, not the
# host release's.
expect_trixie_boot() {
  boot_text >/dev/null
  expect_in "$BOOT_TEXT" "Linux version $KERNEL_VERSION"
  grep -qE "systemd\[1\]: systemd 257[-.~+a-z0-9]* running in system mode" "$BOOT_TEXT" ||
    fail "the initrd's systemd is not 257"
}

# expect_manager_after_switch_root VERSION: the systemd that started after
# the initrd's switch (the real system's PID 1) is VERSION. The console
# shows the switch as its unit's status line ("Switching root." goes to
# the journal only).
expect_manager_after_switch_root() {
  local version=$1
  # grep without -q reads to the end: sed must not die of SIGPIPE (pipefail).
  sed -n '/Starting .* - Switch Root\.\.\./,$p' "$BOOT_TEXT" |
    grep -E "systemd\[1\]: systemd $version[-.~+a-z0-9]* running in system mode" >/dev/null ||
    fail "no systemd $version started after the switch from the initrd"
}

# expect_realsys_running: the real system of tests/lib/realsys.sh, booted
# with root=LABEL=realroot, reported "running" with no failed unit, its
# journal holds the initrd's switch-root, / is /dev/vda read-write and was
# checked once.
expect_realsys_running() {
  expect_in "$BOOT_TEXT" "REALSYS state=running"
  [ -z "$(realsys_section failed)" ] || { realsys_section failed >&2; fail "failed units"; }
  grep -q "REALSYS switch-root=[1-9]" "$BOOT_TEXT" || fail "the journal holds no switch-root from the initrd"
  realsys_section mounts >"$T/mounts"
  grep -q "^/ /dev/vda rw," "$T/mounts" || { cat "$T/mounts" >&2; fail "/ is not /dev/vda, read-write"; }
  local n
  n=$(realsys_section fsck | grep -c "^realroot: clean, " || true)
  [ "$n" = 1 ] || { realsys_section fsck >&2; fail "the root was checked $n times, not once"; }
  grep "REALSYS analyze:" "$BOOT_TEXT"
  # Only the kernel's own warnings (TCG's clock, PCI): none from a program
  # of either release (as realsys_generic checks).
  if realsys_section warnings | grep -v ' kernel: ' | grep -q .; then
    realsys_section warnings >&2
    fail "a program logged a warning during the boot"
  fi
}
