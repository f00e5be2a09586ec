// The EROFS on-disk format, as far as initpack writes it.
//
// Spec: the kernel's Documentation/filesystems/erofs.rst and the format
// header fs/erofs/erofs_fs.h (Linux 6.1, what Debian bookworm boots); facts
// checked against erofs-utils' fsck.erofs and the kernel mounting images.
// Every integer is little-endian; we target x86-64 and arm64, both
// little-endian, so the structs below are written as they are in memory
// (static_asserts pin their sizes).
//
// An image is a sequence of 4096-byte blocks (the block size must equal
// the page size for 6.1):
//
//   byte 0      1024 bytes left zero (room for a boot sector)
//   byte 1024   SuperBlock (128 bytes)
//   byte 1152…  the metadata area: inode records, 32-byte aligned. An inode
//               is addressed by its "nid" = (offset - meta_blkaddr * 4096)
//               / 32; we use meta_blkaddr 0, so nid = byte offset / 32.
//   then        data blocks: file contents, directory blocks and
//               compressed physical clusters, each at a block address
//               ("blkaddr" = byte offset / 4096).
//
// An inode record is the inode (CompactInode, 32 bytes, or ExtendedInode,
// 64 bytes), its inline xattrs (XattrBodyHeader + XattrEntry…, 4-byte
// aligned), then, by data layout:
//   FLAT_PLAIN   nothing more: the data is in blocks raw_blkaddr…
//   FLAT_INLINE  the last size % 4096 bytes of the data ("tail"); the full
//                blocks before it are at raw_blkaddr. A tail must not cross
//                a block boundary.
//   COMPRESSED_FULL  at the next 8-byte boundary a ZMapHeader, 8 unused
//                bytes, then one LclusterIndex per 4096 bytes of file data
//                (a "logical cluster"). Compressed data sits in
//                one-block "physical clusters": each HEAD index says where
//                in its logical cluster a physical cluster's output starts
//                (clusterofs) and which block holds it; NONHEAD indexes
//                (logical clusters wholly inside one output) give the
//                distance back to their HEAD and forward to the next one.
//                An LZ4 cluster is right-aligned in its block behind zeros
//                (the ZERO_PADDING feature, so the kernel finds its start);
//                a PLAIN cluster holds up to 4096 raw bytes from its start.
//
// A directory's data is a run of blocks, each an array of Dirent (sorted by
// name, "." and ".." included) followed by the names, unterminated: entry
// i's name runs from its nameoff to entry i+1's nameoff, the last one's to
// the first NUL or the end of the block (or of the directory's size). The
// first dirent's nameoff / 12 is the block's entry count.
// A symlink's data is its target; a device node stores its number in i_u.
#pragma once

#include <cstdint>

