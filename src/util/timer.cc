#include "util/timer.h"

#include <fmt/format.h>
#include <ostream>

namespace initpack {

Timer::Timer(Timings &t, std::string name)
    : timings_(t), start_(std::chrono::steady_clock::now()) {
  std::lock_guard lock(t.mu);
  index_ = t.records.size();
  t.records.push_back({std::move(name), t.depth++, 0});
}

Timer::~Timer() {
  std::chrono::duration<double> d = std::chrono::steady_clock::now() - start_;
  std::lock_guard lock(timings_.mu);
  timings_.records[index_].seconds = d.count();
  timings_.depth--;
}

void Timings::print(std::ostream &out) const {
  out << "     time  pass\n";
  for (const Record &r : records)
    out << fmt::format("{:8.3f}s  {}{}\n", r.seconds,
                       std::string(2 * r.depth, ' '), r.name);
}

} // namespace initpack
