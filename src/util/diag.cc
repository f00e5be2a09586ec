#include "util/diag.h"

#include <cstring>
#include <iostream>

namespace initpack {

Fatal::~Fatal() noexcept(false) {
  throw FatalError(out_.str());
}

Error::~Error() {
  std::lock_guard lock(diag_.mu);
  diag_.error_count++;
  std::cerr << "initpack: error: " << out_.str() << "\n";
}

Warn::~Warn() {
  std::lock_guard lock(diag_.mu);
  if (!diag_.quiet)
    std::cerr << "initpack: warning: " << out_.str() << "\n";
}

StrictWarn::~StrictWarn() {
  std::lock_guard lock(diag_.mu);
  if (diag_.strict) {
    diag_.error_count++;
    std::cerr << "initpack: error: " << out_.str() << " (Strict=yes)\n";
  } else if (!diag_.quiet) {
    std::cerr << "initpack: warning: " << out_.str() << "\n";
  }
}

Log::~Log() {
  if (!diag_.verbose)
    return;
  std::lock_guard lock(diag_.mu);
  std::cerr << out_.str() << "\n";
}

void checkpoint(Diagnostics &diag) {
  if (diag.error_count > 0)
    throw FatalError(std::to_string(diag.error_count) +
                     (diag.error_count == 1 ? " error" : " errors") +
                     ", stopping");
}

std::string errno_string() {
  return errno_string(errno);
}
std::string errno_string(int err) {
  return std::strerror(err);
}

} // namespace initpack
