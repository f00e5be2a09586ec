// Diagnostics, in the style of mold: a message is built with <<, and what
// happens when the statement ends depends on its kind.
//
//   Fatal(ctx) << "cannot open " << path << ": " << errno_string();
//     ends the run: throws FatalError, which main() turns into exit code 1.
//   Error(ctx) << file << ":" << line << ": unknown setting " << key;
//     records and continues; checkpoint(ctx) after the pass stops the run if
//     any error was recorded, so a user sees every config error at once.
//   Warn(ctx) << ...;   Log(ctx) << ...;  (Log prints only with --verbose)
//   StrictWarn(ctx) << "KernelModules=" << p << ": no such kernel module";
//     a setting that names nothing or has no effect: a warning, or an Error
//     under Strict=yes (diag.strict).
#pragma once

#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>

namespace initpack {

struct Diagnostics {
  bool verbose = false;
  bool quiet = false;
  bool strict = false; // Strict=: StrictWarn is an Error
  int error_count = 0;
  std::mutex mu; // parallel passes report too
};

struct FatalError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// What every kind shares: the message built with <<, and the Diagnostics it
// reports to (taken from a Context or given directly). Each kind only
// says, in its destructor, what happens to the message.
template <typename Self> class DiagLine {
public:
  template <typename Ctx> explicit DiagLine(Ctx &ctx) : diag_(ctx.diag) {}
  explicit DiagLine(Diagnostics &diag) : diag_(diag) {}
  template <typename T> Self &operator<<(const T &v) {
    out_ << v;
    return static_cast<Self &>(*this);
  }

protected:
  Diagnostics &diag_;
  std::ostringstream out_;
};

class Fatal : public DiagLine<Fatal> {
public:
  using DiagLine::DiagLine;
  ~Fatal() noexcept(false);
};

class Error : public DiagLine<Error> {
public:
  using DiagLine::DiagLine;
  ~Error();
};

class Warn : public DiagLine<Warn> {
public:
  using DiagLine::DiagLine;
  ~Warn();
};

class StrictWarn : public DiagLine<StrictWarn> {
public:
  using DiagLine::DiagLine;
  ~StrictWarn();
};

// Printed only with --verbose; used for "+ command args" echoes and for
// step-by-step progress.
class Log : public DiagLine<Log> {
public:
  using DiagLine::DiagLine;
  ~Log();
};

// Stops the run if any Error was recorded since the start.
void checkpoint(Diagnostics &diag);
template <typename Ctx> void checkpoint(Ctx &ctx) {
  checkpoint(ctx.diag);
}

// strerror(errno) as a std::string, for "cannot open X: <why>" messages.
std::string errno_string();
std::string errno_string(int err);

} // namespace initpack
