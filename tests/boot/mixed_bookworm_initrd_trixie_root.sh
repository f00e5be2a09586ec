# A mixed boot, the reverse of mixed_trixie_initrd_bookworm_root: the
# generic initrd built from bookworm's packages (systemd 252, kernel 6.1)
# boots the real trixie system of tests/lib/realsys.sh (systemd 257 as
# PID 1): systemd 252 in the initrd switches root to systemd 257, which
# reaches multi-user.target, `systemctl is-system-running` = running, no
# failed unit, root checked once.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/trixie.sh"
REALSYS_RELEASE=trixie
source "$TESTS_LIB/realsys.sh"
need qemu-system-x86_64 mkfs.ext4
# The host's fixture when the host is bookworm (shared with the other boot
# tests), else one built from bookworm's packages.
[ "$(. /etc/os-release && echo "$VERSION_CODENAME")" = bookworm ] || DEBIAN_RELEASE=bookworm
debian_fixture
[[ $KERNEL_VERSION == 6.1.* ]] || fail "bookworm's kernel is 6.1, the fixture has $KERNEL_VERSION"

R="$T/root"
realsys_root "$R"
grep -q '^VERSION_CODENAME=trixie$' "$R/usr/lib/os-release" || fail "the real system is not trixie"
realsys_disk "$R" "$T/root.img" realroot
start=$SECONDS
realsys_boot "$DEBIAN_VMLINUZ" "$DEBIAN_INITRD" "root=LABEL=realroot ro" \
  --drive "$T/root.img,snapshot"
expect_in "$BOOT_TEXT" "Linux version $KERNEL_VERSION"
grep -qE "systemd\[1\]: systemd 252[-.~+a-z0-9]* running in system mode" "$BOOT_TEXT" ||
  fail "the initrd's systemd is not 252"
expect_manager_after_switch_root 257
expect_realsys_running
echo "boot: $((SECONDS - start)) s"
