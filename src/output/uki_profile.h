// Multi-profile UKIs (UkiProfiles=, systemd-stub >= 257).
//
// The layout (UAPI Group, "Unified Kernel Image (UKI)", section "Multi-
// Profile UKIs", https://uapi-group.org/specifications/specs/
// unified_kernel_image/; systemd's src/boot/efi/pe.c): the section table
// is read in order. Everything before the first .profile section is the
// base profile; each .profile section starts a profile that runs up to the
// next .profile (or the end); profile 0 is the first .profile. The stub
// boots profile 0 unless the first word of its load options is "@N"; the chosen
// profile's sections replace the base ones of the same name, the rest come from
// the base. A .profile section holds os-release-style lines: ID= (the profile's
// name) and TITLE= (for boot menus).
//
// A profile is described by a file in mkosi's format
// (mkosi(1), UnifiedKernelImageProfiles=):
//   [UKIProfile]
//   Profile=ID=rescue
//           TITLE=Rescue shell
//   Cmdline=systemd.unit=rescue.target
// Cmdline= is appended to the UKI's own command line in this profile's
// .cmdline; without it the profile keeps the base .cmdline. mkosi's
// SignExpectedPcr= is accepted as "no" and refused as "yes" (we write no
// .pcrsig), so a migrated file never loses a signature silently.
#pragma once

#include "output/pe.h"

#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct UkiProfile {
  std::string profile; // the .profile section: ID=…\nTITLE=…\n
  std::string cmdline; // Cmdline=; empty: the base command line
};

// The ID= of profile 0, the base UKI (ukify's and mkosi's name for it).
inline constexpr const char *kBaseProfileId = "main";

// The first systemd-stub version that knows multi-profile UKIs.
inline constexpr int kMultiProfileStub = 257;

// Parses one profile file (`path` only names it in messages). Errors read
// "path:line: message".
bool parse_uki_profile(std::string_view text, const std::string &path,
                       UkiProfile *out, std::string *err);

// Appends profile 0 (.profile ID=main, the base UKI unchanged), then each
// profile (its .profile section, then a .cmdline when it has one: base
// command line + its own) after the UKI's base sections, so profile files
// are 1..N. Fails on a stub older than 257 or two profiles with one ID=.
bool add_uki_profiles(PeImage &uki, const std::vector<UkiProfile> &profiles,
                      const std::string &base_cmdline, std::string *err);

// The ID= of a .profile section's contents, "" when it has none.
std::string uki_profile_id(std::string_view profile);

} // namespace initpack
