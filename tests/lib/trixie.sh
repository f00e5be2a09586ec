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
