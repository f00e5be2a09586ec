// Where initpack finds the files it ships (profiles, initpack-stage1).
//
// An installed initpack looks relative to its own binary (/proc/self/exe):
// PREFIX/bin/initpack reads PREFIX/share/initpack/profiles and runs
// PREFIX/lib/initpack/initpack-stage1, so `cmake --install --prefix P`
// works for any P and a moved tree keeps working. Only a binary still in
// the build directory uses the source tree's profiles (a developer's
// edit-build-run loop); an installed one never does.
#pragma once

#include <string>

namespace initpack {

// The directory holding the running binary ("" when /proc is missing).
std::string self_dir();
// True when the running binary sits in the build directory it was
// compiled for (INITPACK_BUILD_DIR).
bool running_from_build_tree();
// The installed data file or directory `rel` (e.g. "share/initpack/profiles"),
// relative to the binary's prefix: self_dir()/../rel.
std::string installed_path(const std::string &rel);

} // namespace initpack
