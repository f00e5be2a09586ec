#include "config/profiles.h"

#include "util/fs.h"
#include "util/install_dirs.h"

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
  // Beside the binary's prefix when installed; the source tree's only for
  // a binary still in its build directory (never for an installed one).
  std::string installed = installed_path("share/initpack/profiles");
  if (is_directory(installed))
    return installed;
  if (running_from_build_tree() && is_directory(INITPACK_SOURCE_PROFILES_DIR))
    return INITPACK_SOURCE_PROFILES_DIR;
  *err = "no profiles directory: " + installed +
         " does not exist (set $INITPACK_PROFILES_DIR or --profiles-dir)";
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
