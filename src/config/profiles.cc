#include "config/profiles.h"

#include "util/fs.h"

#include <cstdlib>

namespace initpack {

std::string find_profiles_dir(const std::string &override_dir,
                              std::string *err) {
  std::string dir = override_dir, from = "the command line";
  if (dir.empty())
    if (const char *env = getenv("INITPACK_PROFILES_DIR"); env && *env)
      dir = env, from = "$INITPACK_PROFILES_DIR";
  if (!dir.empty()) {
    if (is_directory(dir))
      return dir;
    *err = "profiles directory " + dir + " (from " + from + ") does not exist";
    return "";
  }
  // The installed profiles win when both exist; a build tree without an
  // installation finds the source tree's.
  for (const char *candidate :
       {INITPACK_INSTALLED_PROFILES_DIR, INITPACK_SOURCE_PROFILES_DIR})
    if (is_directory(candidate))
      return candidate;
  *err = std::string("no profiles directory: neither ") +
         INITPACK_INSTALLED_PROFILES_DIR + " nor " +
         INITPACK_SOURCE_PROFILES_DIR + " exists (set $INITPACK_PROFILES_DIR)";
  return "";
}

std::vector<std::string> available_profiles(const std::string &dir) {
  std::vector<std::string> names;
  for (const std::string &name : list_dir(dir))
    if (file_exists(join_path(join_path(dir, name), "profile.conf")))
      names.push_back(name);
  return names;
}

} // namespace initpack
