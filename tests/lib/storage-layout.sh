# The storage test disks' layout, shared by the host side (tests/lib/disks.sh)
# and the disk builder running in the guest (tests/lib/disk-builder): which
# disk sets exist, how many disks each has and how big, and the fixed names
# and UUIDs the tests boot with (fixed, so a test knows root= without
# asking the builder).

# NAME:DISKS:SIZE_MB, in the order the builder's drives are attached after
# the source disk (serial initpack0).
STORAGE_SETS="luks:1:64 tpm2:1:64 lvm:1:64 thin:1:96 raid1:2:64 stack:2:96 btrfs:1:128 xfs:1:320"

STORAGE_PASSPHRASE=initpack-test-passphrase
# The keyfile enrolled in the luks set's second key slot (no newline).
STORAGE_KEYFILE_TEXT=initpack-test-keyfile-7f3a9c
# The credentials an unlock may use: a passphrase, a keyfile, the TPM.
LUKS_UUID_luks=6f1a2b3c-0001-4c00-8000-000000000001
LUKS_UUID_tpm2=6f1a2b3c-0002-4c00-8000-000000000002
LUKS_UUID_stack=6f1a2b3c-0003-4c00-8000-000000000003
# md's UUID is four 32-bit words.
MD_UUID_raid1=6f1a2b3c:00044c00:80000000:00000004
MD_UUID_stack=6f1a2b3c:00054c00:80000000:00000005
# Volume groups: NAME/root is the root (thin: a thin volume in NAME/pool).
VG_lvm=initpack_lvm
VG_thin=initpack_thin
VG_stack=initpack_stack
# The root file system's UUID in each set (ext4 unless the set says).
ROOT_UUID_luks=6f1a2b3c-0101-4c00-8000-000000000101
ROOT_UUID_tpm2=6f1a2b3c-0102-4c00-8000-000000000102
ROOT_UUID_lvm=6f1a2b3c-0103-4c00-8000-000000000103
ROOT_UUID_thin=6f1a2b3c-0104-4c00-8000-000000000104
ROOT_UUID_raid1=6f1a2b3c-0105-4c00-8000-000000000105
ROOT_UUID_stack=6f1a2b3c-0106-4c00-8000-000000000106
ROOT_UUID_btrfs=6f1a2b3c-0107-4c00-8000-000000000107
ROOT_UUID_xfs=6f1a2b3c-0108-4c00-8000-000000000108
# btrfs: the root is this subvolume; the top level holds only a marker.
BTRFS_SUBVOL=@root
