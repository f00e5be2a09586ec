# A mixed boot: the generic initrd built from trixie's packages (systemd
# 257, kernel 6.12) boots the real bookworm system of tests/lib/realsys.sh
# (systemd 252 as PID 1, root by LABEL, `ro`): systemd 257 in the initrd
# switches root to systemd 252, which takes over (deserialises the state
# the initrd's manager handed over) and reaches multi-user.target,
# `systemctl is-system-running` = running, no failed unit, root checked once.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/trixie.sh"
REALSYS_RELEASE=bookworm
source "$TESTS_LIB/realsys.sh"
need qemu-system-x86_64 mkfs.ext4
use_trixie

R="$T/root"
realsys_root "$R"
grep -q '^VERSION_CODENAME=bookworm$' "$R/usr/lib/os-release" || fail "the real system is not bookworm"
realsys_disk "$R" "$T/root.img" realroot
start=$SECONDS
realsys_boot "$DEBIAN_VMLINUZ" "$DEBIAN_INITRD" "root=LABEL=realroot ro $TRIXIE_DEVICE_WAIT" \
  --drive "$T/root.img,snapshot"
expect_trixie_boot
expect_manager_after_switch_root 252
expect_realsys_running
echo "boot: $((SECONDS - start)) s"
