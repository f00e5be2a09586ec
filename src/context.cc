#include "context.h"

#include <cstdlib>
#include <unistd.h>

namespace initpack {

std::string cache_root(const Context &ctx) {
  if (!ctx.config.cache_directory.empty())
    return ctx.config.cache_directory;
  if (geteuid() == 0)
    return "/var/cache/initpack";
  if (const char *xdg = getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/initpack";
  if (const char *home = getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/initpack";
  return "/tmp/initpack-cache";
}

} // namespace initpack
