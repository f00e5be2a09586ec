// [Match] and [TriggerMatch] sections: a configuration file applies only
// when its conditions hold, as in mkosi(1) "Configuration Settings":
//
//   [Match]
//   Format=|cpio            '|' makes a triggering condition: of all the
//   Format=|uki             triggering ones at least one must hold
//   Architecture=!arm64     '!' negates ("|!" when both)
//   KernelVersion=6.1.*     a glob
//
// Every [Match] section of a file must be satisfied (plain conditions
// AND'ed, triggering ones OR'ed, per section), and when the file has
// [TriggerMatch] sections, at least one of them too. Conditions compare
// against the values known when the file is read: files read before it and
// the command line. Unlike mkosi, the [Match] of a main initpack.conf only
// gates that file, not its directory's drop-ins: drop-ins of all
// directories form one list (see load.h).
#pragma once

#include "config/config.h"
#include "config/ini.h"

#include <string>
#include <vector>

namespace initpack {

struct MatchContext {
  const Config &config;     // the values so far
  std::string host_release; // what Release= matches while none is set
  std::string file_dir;     // PathExists= resolves relative paths here
};

bool is_match_section(const std::string &section);

// The condition keys we understand, sorted.
const std::vector<std::string> &match_keys();

// Whether a file whose sections are `sections` applies. Unknown conditions
// are appended to *errors ("path:line: [Match] Key=: …") and count as
// unsatisfied.
bool file_matches(const std::vector<IniSection> &sections,
                  const std::string &path, const MatchContext &mc,
                  std::vector<std::string> *errors);

} // namespace initpack
