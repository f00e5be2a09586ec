# A LUKS2 root unlocked with a key file in the image (rd.luks.key=): the
# boot must never ask for the passphrase.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

mkdir -p "$T/keys/etc/initpack-test"
printf %s "$STORAGE_KEYFILE_TEXT" >"$T/keys/etc/initpack-test/root.key"
storage_initrd "$T/initrd.img" --profile luks --extra-tree "$T/keys"
storage_boot luks "rd.luks.uuid=$LUKS_UUID_luks rd.luks.key=/etc/initpack-test/root.key root=UUID=$ROOT_UUID_luks rw" \
  --fail-on "Please enter passphrase"
expect_in "$BOOT_TEXT" "storage-hook: root /dev/mapper/luks-$LUKS_UUID_luks / ext4"
