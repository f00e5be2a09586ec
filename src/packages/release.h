// A suite's Release file (the signed text of InRelease): one deb822
// paragraph naming the suite, its dates and the SHA256 and size of every
// index below dists/SUITE/. Format:
// the Debian wiki page DebianRepository/Format, "Release" files
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct ReleaseEntry {
  std::string
      path; // relative to dists/SUITE/, e.g. main/binary-amd64/Packages.xz
  std::string sha256;
  uint64_t size = 0;
};

struct ReleaseFile {
  std::string origin, label, suite, codename;
  time_t date = 0;        // Date:
  time_t valid_until = 0; // Valid-Until:, 0 when absent
  bool acquire_by_hash = false;
  // NotAutomatic: yes (experimental, backports): apt installs from such a
  // suite only what no other suite has.
  bool not_automatic = false;
  std::vector<std::string> architectures, components;
  std::vector<ReleaseEntry> sha256;

  const ReleaseEntry *find(std::string_view path) const;
};

// Parses the text; `name` (usually the InRelease URL) prefixes messages.
bool parse_release(std::string_view text, const std::string &name,
                   ReleaseFile *out, std::string *err);

// RFC 2822 dates as Release files write them: "Sat, 10 Jun 2023 08:54:29
// UTC" (also GMT, Z, or +hhmm / -hhmm). Locale-independent.
bool parse_release_date(std::string_view s, time_t *out);
std::string format_release_date(time_t t);

} // namespace initpack
