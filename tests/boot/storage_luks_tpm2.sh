# A LUKS2 root unlocked by the TPM: the disk builder enrolled a TPM2 key
# slot with systemd-cryptenroll against an swtpm whose state is kept with
# the disks; this boot gets a copy of that TPM (--tpm-state) and
# rd.luks.options=tpm2-device=auto, and must never ask for the passphrase.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/disks.sh"
storage_disks

cp -a "$STORAGE_DIR/tpm2.state" "$T/tpm"
storage_initrd "$T/initrd.img" --profile tpm2
storage_boot tpm2 "rd.luks.uuid=$LUKS_UUID_tpm2 rd.luks.options=tpm2-device=auto root=UUID=$ROOT_UUID_tpm2 rw" \
  --tpm-state "$T/tpm" --fail-on "Please enter passphrase"
expect_in "$BOOT_TEXT" "storage-hook: root /dev/mapper/luks-$LUKS_UUID_tpm2 / ext4"

# Without the TPM the same disk asks for the passphrase: the key came from
# the TPM, not from anywhere else.
_boot --kernel "$T/vmlinuz" --initrd "$T/initrd.img" $(storage_drives tpm2) \
  --append "rd.luks.uuid=$LUKS_UUID_tpm2 rd.luks.options=tpm2-device=auto root=UUID=$ROOT_UUID_tpm2 rw" \
  --expect "Please enter passphrase" --timeout 240 ||
  { cat "$BOOT_OUT" >&2; fail "without the TPM, no passphrase prompt"; }
