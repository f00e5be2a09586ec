// Which archive suites a run loads. With no Mirror=, Release= or Suites=
// set, that is every enabled "deb" entry of the host's apt sources (for
// Architecture=). Otherwise the settings name them, and what they leave out
// (the mirror, the security mirror, components, keys) comes from the host's
// sources, so no archive host is ever written into initpack itself.
#pragma once

#include "packages/signature.h"

#include <string>
#include <vector>

namespace initpack {

struct Config;
struct Diagnostics;

struct SuiteSource {
  std::string uri;   // archive root, without a trailing slash
  std::string suite; // dists/<suite>
  std::vector<std::string> components;
  TrustedKeys keys;
  bool check_valid_until = true;
  // Accept an InRelease dated before the cached one (AllowOlderRelease=):
  // for snapshots; otherwise a replayed index is refused.
  bool allow_older_release = false;
  // Breaks ties between the same version in several suites, so the chosen
  // download URL does not depend on load order: security > updates > rest.
  int subpriority = 0;
  std::string origin; // where this suite was configured, for messages
};

// Debian's default archive keyring, used when nothing names another.
inline constexpr const char *kDefaultKeyring =
    "/usr/share/keyrings/debian-archive-keyring.gpg";

bool configured_suites(Diagnostics &diag, const Config &cfg,
                       std::vector<SuiteSource> *out, std::string *err);

// "security" suites (…-security, …/updates) rank above "-updates" and
// "-proposed-updates", which rank above the rest.
int suite_subpriority(const std::string &suite);

} // namespace initpack
