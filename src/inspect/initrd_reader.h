// Reading any initrd the kernel accepts: a sequence of segments, each an
// uncompressed newc cpio archive or a compressed stream (zstd, xz, lzma,
// gzip, bzip2, lz4 legacy) holding cpio archives, with NUL padding between
// them; e.g. dracut's early microcode cpio followed by a zstd main archive.
// An EROFS image (initpack's stage 2, a sysext) reads as one "erofs"
// segment (erofs_reader.h).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct InitrdEntry {
  std::string path;     // normalised ("usr/bin/x"); the root is "."
  std::string raw_name; // as stored in the archive ("./usr/bin/x")
  uint32_t mode = 0;    // type and permission bits, as in struct stat
  uint32_t uid = 0, gid = 0;
  uint64_t size = 0; // file data (a hardlink's shared data), target length
  uint64_t mtime = 0;
  uint32_t nlink = 0;
  uint32_t ino = 0;
  std::string link_target; // symlinks
  std::string hardlink;    // earlier path of the same file in the archive
  uint32_t rdev_major = 0, rdev_minor = 0;
  int segment = 0;          // index into the segment list
  std::string data_sha256;  // regular files: hex SHA-256 of the content
  bool unsafe_path = false; // the name climbs out with ".."
};

struct InitrdSegment {
  uint64_t offset = 0;
  std::string compression; // "none", "zstd", "xz", "lzma", "gzip", …
  uint64_t compressed_size = 0, uncompressed_size = 0;
  uint32_t archives = 0; // cpio archives (TRAILER!!!) inside
  uint64_t entries = 0;
  std::string detail; // e.g. "check CRC32" for xz
};

using InitrdDataFn =
    std::function<void(const InitrdEntry &, std::string_view data)>;

// Lists `path`. With on_data, it is called once per entry with its content
// (regular files), target (symlinks) or nothing (others); for a hardlinked
// file the call comes once the member carrying the data has been read, so
// it may come after later entries. Returns false with "path: what" in *err.
bool read_initrd(const std::string &path, std::vector<InitrdSegment> *segs,
                 std::vector<InitrdEntry> *entries, std::string *err,
                 const InitrdDataFn &on_data = {});

// The same for an image in memory (`name` appears in messages).
bool read_initrd_bytes(std::string_view image, const std::string &name,
                       std::vector<InitrdSegment> *segs,
                       std::vector<InitrdEntry> *entries, std::string *err,
                       const InitrdDataFn &on_data = {});

// "-rwsr-xr-x" for a mode, like ls -l.
std::string mode_string(uint32_t mode);

} // namespace initpack
