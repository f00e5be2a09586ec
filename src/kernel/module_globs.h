// mkosi's KernelModules= patterns (mkosi(1), [Content] KernelModules=):
// an ordered list of shell globs over a module's path below kernel/,
// without the .ko and compression suffixes ("drivers/block/loop").
//
//   loop                  the basename
//   block/loop            the final components of the path
//   /drivers/block/loop   the whole path (a leading '/' anchors it)
//   drivers/crypto/       a trailing '/': every module below that directory
//   -PATTERN              excludes what PATTERN matches
//
// The last pattern that matches a module decides: included when it is a
// positive one. `*`, `?` and `[…]` never cross a '/'. The words `default`
// and `host` are not patterns: the caller expands them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace initpack {

// Whether one pattern (without its '-') matches `path` ("drivers/block/loop").
bool module_glob_matches(std::string_view pattern, std::string_view path);

enum class GlobVerdict { None, Include, Exclude };

// The verdict of the last pattern in `patterns` matching `path`; `default`
// and `host` are skipped.
GlobVerdict module_glob_verdict(const std::vector<std::string> &patterns,
                                std::string_view path);

// "kernel/drivers/block/loop.ko.zst" or "drivers/block/loop.ko" ->
// "drivers/block/loop".
std::string module_glob_path(std::string_view relpath);

} // namespace initpack
