#include "kernel/module_globs.h"

#include <fnmatch.h>

namespace initpack {

// fnmatch with FNM_PATHNAME, so a wildcard stays within one component;
// without FNM_PATHNAME, `*` would let "block/loop" match "a/xblock/loop".
static bool glob(const std::string &pattern, std::string_view text) {
  return fnmatch(pattern.c_str(), std::string(text).c_str(), FNM_PATHNAME) == 0;
}

// An unanchored pattern matches a final run of whole components.
static bool matches_tail(const std::string &pattern, std::string_view path,
                         bool anchored) {
  if (glob(pattern, path))
    return true;
  if (anchored)
    return false;
  for (size_t i = 0; i < path.size(); i++)
    if (path[i] == '/' && glob(pattern, path.substr(i + 1)))
      return true;
  return false;
}

bool module_glob_matches(std::string_view pattern, std::string_view path) {
  bool anchored = pattern.starts_with('/');
  bool directory = pattern.ends_with('/');
  while (pattern.starts_with('/'))
    pattern.remove_prefix(1);
  while (pattern.ends_with('/'))
    pattern.remove_suffix(1);
  if (pattern.empty())
    return false;
  std::string p(pattern);
  if (!directory)
    return matches_tail(p, path, anchored);
  // A directory pattern matches the module's directory or any above it.
  for (size_t i = 0; i < path.size(); i++)
    if (path[i] == '/' && matches_tail(p, path.substr(0, i), anchored))
      return true;
  return false;
}

GlobVerdict module_glob_verdict(const std::vector<std::string> &patterns,
                                std::string_view path) {
  GlobVerdict v = GlobVerdict::None;
  for (std::string_view p : patterns) {
    if (p == "default" || p == "host")
      continue;
    bool exclude = p.starts_with('-');
    if (exclude)
      p.remove_prefix(1);
    if (module_glob_matches(p, path))
      v = exclude ? GlobVerdict::Exclude : GlobVerdict::Include;
  }
  return v;
}

std::string module_glob_path(std::string_view relpath) {
  if (relpath.starts_with("kernel/"))
    relpath.remove_prefix(7);
  for (std::string_view ext : {".xz", ".zst", ".gz"})
    if (relpath.ends_with(ext))
      relpath.remove_suffix(ext.size());
  if (relpath.ends_with(".ko"))
    relpath.remove_suffix(3);
  return std::string(relpath);
}

} // namespace initpack
