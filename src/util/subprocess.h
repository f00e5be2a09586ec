// Running external tools (gpgv, depmod, ldconfig, systemd-hwdb, qemu …).
// Every command is echoed as "+ argv…" in verbose mode, so a user can see
// and repeat what initpack did.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace initpack {

struct Diagnostics;

struct RunOptions {
  std::string cwd;
  std::string stdin_data;
  bool capture_stdout = true;
  bool capture_stderr = true;
  // Added to (or overriding) the inherited environment.
  std::map<std::string, std::string> env;
  // 0 means no limit. On expiry the process group is killed.
  double timeout_seconds = 0;
};

struct RunResult {
  int exit_code = -1; // -1: could not start; 128+N: killed by signal N
  bool timed_out = false;
  std::string out, err;
  bool ok() const { return exit_code == 0 && !timed_out; }
};

RunResult run_command(Diagnostics &diag, const std::vector<std::string> &argv,
                      const RunOptions &opts = {});

// "argv[0] arg1 'arg with space'" for messages and verbose echoes.
std::string shell_quote(const std::vector<std::string> &argv);

// Looks a program up in PATH (and the sbin directories a non-root PATH may
// lack); returns "" when absent.
std::string find_program(const std::string &name);

} // namespace initpack
