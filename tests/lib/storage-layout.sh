# The storage test disks' layout, shared by the host side (tests/lib/disks.sh)
# and the disk builder running in the guest (tests/lib/disk-builder): which
# disk sets exist, how many disks each has and how big, and the fixed names
# and UUIDs the tests boot with (fixed, so a test knows root= without
# asking the builder). The degraded tests boot the multi-disk sets with
# disks left out.

# NAME:DISKS:SIZE_MB, in the order the builder's drives are attached after
# the source disk (serial initpack0).
STORAGE_SETS="luks:1:64 tpm2:1:64 lvm:1:64 thin:1:96 raid1:2:64 stack:2:96 btrfs:1:128 xfs:1:320
  lvmraid:2:64 btrfsraid:2:128 raid5:3:32"

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
MD_UUID_raid5=6f1a2b3c:00064c00:80000000:00000006
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
ROOT_UUID_raid5=6f1a2b3c-0109-4c00-8000-000000000109
# btrfs: the root is this subvolume; the top level holds only a marker.
BTRFS_SUBVOL=@root

# lvmraid: one volume group over both disks, with
#   root    a raid1 volume mirrored over both PVs
#   linear  a linear volume on the second PV alone
VG_lvmraid=initpack_lvmraid
# Fixed PV UUIDs (pvcreate --uuid), so a test knows which one is missing.
PV_UUID_lvmraid_0=initpk-lvmr-aid0-0000-0000-0000-000000
PV_UUID_lvmraid_1=initpk-lvmr-aid1-0000-0000-0000-000001
ROOT_UUID_lvmraid=6f1a2b3c-0201-4c00-8000-000000000201
ROOT_UUID_lvmlinear=6f1a2b3c-0202-4c00-8000-000000000202
# btrfsraid: one btrfs file system, data and metadata raid1 over both disks.
ROOT_UUID_btrfsraid=6f1a2b3c-0203-4c00-8000-000000000203
