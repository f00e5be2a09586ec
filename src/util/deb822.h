// Debian's control-file syntax (deb822): paragraphs of "Field: value"
// lines separated by blank lines; a line starting with a space or tab
// continues the previous field, and a continuation line of a lone "."
// stands for an empty line. The apt sources (*.sources) and Release files
// use it. Format: deb822(5) and Debian Policy
// §5.1.
//
// Written here rather than taken from a library because the only one on
// Debian (libapt-pkg) is a large C++ ABI to link for ~100 lines of parsing;
// libsolv parses Packages files itself and is used for those.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct Deb822Field {
  std::string name;
  // The first line's text, then one '\n'-separated line per continuation
  // line, leading/trailing blanks stripped; " ." lines become empty lines.
  std::string value;
  int line = 0; // 1-based line of the field name, for messages
};

struct Deb822Paragraph {
  std::vector<Deb822Field> fields;
  int line = 0; // first line of the paragraph

  // The field with this name (case-insensitive), or nullptr.
  const Deb822Field *find(std::string_view name) const;
  // Its value, or "" when absent.
  std::string get(std::string_view name) const;
};

// Parses `text` (named `file` in messages). Lines starting with '#' are
// comments (apt's *.sources allow them). On a malformed line returns false
// and sets *err to "file:line: message" followed by the offending line.
bool parse_deb822(std::string_view text, const std::string &file,
                  std::vector<Deb822Paragraph> *out, std::string *err);

// Splits on blanks (spaces, tabs, newlines), dropping empty words.
std::vector<std::string> split_words(std::string_view s);

bool iequals(std::string_view a, std::string_view b);

} // namespace initpack
