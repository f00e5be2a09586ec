# Debian 13 (trixie): an initrd built from trixie's packages (systemd 257,
# kernel 6.12, `-r trixie`) mounts the root by device, LABEL= and UUID=.
# One image, three boots (each ~1/3 of a bookworm boot test's time). Two of
# them also stop at initpack's rd.break= shells (storage_rd_break on
# bookworm): systemd 257 has no rd.systemd.break= (its debug generator
# knows no breakpoints; they came with 258), so trixie users get ours; the
# third boot has rd.systemd.break=pre-mount: initpack's notice says to use
# rd.break=, and the boot goes on.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64
DEBIAN_RELEASE=trixie
debian_fixture
[[ $KERNEL_VERSION == 6.12.* ]] || fail "trixie's kernel is 6.12, the fixture has $KERNEL_VERSION"

# Typed at a break shell (bash alone: the image has no coreutils): the
# number of mounts on /sysroot, behind 42, which only a shell that
# evaluated the line prints; then the shell exits and the boot goes on.
count_sysroot='n=0; while read -r dev dir rest; do [ "$dir" = /sysroot ] && n=$((n + 1)); done </proc/mounts; echo "BREAK-SHELL $((6 * 7)) sysroot-mounts=$n"; exit'
make_test_root "$T/root"
uuid=$(make_root_image "$T/root.img" -L initpack-root)
for root in /dev/vda LABEL=initpack-root "UUID=$uuid"; do
  start=$SECONDS
  case $root in
    /dev/vda) point=pre-mount mounts=0 ;;
    LABEL=*) point=pre-pivot mounts=1 ;;
    *) point= ;;
  esac
  # The last boot asks for systemd's own breakpoint, which 257 does not
  # know: the boot must go through (258's would wait at a shell), with
  # initpack's notice (initpack-break-systemd.service) on the console.
  brk=(rd.systemd.break=pre-mount) send=()
  [ -z "$point" ] || brk=("rd.break=$point") send=(--send "$point:/# =$count_sysroot")
  # Under a loaded TCG host systemd 257's coldplug can outlast the default
  # 90 s device timeout (seen: journald up at guest 123 s); the boot's own
  # timeout still bounds the test.
  boot_systemd_initrd "$DEBIAN_INITRD" "root=$root systemd.default_device_timeout_sec=280 ${brk[*]}" \
    "${send[@]}"
  expect_in "$BOOT_LOG" "root-hook: /dev/vda / ext4"
  # The kernel and the systemd that ran are trixie's, not the host's.
  expect_in "$BOOT_TEXT" "Linux version $KERNEL_VERSION"
  grep -qE "systemd\[1\]: systemd 257[-.~+a-z0-9]* running in system mode" "$BOOT_TEXT" ||
    fail "the initrd's systemd is not 257"
  if [ -n "$point" ]; then
    expect_in "$BOOT_TEXT" "rd.break=$point: the boot stops here"
    expect_in "$BOOT_TEXT" "BREAK-SHELL 42 sysroot-mounts=$mounts"
  fi
  notice="rd.systemd.break= needs systemd 258, this initrd does not stop there"
  if [ -z "$point" ]; then expect_in "$BOOT_TEXT" "$notice"; else expect_not_in "$BOOT_TEXT" "$notice"; fi
  for other in pre-mount mount pre-pivot; do
    [ "$other" = "$point" ] || expect_not_in "$BOOT_TEXT" "rd.break=$other: the boot stops here"
  done
  echo "root=$root ${brk[*]}: $((SECONDS - start)) s"
done
