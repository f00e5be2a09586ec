// The settings table (ukify-style): every setting initpack understands is
// declared once in settings.cc — its INI section and key, its command-line
// flags, its type, how repeated assignments merge, its help text and the
// Config member it fills. Its default is the member's initializer in
// config.h. The INI reader, the command line (--help included), the
// validation, `initpack summary`, the sample config, the man page
// doc/initpack.conf.5.md and the installed man pages (cli/man_page.h) are
// all generated from this one table.
//
// Names follow mkosi(1) wherever the meaning is the same, so mkosi-initrd
// drop-ins can be copied.
#pragma once

#include "config/config.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace initpack {

enum class SettingType { String, Path, List, Bool, Int, Enum };

// How a repeated assignment combines with what came before (from earlier
// files, profiles or the command line). An empty assignment ("Packages=",
// --package '') resets either kind to its default.
enum class Merge {
  Override, // the last assignment wins
  Append,   // lists: values are appended
};

// How a list value is split into items.
enum class ListSplit {
  Words,  // commas and any whitespace: "lvm2, cryptsetup  mdadm"
  Spaces, // whitespace only, for kernel command lines ("console=ttyS0,115200")
  Items,  // commas and newlines only, so paths may contain spaces
};

using ConfigMember =
    std::variant<std::string Config::*, std::vector<std::string> Config::*,
                 bool Config::*, int Config::*,
                 std::optional<int64_t> Config::*, Format Config::*,
                 std::optional<Compression> Config::*>;

struct Setting {
  const char *section;
  const char *key;   // INI key, mkosi's name where the meaning is the same
  const char *flags; // CLI11 names: "-p,--package"; "" for none
  SettingType type;
  ConfigMember member;
  const char *metavar;
  const char *help; // first sentence is the short --help text
  Merge merge = Merge::Override;
  ListSplit split = ListSplit::Words;
  std::vector<const char *> choices = {}; // Enum: the allowed values
  // Enum: other spellings accepted and what they mean, e.g. mkosi's
  // architecture names ("x86-64" -> "amd64").
  std::vector<std::pair<const char *, const char *>> aliases = {};
  int64_t min = 0, max = 0;          // Int: the allowed range
  const char *default_doc = nullptr; // words for the default when the
                                     // initializer alone would mislead
  bool relative_to_file = false;     // Path/List of paths: a relative path in a
                                     // file is taken from the file's directory
  // Extra validation of one value (or list item); returns an error text.
  std::string (*check)(std::string_view value) = nullptr;
};

// All settings, in documentation order (grouped by section).
const std::vector<Setting> &settings();
// The sections settings live in, in documentation order.
const std::vector<std::string> &setting_sections();
const Setting *find_setting(std::string_view key);

// A parsed, validated value of one assignment.
struct SettingValue {
  bool reset = false;             // the empty assignment
  std::vector<std::string> items; // List
  std::string text;               // String, Path, Enum
  bool flag = false;              // Bool
  int64_t number = 0;             // Int
};

// Parses one assignment's raw value. `base_dir` resolves relative paths of
// relative_to_file settings (empty: leave them as they are). On failure
// returns false and sets *err to a message about the value, e.g.
// "invalid boolean 'maybe' (expected yes/no, true/false, 1/0 or on/off)";
// the caller prefixes where it was written.
bool parse_setting_value(const Setting &s, std::string_view raw,
                         const std::string &base_dir, SettingValue *out,
                         std::string *err);

// Applies a parsed value to `config` following the setting's Merge.
void apply_setting(Config &config, const Setting &s, const SettingValue &v);

// The value as a user would write it after "Key=" (lists space-separated;
// an unset optional is empty).
std::string format_setting(const Config &config, const Setting &s);
nlohmann::json setting_json(const Config &config, const Setting &s);

// systemd's booleans: yes/no, true/false, on/off, 1/0 (any case).
bool parse_boolean(std::string_view s, bool *out);

} // namespace initpack
