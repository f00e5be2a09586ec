#include "config/profiles.h"

#include "util/fs.h"
#include "util/install_dirs.h"
#include "util/strings.h"

#include <algorithm>
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

std::string profile_description(const std::string &dir,
                                const std::string &name) {
  std::string text, err;
  if (!read_file(join_path(join_path(dir, name), "profile.conf"), &text, &err))
    return "";
  // The opening comment's first paragraph, as one line.
  std::string para;
  for (std::string_view line : split_lines(text)) {
    if (!line.starts_with("#"))
      break;
    line = trim(line.substr(1));
    if (line.empty())
      break;
    if (!para.empty() && para.back() == ':')
      break; // "Root on iSCSI, in dracut's spelling:" then examples
    para += (para.empty() ? "" : " ") + std::string(line);
  }
  // Its first clause (up to ". " or ": "), within about a line: a long one
  // loses its parenthesis, then its last comma's part.
  size_t end = std::min(para.find(". "), para.find(": "));
  if (end != std::string::npos)
    para.resize(end);
  while (!para.empty() && (para.back() == '.' || para.back() == ':'))
    para.pop_back();
  if (size_t paren = para.find(" (");
      para.size() > 72 && paren != std::string::npos)
    para.resize(paren);
  if (size_t comma = para.rfind(", ", 72);
      para.size() > 72 && comma != std::string::npos)
    para.resize(comma);
  return para;
}

} // namespace initpack
