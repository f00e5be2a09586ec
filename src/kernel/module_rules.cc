#include "kernel/module_rules.h"
#include "util/strings.h"

#include "util/fs.h"
#include "util/install_dirs.h"

#include <cctype>
#include <regex.h>

namespace initpack {

// glibc's POSIX regex: extended syntax like mkosi's Python patterns use
// (`^fs/nls/`, `/raid[0-9]+\.ko$`), and fast enough to test a few patterns
// against all ~4,000 module paths of a distribution kernel in milliseconds.
struct CompiledRegex {
  regex_t re;
  ~CompiledRegex() { regfree(&re); }
};

std::string normalize_module_name(std::string_view name) {
  std::string r(name);
  for (char &c : r)
    if (c == '-')
      c = '_';
  return r;
}

bool module_file_names(std::string_view relpath, std::string *name,
                       std::string *match_path) {
  std::string_view p = relpath;
  for (std::string_view comp : {".xz", ".zst", ".gz"}) {
    if (p.size() > comp.size() && p.ends_with(comp)) {
      p.remove_suffix(comp.size());
      break;
    }
  }
  if (!p.ends_with(".ko"))
    return false;
  std::string_view match = p;
  if (match.starts_with("kernel/"))
    match.remove_prefix(7);
  size_t slash = p.rfind('/');
  std::string_view base =
      slash == std::string_view::npos ? p : p.substr(slash + 1);
  base.remove_suffix(3);
  if (base.empty())
    return false;
  *name = normalize_module_name(base);
  *match_path = std::string(match);
  return true;
}

bool ModuleRule::matches(std::string_view module,
                         const std::string &path) const {
  switch (kind) {
  case Kind::Name:
    return module == name;
  case Kind::Regex:
    return regexec(&regex->re, path.c_str(), 0, nullptr, 0) == 0;
  default:
    return false;
  }
}

static bool is_plain_name(const std::string &s) {
  return !s.empty() &&
         s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV"
                             "WXYZ0123456789_-") == std::string::npos;
}

bool parse_module_rule(const std::string &text, const std::string &origin,
                       ModuleRule *out, std::string *err) {
  ModuleRule r;
  r.text = text;
  r.origin = origin;
  if (text.empty()) {
    *err = origin + ": empty kernel module rule";
    return false;
  }
  if (text == "default") {
    r.kind = ModuleRule::Kind::Default;
  } else if (text == "host") {
    r.kind = ModuleRule::Kind::Host;
  } else if (is_plain_name(text)) {
    r.kind = ModuleRule::Kind::Name;
    r.name = normalize_module_name(text);
  } else {
    regex_t re;
    int rc = regcomp(&re, text.c_str(), REG_EXTENDED | REG_NOSUB);
    if (rc != 0) {
      char msg[256];
      regerror(rc, &re, msg, sizeof msg);
      *err = origin + ": invalid regular expression '" + text + "': " + msg;
      return false;
    }
    auto compiled = std::make_shared<CompiledRegex>();
    compiled->re = re;
    r.kind = ModuleRule::Kind::Regex;
    r.regex = std::move(compiled);
  }
  *out = std::move(r);
  return true;
}

bool parse_module_rule_list(std::string_view text, const std::string &path,
                            std::vector<ModuleRule> *out, std::string *err) {
  size_t lineno = 0;
  for (std::string_view raw : split_lines(text)) {
    lineno++;
    std::string_view line = raw;
    // A comment starts at '#' at the line start or after blank space, so
    // a regex like "[#]" stays usable.
    for (size_t i = 0; i < line.size(); i++) {
      if (line[i] == '#' &&
          (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
        line = line.substr(0, i);
        break;
      }
    }
    while (!line.empty() && isspace((unsigned char)line.back()))
      line.remove_suffix(1);
    while (!line.empty() && isspace((unsigned char)line.front()))
      line.remove_prefix(1);
    if (line.empty())
      continue;
    std::string where = path + ":" + std::to_string(lineno);
    if (line.find_first_of(" \t") != std::string_view::npos) {
      *err = where + ": one rule per line expected\n  " + std::string(raw);
      return false;
    }
    ModuleRule rule;
    if (!parse_module_rule(std::string(line), where, &rule, err)) {
      *err += "\n  " + std::string(raw);
      return false;
    }
    if (rule.kind == ModuleRule::Kind::Default ||
        rule.kind == ModuleRule::Kind::Host) {
      *err = where + ": '" + rule.text + "' cannot be used inside a list\n  " +
             std::string(raw);
      return false;
    }
    out->push_back(std::move(rule));
  }
  return true;
}

bool load_module_rule_list(const std::string &path,
                           std::vector<ModuleRule> *out, std::string *err) {
  std::string text;
  if (!read_file(path, &text, err)) {
    *err = "cannot read " + path + ": " + *err;
    return false;
  }
  return parse_module_rule_list(text, path, out, err);
}

std::string default_module_list_path(const std::string &profiles_dir) {
  const std::string rel = "/default/kernel-modules.list";
  if (!profiles_dir.empty())
    return profiles_dir + rel;
  if (running_from_build_tree())
    return std::string(INITPACK_SOURCE_PROFILES_DIR) + rel;
  return installed_path("share/initpack/profiles") + rel;
}

} // namespace initpack
