#include "config/match.h"

#include "config/settings.h"
#include "config/suggest.h"
#include "util/fs.h"

#include <algorithm>
#include <fnmatch.h>

namespace initpack {

bool is_match_section(const std::string &section) {
  return section == "Match" || section == "TriggerMatch";
}

// Architecture names as the Architecture= setting reads them (mkosi's
// spellings become Debian's).
static std::string normalize_architecture(const std::string &v) {
  const Setting *s = find_setting("Architecture");
  for (auto [alias, meaning] : s->aliases)
    if (v == alias)
      return meaning;
  return v;
}

// Debian architectures with UEFI firmware, for mkosi's Architecture=uefi.
static bool has_uefi(const std::string &arch) {
  for (const char *a :
       {"amd64", "arm64", "i386", "armhf", "riscv64", "loong64"})
    if (arch == a)
      return true;
  return false;
}

static bool contains(const std::vector<std::string> &list,
                     const std::string &v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

using Condition = bool (*)(const std::string &value, const MatchContext &mc);

static const std::vector<std::pair<std::string, Condition>> &conditions() {
  static const std::vector<std::pair<std::string, Condition>> table = {
      {"Architecture",
       [](const std::string &v, const MatchContext &mc) {
         const std::string &arch = mc.config.architecture;
         return v == "uefi" ? has_uefi(arch)
                            : normalize_architecture(v) == arch;
       }},
      {"Distribution",
       [](const std::string &v, const MatchContext &mc) {
         return v == mc.config.distribution;
       }},
      {"Format",
       [](const std::string &v, const MatchContext &mc) {
         return v == format_name(mc.config.format);
       }},
      // No kernel version configured yet: nothing to compare, no match.
      {"KernelVersion",
       [](const std::string &v, const MatchContext &mc) {
         const std::string &kver = mc.config.kernel_version;
         return !kver.empty() && fnmatch(v.c_str(), kver.c_str(), 0) == 0;
       }},
      {"PathExists",
       [](const std::string &v, const MatchContext &mc) {
         return file_exists(join_path(mc.file_dir, v));
       }},
      // An empty value matches when no profile is selected (mkosi).
      {"Profiles",
       [](const std::string &v, const MatchContext &mc) {
         return v.empty() ? mc.config.profiles.empty()
                          : contains(mc.config.profiles, v);
       }},
      {"Release",
       [](const std::string &v, const MatchContext &mc) {
         const std::string &r = mc.config.release;
         return v == (r.empty() ? mc.host_release : r);
       }},
      {"Repositories",
       [](const std::string &v, const MatchContext &mc) {
         return v.empty() ? mc.config.repositories.empty()
                          : contains(mc.config.repositories, v);
       }},
  };
  return table;
}

const std::vector<std::string> &match_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k;
    for (auto &[key, fn] : conditions())
      k.push_back(key);
    return k;
  }();
  return keys;
}

static const Condition *find_condition(const std::string &key) {
  for (auto &[k, fn] : conditions())
    if (k == key)
      return &fn;
  return nullptr;
}

static std::string unknown_condition(const IniEntry &e) {
  std::string msg = "unknown match condition";
  if (std::string near = closest_match(e.key, match_keys()); !near.empty())
    msg += "; did you mean " + near + "=?";
  msg += " (supported:";
  for (const std::string &k : match_keys())
    msg += " " + k + "=";
  return msg + ")";
}

// One section: all plain conditions hold, and at least one triggering
// condition when there are any. Every condition is looked at, so all
// unknown keys are reported.
static bool section_matches(const IniSection &sec, const std::string &path,
                            const MatchContext &mc,
                            std::vector<std::string> *errors) {
  bool all = true, any_trigger = false, has_trigger = false;
  for (const IniEntry &e : sec.entries) {
    std::string v = e.value;
    bool trigger = v.starts_with('|');
    if (trigger)
      v.erase(0, 1);
    bool negate = v.starts_with('!');
    if (negate)
      v.erase(0, 1);
    const Condition *cond = find_condition(e.key);
    if (!cond) {
      errors->push_back(path + ":" + std::to_string(e.line) + ": [" + sec.name +
                        "] " + e.key + "=: " + unknown_condition(e));
      all = false;
      continue;
    }
    bool result = (*cond)(v, mc) != negate;
    if (trigger) {
      has_trigger = true;
      any_trigger = any_trigger || result;
    } else {
      all = all && result;
    }
  }
  return all && (!has_trigger || any_trigger);
}

bool file_matches(const std::vector<IniSection> &sections,
                  const std::string &path, const MatchContext &mc,
                  std::vector<std::string> *errors) {
  bool matches = true, has_trigger_sections = false, any_trigger = false;
  for (const IniSection &sec : sections) {
    if (!is_match_section(sec.name))
      continue;
    bool ok = section_matches(sec, path, mc, errors);
    if (sec.name == "Match") {
      matches = matches && ok;
    } else {
      has_trigger_sections = true;
      any_trigger = any_trigger || ok;
    }
  }
  return matches && (!has_trigger_sections || any_trigger);
}

} // namespace initpack
