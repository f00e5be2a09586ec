// tmpfiles.d(5) lines, as the packages ship them (systemd 257's grammar).
// The build applies the few that describe static content (image/
// initrd_setup.h); every line is still parsed, so a syntax this code does
// not know stops the build with its file and line instead of being skipped
// silently.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct TmpfilesLine {
  char type = 0;              // 'd', 'L', 'f', …
  std::string modifiers;      // any of "+!-=~^$" that followed the type
  std::string path;           // absolute, static specifiers expanded
  bool needs_machine = false; // the path names the running machine (%m, %b…)
  std::string mode;           // "-", "0755", "~0644", ":0700"
  std::string user, group, age;
  std::string argument; // rest of the line; "" for "-"
  std::string where;    // "file:line"
};

// Parses one tmpfiles.d file. Returns false with "file:line: message" on
// the first malformed line.
bool parse_tmpfiles(std::string_view text, const std::string &filename,
                    std::vector<TmpfilesLine> *out, std::string *err);

} // namespace initpack
