// The content-addressed package cache shared by all builds, under
// cache_root(ctx):
//
//   debs/<sha256>.deb           packages, named by the SHA-256 that the
//                               signed index gives for them
//   files/<ab>/<sha256>         every regular file of every unpacked package,
//                               named by the SHA-256 of its content ("blobs")
//   unpacked/<deb-sha256>.v<N>.json  a package's manifest (format N): its
//                               paths, types, modes, owners and the blobs
//                               holding its files, with its own SHA-256
//   trees/<deb-sha256>/         a package unpacked as real files
//                               (unpack_to_directory)
//
// Everything appears under its final name by rename(2) only when complete,
// and a manifest only after all of its blobs: a crash leaves temporary
// files, never a manifest pointing to missing or partial blobs.
//
// Trusting what is there without re-reading it: a file enters the cache
// only after its SHA-256 was checked, and is then sealed: made read-only
// and given a fixed mtime (kSealedMtime). Writing to it afterwards sets the
// mtime to the current time, so a file that still has the expected size and
// the seal is trusted after one stat() (a warm build reads no content). A
// file without the seal is hashed again: re-sealed if it still matches,
// reported corrupt if not. Corruption that keeps the size and mtime (bit rot
// below the filesystem, or a deliberate `touch -d @1`) is not detected here.
#pragma once

#include "util/hash.h"

#include <cstdint>
#include <ctime>
#include <memory>
#include <string>

namespace initpack {

inline constexpr time_t kSealedMtime = 1; // 1970-01-01 00:00:01 UTC

class PackageCache {
public:
  explicit PackageCache(std::string root) : root_(std::move(root)) {}

  // Creates the directories above, and removes temporary files and
  // directories more than an hour old (left by a crashed build).
  bool prepare(std::string *err) const;

  const std::string &root() const { return root_; }
  std::string deb_path(const std::string &deb_sha256) const;
  std::string blob_path(const std::string &sha256) const;
  std::string manifest_path(const std::string &deb_sha256) const;
  std::string tree_path(const std::string &deb_sha256) const;
  std::string files_dir() const { return root_ + "/files"; }
  std::string trees_dir() const { return root_ + "/trees"; }

  enum class State { Missing, Valid, Corrupt };
  // Is `path` a regular file of `size` bytes (-1: not known) whose content
  // hashes to `sha256`? See "Trusting what is there" above. *why says what
  // is wrong with a Corrupt file.
  State check(const std::string &path, int64_t size, const std::string &sha256,
              std::string *why) const;

  // Makes a verified file read-only and gives it the seal.
  static bool seal(const std::string &path, std::string *err);

private:
  void remove_stale_temporaries() const;

  std::string root_;
};

// Writes one blob: content is streamed into a temporary file in files/ and
// hashed on the way; commit() renames it to files/<ab>/<sha256>, or drops
// it when a valid copy is already there (packages share many files).
class BlobWriter {
public:
  explicit BlobWriter(const PackageCache &cache) : cache_(cache) {}
  ~BlobWriter();
  BlobWriter(const BlobWriter &) = delete;
  BlobWriter &operator=(const BlobWriter &) = delete;

  bool begin(std::string *err);
  bool write(const void *data, size_t size, std::string *err);
  bool commit(std::string *sha256, uint64_t *size, std::string *err);

private:
  void discard();

  const PackageCache &cache_;
  int fd_ = -1;
  std::string temp_path_;
  uint64_t size_ = 0;
  std::unique_ptr<Sha256> hash_;
};

// True for 64 lowercase hex digits: what the index gives and cache names use.
bool is_sha256_hex(const std::string &s);

} // namespace initpack
