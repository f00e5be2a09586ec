// The INI dialect of systemd unit files and mkosi configuration, so a
// mkosi-initrd drop-in can be copied as it is:
//
//   # comment            ; comment          (whole lines)
//   [Section]
//   Key=Value            whitespace around key and value is trimmed
//   Key=a b  # note      " #" starts a trailing comment, as in mkosi
//   Key=first \          a trailing backslash joins the next line with a
//       second           space (systemd)
//   Key=one              an indented line continues the previous value on a
//       two              new line (mkosi: one list item per line)
//
// A key may repeat; the caller decides what repeating means. Sections are
// kept in file order with their line numbers for error messages.
// Syntax reference: systemd.syntax(7), mkosi(1) "Configuration Settings".
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct IniEntry {
  std::string key;
  std::string value; // continuation lines joined with '\n' (mkosi) or ' '
  int line = 0;
};

struct IniSection {
  std::string name;
  int line = 0;
  std::vector<IniEntry> entries;
};

// Parses `text`, read from `path` (used only in messages). Every problem is
// appended to *errors as "path:line: message" and parsing goes on with the
// next line, so a user sees all of a file's mistakes at once.
std::vector<IniSection> parse_ini(std::string_view text,
                                  const std::string &path,
                                  std::vector<std::string> *errors);

} // namespace initpack
