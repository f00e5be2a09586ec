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

class DiagLine {
public:
  template <typename T> DiagLine &operator<<(const T &v) {
    out_ << v;
    return *this;
  }

protected:
  std::ostringstream out_;
};

class Fatal : public DiagLine {
public:
  template <typename Ctx> explicit Fatal(Ctx &ctx) : diag_(ctx.diag) {}
  explicit Fatal(Diagnostics &diag) : diag_(diag) {}
  ~Fatal() noexcept(false);
  template <typename T> Fatal &operator<<(const T &v) {
    out_ << v;
    return *this;
  }

private:
  Diagnostics &diag_;
};

class Error : public DiagLine {
public:
  template <typename Ctx> explicit Error(Ctx &ctx) : diag_(ctx.diag) {}
  explicit Error(Diagnostics &diag) : diag_(diag) {}
  ~Error();
  template <typename T> Error &operator<<(const T &v) {
    out_ << v;
    return *this;
  }

private:
  Diagnostics &diag_;
};

class Warn : public DiagLine {
public:
  template <typename Ctx> explicit Warn(Ctx &ctx) : diag_(ctx.diag) {}
  explicit Warn(Diagnostics &diag) : diag_(diag) {}
  ~Warn();
  template <typename T> Warn &operator<<(const T &v) {
    out_ << v;
    return *this;
  }

private:
  Diagnostics &diag_;
};

class StrictWarn : public DiagLine {
public:
  template <typename Ctx> explicit StrictWarn(Ctx &ctx) : diag_(ctx.diag) {}
  explicit StrictWarn(Diagnostics &diag) : diag_(diag) {}
  ~StrictWarn();
  template <typename T> StrictWarn &operator<<(const T &v) {
    out_ << v;
    return *this;
  }

private:
  Diagnostics &diag_;
};

// Printed only with --verbose; used for "+ command args" echoes and for
// step-by-step progress.
class Log : public DiagLine {
public:
  template <typename Ctx> explicit Log(Ctx &ctx) : diag_(ctx.diag) {}
  explicit Log(Diagnostics &diag) : diag_(diag) {}
  ~Log();
  template <typename T> Log &operator<<(const T &v) {
    out_ << v;
    return *this;
  }

private:
  Diagnostics &diag_;
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
