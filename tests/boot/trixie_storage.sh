# Debian 13 (trixie) storage: one initrd built from trixie's packages
# (systemd 257, kernel 6.12) with the raid, luks, lvm and tpm2 profiles,
# booted twice on the storage disks the bookworm tests made (cached, no
# disk-builder boot of its own):
#  - a LUKS2 root unlocked by the TPM (a copy of the swtpm state the key
#    was sealed to), never asking for the passphrase;
#  - an LVM root on LUKS on md RAID1, passphrase at the prompt.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
source "$TESTS_LIB/trixie.sh"
storage_disks # the host release's fixture: its disks, cached
use_trixie

storage_initrd "$T/initrd.img" --profile raid --profile luks --profile lvm --profile tpm2

start=$SECONDS
cp -a "$STORAGE_DIR/tpm2.state" "$T/tpm"
storage_boot tpm2 "rd.luks.uuid=$LUKS_UUID_tpm2 rd.luks.options=tpm2-device=auto root=UUID=$ROOT_UUID_tpm2 rw $TRIXIE_DEVICE_WAIT" \
  --tpm-state "$T/tpm" --fail-on "Please enter passphrase"
expect_trixie_boot
expect_in "$BOOT_TEXT" "storage-hook: root /dev/mapper/luks-$LUKS_UUID_tpm2 / ext4"
echo "tpm2: $((SECONDS - start)) s"

start=$SECONDS
storage_boot stack "rd.luks.uuid=$LUKS_UUID_stack root=/dev/$VG_stack/root rw $TRIXIE_DEVICE_WAIT" \
  --send "Please enter passphrase for disk=$STORAGE_PASSPHRASE"
expect_trixie_boot
expect_in "$BOOT_TEXT" "storage-hook: root /dev/mapper/$VG_stack-root / ext4"
expect_in "$BOOT_TEXT" "storage-hook: dm luks-$LUKS_UUID_stack CRYPT-LUKS2-"
grep -qE "storage-hook: md md[0-9]+ raid1 degraded=0" "$BOOT_TEXT" ||
  fail "no complete raid1 under the root"
echo "lvm on luks on raid1: $((SECONDS - start)) s"
