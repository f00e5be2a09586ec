# A LUKS2 root named on the kernel command line (rd.luks.uuid=, as a generic
# image is booted), unlocked by systemd-cryptsetup with the passphrase
# typed at its console prompt.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

storage_initrd "$T/initrd.img" --profile luks
storage_boot luks "rd.luks.uuid=$LUKS_UUID_luks root=UUID=$ROOT_UUID_luks rw" \
  --send "Please enter passphrase for disk=$STORAGE_PASSPHRASE"
expect_in "$BOOT_TEXT" "Please enter passphrase for disk"
expect_in "$BOOT_TEXT" "storage-hook: dm luks-$LUKS_UUID_luks CRYPT-LUKS2-"
expect_in "$BOOT_TEXT" "storage-hook: root /dev/mapper/luks-$LUKS_UUID_luks / ext4"
