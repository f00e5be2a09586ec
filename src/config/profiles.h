// Where the data-driven profiles live. A profile NAME is a directory
// PROFILES/NAME holding profile.conf (an initpack.conf fragment: packages,
// modules, units, other profiles …) and optionally tree/, a directory
// copied into the image like ExtraTrees=. Profile "default" is the base
// systemd initrd and is always applied.
#pragma once

#include <string>
#include <vector>

namespace initpack {

// The profiles directory: `override_dir` if given, else
// $INITPACK_PROFILES_DIR, else PREFIX/share/initpack/profiles beside the
// binary, else (for a binary in its build directory only) the source
// tree's. Returns "" and sets *err when the chosen directory does not
// exist.
std::string find_profiles_dir(const std::string &override_dir,
                              std::string *err);

// Names of the profiles in `dir` (subdirectories with a profile.conf),
// sorted.
std::vector<std::string> available_profiles(const std::string &dir);

// What a profile is for: the first sentence of the comment that opens its
// profile.conf ("A btrfs root, also on a subvolume (rootflags=subvol=NAME)."),
// for `initpack summary --profiles` and shell completion. "" without one.
std::string profile_description(const std::string &dir,
                                const std::string &name);

} // namespace initpack
