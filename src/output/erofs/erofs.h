// Writes the image Tree as an EROFS file system image (format.h), the
// read-only file system the kernel mounts straight from a block device or a
// file: no unpacking, no decompression unless asked for, pages read on
// demand.
//
// Why our own writer: mkfs.erofs needs the tree on disk (a staging copy of
// ~100 MB) and a separate process; erofs-utils' liberofs is not packaged as
// a library. The format is small, public and stable, and laying it out
// straight from the in-memory Tree keeps the output deterministic by
// construction.
#pragma once

#include "image/tree.h"

#include <array>
#include <cstdint>
#include <string>

namespace initpack {

enum class ErofsCompression { None, Lz4, Lz4hc };

struct ErofsOptions {
  ErofsCompression compression = ErofsCompression::None;
  int lz4hc_level = 9;     // 1-12, for Lz4hc
  uint32_t mtime = 0;      // every inode's mtime (SOURCE_DATE_EPOCH)
  std::string volume_name; // up to 16 bytes; "" for none
  // The file system UUID; all zero means "derive it from the metadata",
  // which keeps it reproducible and different for different trees.
  std::array<uint8_t, 16> uuid{};
  int threads = 1; // compression threads; the output does not depend on it
};

struct ErofsResult {
  uint64_t size = 0; // bytes written: a multiple of 4096
  uint64_t inodes = 0;
  uint64_t metadata_bytes = 0; // superblock + inode records
  uint64_t data_blocks = 0;
  uint64_t compressed_files = 0; // files stored in compressed clusters
};

// Writes `tree` as an EROFS image at offset 0 of `fd` (which must be empty
// or truncated by the caller). Fails with *err naming the path at fault:
// names over 255 bytes, xattrs EROFS has no prefix for, unreadable content.
bool write_erofs(const Tree &tree, int fd, const ErofsOptions &opts,
                 ErofsResult *result, std::string *err);

} // namespace initpack
