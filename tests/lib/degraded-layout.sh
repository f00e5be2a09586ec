# The degraded storage tests' disk layout (tests/boot/storage_*degraded*.sh),
# shared by tests/lib/degraded-disks.sh and tests/lib/degraded-disk-builder.
# A disk set of its own, cached apart from storage-layout.sh's sets, so that
# adding it does not make every storage test rebuild its disks.

# NAME:DISKS:SIZE_MB, in the order the builder's drives are attached after
# the source disk (serial initpack0).
DEGRADED_SETS="lvmraid:2:64 btrfsraid:2:128"

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
