// Rules that choose kernel modules: the values of KernelModulesInclude= and
// KernelModulesExclude=, and the lines of the default allow-list
// (profiles/default/kernel-modules.list). They mean what mkosi's settings of
// the same names mean (mkosi.1.md, "KernelModulesInclude="):
//
//   virtio_blk       a plain module name ([A-Za-z0-9_-] only): that module;
//                    '-' and '_' are the same, as for modprobe.
//   ^fs/nls/         anything else is a POSIX extended regular expression,
//   /ahci\.ko$       searched (not anchored) in the module's path relative
//                    to kernel/ with the compression suffix dropped, e.g.
//                    "drivers/block/virtio_blk.ko". Modules outside kernel/
//                    (updates/, extra/) match relative to the modules dir.
//   default          the rules of the default allow-list.
//   host             the modules this machine's devices need (hostonly).
//
// A plain name also matches a built-in module (modules.builtin): it is then
// satisfied without a file.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct CompiledRegex; // regex_t, kept out of the header

struct ModuleRule {
  enum class Kind { Name, Regex, Default, Host };
  Kind kind = Kind::Name;
  std::string text;   // as written
  std::string origin; // "KernelModulesInclude=" or "FILE:LINE"
  std::string name;   // Kind::Name: normalised module name
  std::shared_ptr<const CompiledRegex> regex; // Kind::Regex

  // Whether this rule picks the module `name` whose path (see above) is
  // `match_path`. Default and Host rules match nothing by themselves.
  bool matches(std::string_view name, const std::string &match_path) const;
};

// Parses one rule. On error, *err names the origin and says what is wrong.
bool parse_module_rule(const std::string &text, const std::string &origin,
                       ModuleRule *out, std::string *err);

// Reads a rule list: one rule a line, '#' starts a comment, blank lines are
// skipped. "default" and "host" are not allowed inside a list. Errors are
// "FILE:LINE: message" followed by the line.
bool load_module_rule_list(const std::string &path,
                           std::vector<ModuleRule> *out, std::string *err);
bool parse_module_rule_list(std::string_view text, const std::string &path,
                            std::vector<ModuleRule> *out, std::string *err);

// The default allow-list, PROFILES/default/kernel-modules.list, in the
// profiles directory the configuration was loaded from (Config::
// profiles_dir); when that is unset, the installed one (the source tree's
// for a binary in its build directory: util/install_dirs.h).
std::string default_module_list_path(const std::string &profiles_dir);

// "dm-crypt" -> "dm_crypt": the kernel's spelling of module names.
std::string normalize_module_name(std::string_view name);

// A module file's path relative to the modules directory ->
// (name, match path): "kernel/fs/ext4/ext4.ko.zst" -> ("ext4",
// "fs/ext4/ext4.ko"). Returns false when the file is not a module.
bool module_file_names(std::string_view relpath, std::string *name,
                       std::string *match_path);

} // namespace initpack
