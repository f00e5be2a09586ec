// dracut.conf(5) files read as initpack settings (`--dracut-config PATH`),
// so a dracut user brings the configuration along instead of rewriting it.
//
// dracut sources its files with bash; initpack reads the subset such files
// are written in, and refuses the rest with the line named:
//   name="value"   name+=" value "   name='value'   name=value   # comment
// A double-quoted value may span lines and may escape \" \\ \$; anything a
// shell would expand ($VAR, $(…), `…`) or any other statement is an error.
//
// Each option maps to initpack settings (dracut_option_settings); both "="
// and "+=" add to initpack's lists, because "=" would otherwise also drop
// what the profiles put there (the default module list). Options initpack
// cannot honour, or that mean nothing to it, are reported, never dropped
// quietly: the caller warns (an error under Strict=yes).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct DracutAssignment {
  int line = 0;
  std::string name;    // add_drivers
  bool append = false; // +=
  std::string value;   // unquoted
};

// Parses one file. On failure returns false with *err = "LINE: why".
bool parse_dracut_conf(std::string_view text,
                       std::vector<DracutAssignment> *out, std::string *err);

// One initpack assignment: the INI key and its value text, as a config
// file would hold it.
struct DracutSetting {
  std::string key;
  std::string value;
};

struct DracutMapping {
  std::vector<DracutSetting> settings;
  // Said to the user: why (part of) the option is not used. Empty: all of
  // it maps.
  std::vector<std::string> ignored;
};

// What initpack makes of one assignment.
DracutMapping dracut_option_settings(const DracutAssignment &a);

} // namespace initpack
