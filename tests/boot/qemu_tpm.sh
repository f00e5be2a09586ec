# --tpm gives the guest a TPM 2.0 emulated by swtpm (the kernel's built-in
# tpm_tis driver finds it); swtpm is gone after the boot.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64 swtpm

make_busybox_initrd "$T/initrd.img"
boot_expect_root --initrd "$T/initrd.img" --tpm --append test.mode=tpm
tr -d '\r' <"$BOOT_LOG" >"$T/console"
expect_in "$T/console" "tpm0"
expect_in "$T/console" "tpm version 2"
# Every swtpm still running (another test may run one) must own a live
# state directory: ours, deleted after the boot, must have gone with it.
sleep 0.5
for p in $(pgrep -x swtpm || true); do
  dir=$(tr '\0' ' ' <"/proc/$p/cmdline" | sed -n 's/.*dir=\([^ ]*\).*/\1/p')
  [ -d "$dir" ] || fail "swtpm $p outlived its state directory $dir"
done
