// The EROFS writer's plan (mold-style): every inode record, directory
// block, data block and compressed cluster gets its size and place before
// a byte is written. build_layout() decides; write_erofs() only copies.
#pragma once

#include "output/erofs/erofs.h"
#include "output/erofs/format.h"

#include <string>
#include <vector>

namespace initpack::erofs {

// One physical cluster of a compressed file: one block on disk holding
// the file's bytes [start, start + length), LZ4-compressed or raw.
struct Cluster {
  uint64_t start = 0;
  uint32_t length = 0;
  bool plain = false; // raw bytes at the block's start
  std::string block;  // the 4096 bytes to write
};

struct DirEntry {
  std::string name;
  uint32_t node = 0; // index into Layout::nodes
  FileType type = kFtRegular;
};

// One inode: a path of the tree, or several paths sharing an Inode
// (hardlinks).
struct Node {
  const Inode *inode = nullptr;
  std::string path;  // the first path, for errors and messages
  uint16_t mode = 0; // type and permission bits (st_mode)
  uint32_t nlink = 1;
  uint64_t size = 0; // i_size: content, directory bytes or target length
  bool extended = false;
  DataLayout layout = kFlatPlain;
  std::string xattrs; // the inline xattr body as written; "" for none

  uint32_t tail = 0;          // FLAT_INLINE: bytes of data in the record
  uint64_t record_offset = 0; // byte offset of the inode; nid = this / 32
  uint32_t blkaddr = 0;       // first data block (plain data or clusters)
  uint32_t blocks = 0;        // data blocks it owns

  std::vector<Cluster> clusters;  // COMPRESSED_FULL only
  std::vector<DirEntry> entries;  // directories: sorted, "." and ".." too
  std::vector<size_t> dir_blocks; // entries index where each block starts

  uint64_t nid() const { return record_offset / kInodeSlot; }
  uint32_t inode_size() const {
    return extended ? sizeof(ExtendedInode) : sizeof(CompactInode);
  }
  // Bytes of the record: inode, xattrs, then inline data or indexes.
  uint64_t record_size() const;
};

struct Layout {
  std::vector<Node> nodes;   // nodes[0] is the root directory
  uint64_t metadata_end = 0; // first byte after the last inode record
  uint32_t first_data_block = 0;
  uint32_t total_blocks = 0;
};

// Number of 4096-byte logical clusters of a compressed file.
inline uint64_t lcluster_count(uint64_t size) {
  return (size + kBlockSize - 1) / kBlockSize;
}

// Plans the image of `tree`. Reads (and, when asked, compresses) the file
// contents that compression needs. Fails with *err naming the path.
bool build_layout(const Tree &tree, const ErofsOptions &opts, Layout *out,
                  std::string *err);

// Splits `data` into one-block clusters (cluster.cc): LZ4 (or LZ4HC at
// `level` when hc) where it saves space, raw blocks where it does not.
bool compress_clusters(const std::string &data, bool hc, int level,
                       std::vector<Cluster> *out, std::string *err);

} // namespace initpack::erofs
