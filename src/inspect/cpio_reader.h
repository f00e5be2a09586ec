// A push parser for "newc" cpio archives (format: see cpio_writer.cc),
// fed in arbitrary chunks as a decompressor produces them.
//
// Why not libarchive: its cpio reader stops at the first TRAILER!!! and
// does not say where the archive ended, while an initrd is a sequence of
// archives, uncompressed or inside compressed streams, separated by NUL
// padding; the kernel unpacks them all. This parser follows the kernel's
// rules (init/initramfs.c): members start 4-byte aligned, NULs between
// archives are skipped, anything else is junk.
#pragma once

#include "util/hash.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace initpack {

struct CpioMember {
  std::string name; // as stored, without the NUL
  uint32_t ino = 0, mode = 0, uid = 0, gid = 0, nlink = 0;
  uint64_t mtime = 0, filesize = 0;
  uint32_t dev_major = 0, dev_minor = 0, rdev_major = 0, rdev_minor = 0;
  uint64_t offset = 0; // of the header in the stream
  std::string sha256;  // hex digest of the body, regular files only
  std::string data;    // the body: symlinks always, files when keep_data
};

class CpioParser {
public:
  using MemberFn = std::function<bool(CpioMember &m, std::string *err)>;
  using TrailerFn = std::function<bool(std::string *err)>;

  // single_archive: stop after the first TRAILER!!! (an uncompressed
  // segment; the caller looks for what follows). Otherwise any number of
  // archives with NUL padding between them (a decompressed stream).
  CpioParser(bool single_archive, bool keep_data, MemberFn on_member,
             TrailerFn on_trailer);

  // Consumes up to n bytes; *used says how many (less than n only when a
  // single archive ended). Errors name the stream offset.
  bool feed(const char *p, size_t n, size_t *used, std::string *err);
  // The stream ended: fails unless it ended between archives.
  bool finish(std::string *err) const;

  bool done() const { return state_ == State::Done; }
  uint64_t offset() const { return pos_; }
  uint32_t archives() const { return archives_; }

private:
  enum class State { Between, Header, Name, Body, BodyPad, Done };
  bool parse_header(std::string *err);
  bool end_member(std::string *err);
  bool fail(const std::string &what, std::string *err) const;

  bool single_, keep_;
  MemberFn on_member_;
  TrailerFn on_trailer_;
  State state_ = State::Between;
  uint64_t pos_ = 0;    // bytes consumed so far
  std::string collect_; // header or name being collected
  size_t want_ = 0;     // bytes still needed in this state
  bool crc_ = false;    // "070702": body checksum present
  uint32_t crc_expected_ = 0, crc_sum_ = 0;
  uint32_t archives_ = 0;
  CpioMember cur_;
  std::unique_ptr<Sha256> hash_;
};

} // namespace initpack
