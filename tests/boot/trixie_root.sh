# Debian 13 (trixie): an initrd built from trixie's packages (systemd 257,
# kernel 6.12, `-r trixie`) mounts the root by device, LABEL= and UUID=.
# One image, three boots (each ~1/3 of a bookworm boot test's time).
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64
DEBIAN_RELEASE=trixie
debian_fixture
[[ $KERNEL_VERSION == 6.12.* ]] || fail "trixie's kernel is 6.12, the fixture has $KERNEL_VERSION"

make_test_root "$T/root"
uuid=$(make_root_image "$T/root.img" -L initpack-root)
for root in /dev/vda LABEL=initpack-root "UUID=$uuid"; do
  start=$SECONDS
  # Under a loaded TCG host systemd 257's coldplug can outlast the default
  # 90 s device timeout (seen: journald up at guest 123 s); the boot's own
  # timeout still bounds the test.
  boot_systemd_initrd "$DEBIAN_INITRD" "root=$root systemd.default_device_timeout_sec=280"
  expect_in "$BOOT_LOG" "root-hook: /dev/vda / ext4"
  # The kernel and the systemd that ran are trixie's, not the host's.
  expect_in "$BOOT_TEXT" "Linux version $KERNEL_VERSION"
  grep -qE "systemd\[1\]: systemd 257[-.~+a-z0-9]* running in system mode" "$BOOT_TEXT" ||
    fail "the initrd's systemd is not 257"
  echo "root=$root: $((SECONDS - start)) s"
done
