// Reading a Debian binary package (.deb) in-process with libarchive.
//
// A .deb is an ar(5) archive whose members are, in this order:
//   debian-binary       "2.0\n": the format version
//   control.tar[.xz|.zst|.gz]   maintainer scripts and the control file
//   data.tar[.xz|.zst|.gz|.bz2] the files to install
// (deb(5), in the dpkg-dev package)
//
// DebReader streams the outer ar archive from the file and the inner
// data.tar from the ar member, without temporary files, and hashes every
// byte of the .deb on the way so the caller can check it against the
// signed index at the moment the bytes are used.
#pragma once

#include "image/tree.h"

#include <cstdint>
#include <memory>
#include <string>

struct archive;
struct archive_entry;

namespace initpack {

struct DebSource; // the .deb file being read and hashed (deb.cc)

// One member of a package's data.tar, as the unpack cache records it.
struct PackageFile {
  NodeType type = NodeType::File;
  bool hardlink = false; // File only: shares the inode of `link`
  std::string path;      // normalised, relative: "usr/bin/bash"
  uint32_t mode = 0;     // permission bits incl. setuid/setgid/sticky
  uint32_t uid = 0, gid = 0;
  uint64_t size = 0;  // File
  std::string sha256; // File: hex digest of the content (the blob's name)
  std::string link;   // Symlink: target as written; hardlink: earlier path
  uint32_t rdev_major = 0, rdev_minor = 0; // CharDev, BlockDev
};

// Checks a member name from an archive and normalises it: "./usr//bin/x"
// becomes "usr/bin/x" and "./" becomes "". Absolute names and names with a
// ".." component are refused (dpkg refuses them too), whatever they would
// resolve to. Returns false with the reason in *why.
bool normalize_member_name(const std::string &name, std::string *out,
                           std::string *why);

class DebReader {
public:
  DebReader();
  ~DebReader();
  DebReader(const DebReader &) = delete;
  DebReader &operator=(const DebReader &) = delete;

  // Opens the .deb, checks debian-binary and positions the reader at the
  // start of data.tar. Errors name the file.
  bool open(const std::string &path, std::string *err);

  // Advances to the next member of data.tar. Returns false at the end (err
  // empty) or on a damaged archive (err set). A member whose name is unsafe
  // comes back with *bad_name set to why; its `path` then holds the raw
  // name, and the caller reports it and moves on.
  bool next(PackageFile *file, std::string *bad_name, std::string *err);

  // Reads the current member's content; returns bytes read, 0 at its end,
  // -1 on error.
  int64_t read(void *buf, size_t size, std::string *err);

  // The current member as libarchive sees it, for writers that take
  // archive entries (unpack_to_directory uses archive_write_disk).
  archive_entry *entry() const { return entry_; }

  // Reads whatever is left of the .deb and returns the SHA-256 of all of
  // it, so a cached .deb is verified by the very read that uses it.
  bool finish(std::string *sha256, std::string *err);

private:
  std::unique_ptr<DebSource> src_;
  archive *outer_ = nullptr;
  archive *data_ = nullptr;
  archive_entry *entry_ = nullptr;
  std::string path_;
};

} // namespace initpack
