// Files in initpack's cache that are verified, not trusted: PATH holds the
// bytes and PATH.sha256 their SHA-256, written after them, so an entry
// without its hash (a killed run) or with other bytes (damage, an edit) is
// not used. The derived outputs of tools (ld.so.cache, hwdb.bin, depmod's
// indexes) are kept this way.
#pragma once

#include <functional>
#include <string>

namespace initpack {

enum class VerifiedRead { Ok, Missing, Mismatch };

// Reads PATH when PATH.sha256 matches its bytes. On Mismatch, *why says
// what differed.
VerifiedRead read_verified_file(const std::string &path, std::string *data,
                                std::string *why);
// Writes PATH, then PATH.sha256 (each through a temporary file).
bool write_verified_file(const std::string &path, const std::string &data,
                         std::string *err);

// A tool's output cached at PATH: its verified bytes, or else make()'s,
// stored at PATH (its directory made) for the next build. The caller tells
// the user what happened.
struct CachedOutput {
  std::string data;
  bool from_cache = false;
  std::string damaged;     // why an entry at PATH was not used
  std::string store_error; // why make()'s bytes were not stored
};
CachedOutput cached_or_made(const std::string &path,
                            const std::function<std::string()> &make);

} // namespace initpack
