#pragma once

#include <cstddef>
#include <functional>

namespace initpack {

// The default for max_threads: this machine's cores, at most 8 (more
// gains nothing on the decompression and hashing we spread).
unsigned default_threads();

// Runs fn(0..n-1) on up to max_threads threads (the caller's among them).
// fn must not throw; it reports through its own per-index slots so the
// results can be merged in a fixed order, independent of the thread count.
void parallel_for(size_t n, const std::function<void(size_t)> &fn,
                  unsigned max_threads = default_threads());

} // namespace initpack
