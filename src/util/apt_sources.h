// The host's apt sources, read as apt reads them: /etc/apt/sources.list
// and /etc/apt/sources.list.d/*.list in the one-line form
//
//   deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] URI SUITE COMP…
//
// and sources.list.d/*.sources in the deb822 form (Types, URIs, Suites,
// Components, Architectures, Signed-By as paths or an inline key block,
// Enabled, Check-Valid-Until, Trusted). Files with other names (*.disabled,
// *.save, …) are ignored, as apt ignores them. Format:
// sources.list(5), in the apt package
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

// One enabled "deb" entry (deb-src-only and Enabled: no entries are
// dropped by the parsers: they never supply binary packages).
struct AptSource {
  std::string origin; // "file:line", for messages
  std::vector<std::string> uris;
  std::vector<std::string> suites;
  std::vector<std::string> components;
  std::vector<std::string> architectures; // empty: any
  std::vector<std::string> signed_by;     // keyring files
  std::string signed_by_key;              // inline ASCII-armored key block
  std::optional<bool> check_valid_until;
  bool trusted = false; // trusted=yes: apt skips signature checks
};

bool parse_one_line_sources(std::string_view text, const std::string &file,
                            std::vector<AptSource> *out, std::string *err);
bool parse_deb822_sources(std::string_view text, const std::string &file,
                          std::vector<AptSource> *out, std::string *err);

// Reads APT_ROOT/etc/apt/sources.list and sources.list.d/ (apt_root "/" is
// the host). Missing files are fine; a malformed one is an error.
bool read_apt_sources(const std::string &apt_root, std::vector<AptSource> *out,
                      std::string *err);

// The names apt reads in sources.list.d: [A-Za-z0-9_.-]+ ending in .list or
// .sources.
bool is_apt_sources_file_name(std::string_view name);

} // namespace initpack
