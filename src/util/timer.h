// A Timer per pass; `--timings` prints them after the run so performance is
// always visible.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace initpack {

struct Timings {
  struct Record {
    std::string name;
    int depth;
    double seconds;
  };
  std::vector<Record> records;
  int depth = 0;
  std::mutex mu;

  void print(std::ostream &out) const;
};

class Timer {
public:
  template <typename Ctx>
  Timer(Ctx &ctx, std::string name) : Timer(ctx.timings, std::move(name)) {}
  Timer(Timings &t, std::string name);
  ~Timer();
  Timer(const Timer &) = delete;
  Timer &operator=(const Timer &) = delete;

private:
  Timings &timings_;
  size_t index_;
  std::chrono::steady_clock::time_point start_;
};

} // namespace initpack
