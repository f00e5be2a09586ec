# --send answers a prompt on the serial console (as a LUKS passphrase will
# be): the guest prints a prompt without a newline, reads a line and echoes
# it back. The reply contains '=' and a space, which must survive.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64

make_busybox_initrd "$T/initrd.img"
boot_expect_root --initrd "$T/initrd.img" --append test.mode=ask \
  --send "Enter the secret: =open sesame=42"
expect_in "$BOOT_LOG" "initrd: got secret <open sesame=42>"
