# A real Debian 13 (trixie) system (tests/lib/realsys.sh with
# REALSYS_RELEASE=trixie: mmdebstrap, systemd 257 as PID 1, root by LABEL
# from fstab, mounted `ro` and remounted by the system) booted with the
# generic initrd built from trixie's packages and trixie's kernel 6.12, to
# multi-user.target: `systemctl is-system-running` must say "running",
# with no failed unit, no program warning and the root file system
# checked once (expect_realsys_running, shared with the mixed boots).
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/trixie.sh"
REALSYS_RELEASE=trixie
source "$TESTS_LIB/realsys.sh"
need qemu-system-x86_64 mkfs.ext4
use_trixie

R="$T/root"
realsys_root "$R"
grep -q '^VERSION_CODENAME=trixie$' "$R/usr/lib/os-release" || fail "the real system is not trixie"
realsys_disk "$R" "$T/root.img" realroot
start=$SECONDS
realsys_boot "$DEBIAN_VMLINUZ" "$DEBIAN_INITRD" "root=LABEL=realroot ro" \
  --drive "$T/root.img,snapshot"
expect_trixie_boot
expect_realsys_running
echo "boot: $((SECONDS - start)) s"
