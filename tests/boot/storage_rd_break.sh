# rd.break=pre-mount stops the boot with a shell before the root is
# mounted (dracut's prompt "pre-mount:/# "); the test types a command there
# (bash alone: the image has no coreutils) whose output proves a shell ran it and that /sysroot was not mounted yet,
# exits, and the boot must go on to the root.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
debian_fixture

make_test_root "$T/root"
make_root_image "$T/root.img" >/dev/null
build_test_initrd "$T/initrd.img" >/dev/null
boot_systemd_initrd "$T/initrd.img" "root=/dev/vda rd.break=pre-mount" \
  --send 'pre-mount:/# =n=0; while read -r dev dir rest; do [ "$dir" = /sysroot ] && n=$((n + 1)); done </proc/mounts; echo "BREAK-SHELL $((6 * 7)) sysroot-mounts=$n"; exit'
expect_in "$BOOT_TEXT" "rd.break=pre-mount: the boot stops here"
# 42 only if a shell evaluated what was typed; 0 mounts on /sysroot.
expect_in "$BOOT_TEXT" "BREAK-SHELL 42 sysroot-mounts=0"
expect_in "$BOOT_TEXT" "root-hook: /dev/vda / ext4"
# The other points stayed silent.
expect_not_in "$BOOT_TEXT" "rd.break=pre-pivot: the boot stops here"
