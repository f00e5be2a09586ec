#include "util/parallel.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace initpack {

unsigned default_threads() {
  return std::max(1u, std::min(std::thread::hardware_concurrency(), 8u));
}

void parallel_for(size_t n, const std::function<void(size_t)> &fn,
                  unsigned max_threads) {
  size_t threads = std::min<size_t>(n, std::max(1u, max_threads));
  std::atomic<size_t> next{0};
  // A Fatal in a worker thread would call std::terminate: keep the first
  // exception, stop handing out work, and rethrow it on the caller's thread.
  std::exception_ptr failure;
  std::mutex mu;
  auto worker = [&] {
    for (size_t i; (i = next.fetch_add(1)) < n;) {
      try {
        fn(i);
      } catch (...) {
        std::lock_guard lock(mu);
        if (!failure)
          failure = std::current_exception();
        next = n;
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; t++)
    pool.emplace_back(worker);
  worker();
  for (std::thread &t : pool)
    t.join();
  if (failure)
    std::rethrow_exception(failure);
}

} // namespace initpack
