// The GNU build ID of the running program: a digest the linker computes
// over the code, so it changes with every change to initpack. Caches whose
// content depends on initpack's own logic (resolutions) are keyed by it.
#pragma once

#include <string>

namespace initpack {

// Lower-case hex, or "" when the program was linked without a build ID.
std::string program_build_id();

} // namespace initpack
