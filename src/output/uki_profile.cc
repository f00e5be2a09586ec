// Multi-profile UKIs: profile files and their sections (see uki_profile.h).
#include "output/uki_profile.h"

#include "config/ini.h"
#include "config/settings.h"
#include "output/uki.h"

#include <set>

namespace initpack {

std::string uki_profile_id(std::string_view profile) {
  size_t pos = 0;
  while (pos < profile.size()) {
    size_t end = profile.find('\n', pos);
    std::string_view line = profile.substr(pos, end - pos);
    pos = end == std::string_view::npos ? profile.size() : end + 1;
    if (line.starts_with("ID=")) {
      std::string_view id = line.substr(3);
      if (id.size() >= 2 && (id.front() == '"' || id.front() == '\'') &&
          id.back() == id.front())
        id = id.substr(1, id.size() - 2);
      return std::string(id);
    }
  }
  return "";
}

// An ID the stub and boot menus can show and a user can type: os-release's
// rule for ID= (lower-case letters, digits, "_", "-", ".").
static bool valid_profile_id(std::string_view id) {
  if (id.empty())
    return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
          c == '-' || c == '.'))
      return false;
  return true;
}

bool parse_uki_profile(std::string_view text, const std::string &path,
                       UkiProfile *out, std::string *err) {
  std::vector<std::string> errors;
  std::vector<IniSection> sections = parse_ini(text, path, &errors);
  if (!errors.empty()) {
    *err = errors.front();
    return false;
  }
  UkiProfile p;
  int profile_line = 0;
  for (const IniSection &s : sections) {
    if (s.name != "UKIProfile") {
      *err = path + ":" + std::to_string(s.line) + ": unknown section [" +
             s.name + "] (a UKI profile has only [UKIProfile])";
      return false;
    }
    for (const IniEntry &e : s.entries) {
      if (e.key == "Profile") {
        p.profile = e.value.empty() ? "" : e.value + "\n";
        profile_line = e.line;
      } else if (e.key == "Cmdline") {
        // Continuation lines join with spaces: one command line.
        for (char c : e.value)
          p.cmdline += c == '\n' ? ' ' : c;
      } else if (e.key == "SignExpectedPcr") {
        // mkosi's: sign this profile's PCR 11 policy (.pcrsig). We write no
        // PCR signatures, so "yes" must not pass unnoticed.
        bool sign = false;
        if (!parse_boolean(e.value, &sign) || sign) {
          *err = path + ":" + std::to_string(e.line) +
                 ": SignExpectedPcr=" + e.value +
                 ": initpack does not sign PCR policies (.pcrsig); remove it "
                 "or set it to no";
          return false;
        }
      } else {
        *err = path + ":" + std::to_string(e.line) + ": unknown key " + e.key +
               "= (expected Profile=, Cmdline= or SignExpectedPcr=no)";
        return false;
      }
    }
  }
  std::string id = uki_profile_id(p.profile);
  if (!valid_profile_id(id)) {
    *err = path + ":" + std::to_string(profile_line) +
           ": Profile= needs an ID= of lower-case letters, digits, '_', "
           "'-' or '.' (got '" +
           id + "')";
    return false;
  }
  *out = std::move(p);
  return true;
}

bool add_uki_profiles(PeImage &uki, const std::vector<UkiProfile> &profiles,
                      const std::string &base_cmdline, std::string *err) {
  if (profiles.empty())
    return true;
  int version = stub_version(uki);
  if (version < kMultiProfileStub) {
    *err = "multi-profile UKIs need systemd-stub >= " +
           std::to_string(kMultiProfileStub) + "; this stub is " +
           (version ? "systemd-stub " + std::to_string(version)
                    : std::string("of unknown version"));
    return false;
  }
  // Profile 0 is the base UKI itself, as ukify and mkosi make it: a
  // .profile with ID=main and no overrides. The stub counts profiles from
  // the first .profile section, so without it the first profile file would
  // replace the base command line on every boot that does not pass "@N".
  std::set<std::string> ids = {kBaseProfileId};
  if (!append_section(uki, ".profile",
                      "ID=" + std::string(kBaseProfileId) + "\n", err))
    return false;
  for (const UkiProfile &p : profiles) {
    std::string id = uki_profile_id(p.profile);
    if (!ids.insert(id).second) {
      *err = id == kBaseProfileId
                 ? "ID=main is the base UKI's own profile (profile 0)"
                 : "two UKI profiles have ID=" + id;
      return false;
    }
    // The .profile section opens the profile; the sections after it, up
    // to the next .profile, override the base ones while it boots.
    if (!append_section(uki, ".profile", p.profile, err))
      return false;
    if (!p.cmdline.empty()) {
      std::string cmdline =
          base_cmdline.empty() ? p.cmdline : base_cmdline + " " + p.cmdline;
      if (!append_section(uki, ".cmdline", cmdline, err))
        return false;
    }
  }
  return layout_pe(uki, err);
}

} // namespace initpack
