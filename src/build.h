// `initpack build`: the whole pipeline, one pass after another.
#pragma once

#include <cstdint>
#include <string>

namespace initpack {

struct Context;

// What a build wrote, for `initpack build`'s last line and its --json.
struct BuildResult {
  std::string output;       // Output=
  uint64_t bytes = 0;       // its size
  std::string kernel_image; // vmlinuz written beside Output=, or ""
  double seconds = 0;       // wall time of the build
};

// Builds the image ctx.config describes (ctx.config must be loaded).
BuildResult build_image(Context &ctx);

} // namespace initpack
