#include "util/subprocess.h"

#include "util/diag.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace initpack {

std::string shell_quote(const std::vector<std::string> &argv) {
  std::string r;
  for (const std::string &a : argv) {
    if (!r.empty())
      r += ' ';
    bool plain = !a.empty() &&
                 a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLM"
                                     "NOPQRSTUVWXYZ0123456789-_./=:,+@%") ==
                     std::string::npos;
    if (plain) {
      r += a;
      continue;
    }
    r += '\'';
    for (char c : a) {
      if (c == '\'')
        r += "'\\''";
      else
        r += c;
    }
    r += '\'';
  }
  return r;
}

std::string find_program(const std::string &name) {
  if (name.find('/') != std::string::npos)
    return access(name.c_str(), X_OK) == 0 ? name : "";
  const char *p = getenv("PATH");
  std::string path =
      std::string(p ? p : "/usr/bin:/bin") + ":/usr/local/sbin:/usr/sbin:/sbin";
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find(':', start);
    if (end == std::string::npos)
      end = path.size();
    std::string cand = path.substr(start, end - start) + "/" + name;
    struct stat st;
    if (end > start && stat(cand.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        access(cand.c_str(), X_OK) == 0)
      return cand;
    start = end + 1;
  }
  return "";
}

namespace {

// Closes both ends of a pipe on scope exit unless they were taken.
struct Pipe {
  int fd[2] = {-1, -1};
  bool open() { return pipe2(fd, O_CLOEXEC) == 0; }
  ~Pipe() {
    for (int f : fd)
      if (f >= 0)
        close(f);
  }
};

} // namespace

RunResult run_command(Diagnostics &diag, const std::vector<std::string> &argv,
                      const RunOptions &opts) {
  if (diag.verbose) {
    std::lock_guard lock(diag.mu);
    fprintf(stderr, "+ %s\n", shell_quote(argv).c_str());
  }
  RunResult res;
  Pipe in, out, err;
  if (!in.open() || !out.open() || !err.open()) {
    res.err = std::string("pipe: ") + strerror(errno);
    return res;
  }

  std::vector<std::string> envs;
  for (char **e = environ; *e; e++) {
    std::string kv = *e;
    std::string key = kv.substr(0, kv.find('='));
    if (!opts.env.count(key))
      envs.push_back(kv);
  }
  for (auto &[k, v] : opts.env)
    envs.push_back(k + "=" + v);
  std::vector<char *> cargv, cenv;
  for (const std::string &a : argv)
    cargv.push_back(const_cast<char *>(a.c_str()));
  cargv.push_back(nullptr);
  for (std::string &e : envs)
    cenv.push_back(e.data());
  cenv.push_back(nullptr);

  pid_t pid = fork();
  if (pid < 0) {
    res.err = std::string("fork: ") + strerror(errno);
    return res;
  }
  if (pid == 0) {
    setpgid(0, 0);
    dup2(in.fd[0], 0);
    if (opts.capture_stdout)
      dup2(out.fd[1], 1);
    if (opts.capture_stderr)
      dup2(err.fd[1], 2);
    if (!opts.cwd.empty() && chdir(opts.cwd.c_str()) < 0)
      _exit(127);
    execvpe(cargv[0], cargv.data(), cenv.data());
    dprintf(2, "cannot run %s: %s\n", cargv[0], strerror(errno));
    _exit(127);
  }
  close(in.fd[0]), in.fd[0] = -1;
  close(out.fd[1]), out.fd[1] = -1;
  close(err.fd[1]), err.fd[1] = -1;
  signal(SIGPIPE, SIG_IGN);

  size_t written = 0;
  if (opts.stdin_data.empty())
    close(in.fd[1]), in.fd[1] = -1;
  auto deadline =
      std::chrono::steady_clock::now() +
      std::chrono::milliseconds(static_cast<long>(opts.timeout_seconds * 1000));
  char buf[65536];
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    std::vector<pollfd> fds;
    if (out.fd[0] >= 0)
      fds.push_back({out.fd[0], POLLIN, 0});
    if (err.fd[0] >= 0)
      fds.push_back({err.fd[0], POLLIN, 0});
    if (in.fd[1] >= 0)
      fds.push_back({in.fd[1], POLLOUT, 0});
    int wait_ms = -1;
    if (opts.timeout_seconds > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        res.timed_out = true;
        kill(-pid, SIGKILL);
        break;
      }
      wait_ms = static_cast<int>(left.count());
    }
    if (poll(fds.data(), fds.size(), wait_ms) < 0 && errno != EINTR)
      break;
    for (pollfd &p : fds) {
      if (!p.revents)
        continue;
      if (p.fd == in.fd[1]) {
        ssize_t n = write(p.fd, opts.stdin_data.data() + written,
                          opts.stdin_data.size() - written);
        if (n > 0)
          written += n;
        if (n < 0 || written == opts.stdin_data.size())
          close(in.fd[1]), in.fd[1] = -1;
        continue;
      }
      ssize_t n = read(p.fd, buf, sizeof buf);
      bool is_out = p.fd == out.fd[0];
      if (n <= 0) {
        close(p.fd);
        (is_out ? out.fd[0] : err.fd[0]) = -1;
      } else {
        (is_out ? res.out : res.err).append(buf, n);
      }
    }
  }
  // Output is closed; the process may still run (or keep no pipes at all).
  int status = 0;
  for (;;) {
    pid_t r = waitpid(pid, &status, opts.timeout_seconds > 0 ? WNOHANG : 0);
    if (r == pid || (r < 0 && errno != EINTR))
      break;
    if (r == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        res.timed_out = true;
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
        break;
      }
      usleep(20000);
    }
  }
  if (WIFEXITED(status))
    res.exit_code = WEXITSTATUS(status);
  else if (WIFSIGNALED(status))
    res.exit_code = 128 + WTERMSIG(status);
  return res;
}

} // namespace initpack