namespace initpack::erofs {

constexpr uint32_t kBlockSize = 4096;
constexpr uint32_t kBlockBits = 12;
constexpr uint32_t kSuperBlockOffset = 1024;
constexpr uint32_t kMagic = 0xE0F5E1E2;
constexpr uint32_t kInodeSlot = 32; // nid granularity

// feature_incompat: LZ4 clusters are right-aligned behind zero padding.
constexpr uint32_t kFeatureIncompatZeroPadding = 0x00000001;

struct SuperBlock {
  uint32_t magic;
  uint32_t checksum;       // crc32c, only with feature_compat SB_CHKSUM
  uint32_t feature_compat; // 0: no checksum, mtimes via build_time
  uint8_t blkszbits;       // 12
  uint8_t sb_extslots;     // 0
  uint16_t root_nid;
  uint64_t inos;            // number of inodes
  uint64_t build_time;      // the mtime of every compact inode
  uint32_t build_time_nsec; // 0
  uint32_t blocks;          // image size in blocks
  uint32_t meta_blkaddr;    // 0
  uint32_t xattr_blkaddr;   // 0: no shared xattrs
  uint8_t uuid[16];
  uint8_t volume_name[16];
  uint32_t feature_incompat;
  uint16_t lz4_max_distance; // 0: the default 64 KiB window
  uint16_t extra_devices;
  uint16_t devt_slotoff;
  uint8_t dirblkbits;
  uint8_t xattr_prefix_count;
  uint32_t xattr_prefix_start;
  uint64_t packed_nid;
  uint8_t reserved[24];
};
static_assert(sizeof(SuperBlock) == 128);

// i_format: bit 0 = extended inode, bits 1-3 = data layout.
enum DataLayout : uint16_t {
  kFlatPlain = 0,
  kCompressedFull = 1,
  kFlatInline = 2,
};
constexpr uint16_t kFormatExtended = 1;
constexpr uint16_t inode_format(DataLayout layout, bool extended) {
  return uint16_t(layout << 1) | (extended ? kFormatExtended : 0);
}

struct CompactInode {
  uint16_t i_format;
  uint16_t i_xattr_icount; // 0, or 1 + (xattr body bytes - 12) / 4
  uint16_t i_mode;
  uint16_t i_nlink;
  uint32_t i_size;
  uint32_t i_reserved;
  uint32_t i_u; // raw_blkaddr, compressed_blocks or rdev
  uint32_t i_ino;
  uint16_t i_uid;
  uint16_t i_gid;
  uint32_t i_reserved2;
};
static_assert(sizeof(CompactInode) == 32);

struct ExtendedInode {
  uint16_t i_format;
  uint16_t i_xattr_icount;
  uint16_t i_mode;
  uint16_t i_reserved;
  uint64_t i_size;
  uint32_t i_u;
  uint32_t i_ino;
  uint32_t i_uid;
  uint32_t i_gid;
  uint64_t i_mtime;
  uint32_t i_mtime_nsec;
  uint32_t i_nlink;
  uint8_t i_reserved2[16];
};
static_assert(sizeof(ExtendedInode) == 64);

struct XattrBodyHeader {
  uint32_t h_reserved; // the name filter of later kernels; 0 = unused
  uint8_t h_shared_count;
  uint8_t h_reserved2[7];
};
static_assert(sizeof(XattrBodyHeader) == 12);

// Followed by the name (without its prefix) and the value, then padding
// to 4 bytes.
struct XattrEntry {
  uint8_t e_name_len;
  uint8_t e_name_index; // the prefix: see kXattrPrefixes in layout.cc
  uint16_t e_value_size;
};
static_assert(sizeof(XattrEntry) == 4);

#pragma pack(push, 1)
struct Dirent {
  uint64_t nid;
  uint16_t nameoff;
  uint8_t file_type;
  uint8_t reserved;
};
#pragma pack(pop)
static_assert(sizeof(Dirent) == 12);

enum FileType : uint8_t {
  kFtRegular = 1,
  kFtDir = 2,
  kFtCharDev = 3,
  kFtBlockDev = 4,
  kFtFifo = 5,
  kFtSocket = 6,
  kFtSymlink = 7,
};
constexpr uint32_t kNameMax = 255;

struct ZMapHeader {
  uint32_t h_reserved1;    // fragment offset / tail size: unused
  uint16_t h_advise;       // 0: full indexes, one-block clusters
  uint8_t h_algorithmtype; // 0: LZ4 for both HEAD types
  uint8_t h_clusterbits;   // logical cluster bits - 12: 0
};
static_assert(sizeof(ZMapHeader) == 8);

enum LclusterType : uint16_t {
  kLclusterPlain = 0,
  kLclusterHead = 1, // HEAD1: compressed with h_algorithmtype's low nibble
  kLclusterNonHead = 2,
};

struct LclusterIndex {
  uint16_t di_advise;     // the LclusterType
  uint16_t di_clusterofs; // HEAD/PLAIN: where the cluster's output starts
  union {
    uint32_t blkaddr;  // HEAD/PLAIN: the physical cluster's block
    uint16_t delta[2]; // NONHEAD: lclusters back to HEAD, on to next HEAD
  } di_u;
};
static_assert(sizeof(LclusterIndex) == 8);

} // namespace initpack::erofs
