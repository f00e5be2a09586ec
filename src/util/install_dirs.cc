#include "util/install_dirs.h"

#include "util/fs.h"

#include <climits>
#include <unistd.h>

namespace initpack {

std::string self_dir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0)
    return "";
  return dirname(std::string_view(buf, n));
}

bool running_from_build_tree() {
  std::string dir = self_dir();
  if (dir.empty())
    return false;
  // Compare inodes, not strings: the build directory may be reached
  // through a symlink.
  char a[PATH_MAX], b[PATH_MAX];
  return realpath(dir.c_str(), a) && realpath(INITPACK_BUILD_DIR, b) &&
         std::string(a) == b;
}

std::string installed_path(const std::string &rel) {
  return join_path(dirname(self_dir()), rel);
}

} // namespace initpack
