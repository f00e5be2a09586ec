// run_qemu(): starts qemu (and swtpm for --tpm) in their own process
// groups, watches the serial console through a pipe, answers prompts, and
// kills everything the moment the verdict is known, on the timeout, on
// SIGINT/SIGTERM, or when initpack itself dies (PR_SET_PDEATHSIG).
#include "boot/qemu.h"

#include "boot/serial_scanner.h"
#include "boot/uefi.h"
#include "context.h"
#include "util/fs.h"
#include "util/subprocess.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace initpack {

namespace {

using Clock = std::chrono::steady_clock;

// The raw log kept in QemuResult; --log gets everything.
constexpr size_t kMaxResultLog = 64 << 20;
// How long to wait, after a marker, for the rest of its line.
constexpr double kLineGraceSeconds = 1.0;
constexpr size_t kTailLines = 30;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// A child process in its own process group, killed (the whole group) and
// reaped when this object goes away, whatever path leaves run_qemu().
class Child {
public:
  Child() = default;
  ~Child() { kill_and_wait(); }
  Child(const Child &) = delete;
  Child &operator=(const Child &) = delete;

  // fds: the child's stdin, stdout, stderr; -1 keeps ours.
  bool start(const std::vector<std::string> &argv, int in, int out, int err,
             bool own_group, std::string *error);
  void kill_and_wait();
  // Reaps the child if it has exited; returns true then.
  bool poll_exit();
  // Waits for the child to exit on its own.
  void wait();
  int exit_code() const { return exit_code_; }
  pid_t pid() const { return pid_; }

private:
  pid_t pid_ = -1;
  bool own_group_ = true;
  int exit_code_ = -1;
};

bool Child::start(const std::vector<std::string> &argv, int in, int out,
                  int err, bool own_group, std::string *error) {
  std::vector<char *> cargv;
  for (const std::string &a : argv)
    cargv.push_back(const_cast<char *>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    *error = "fork: " + errno_string();
    return false;
  }
  if (pid == 0) {
    if (own_group)
      setpgid(0, 0);
    // If initpack is killed outright, take qemu with it.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
      _exit(127);
    if (in >= 0)
      dup2(in, 0);
    if (out >= 0)
      dup2(out, 1);
    if (err >= 0)
      dup2(err, 2);
    execvp(cargv[0], cargv.data());
    dprintf(2, "cannot run %s: %s\n", cargv[0], strerror(errno));
    _exit(127);
  }
  if (own_group)
    setpgid(pid, pid); // also here, so a kill right away reaches the group
  pid_ = pid;
  own_group_ = own_group;
  return true;
}

bool Child::poll_exit() {
  if (pid_ < 0)
    return true;
  int status = 0;
  pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r != pid_)
    return false;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  pid_ = -1;
  return true;
}

void Child::kill_and_wait() {
  if (pid_ < 0)
    return;
  kill(own_group_ ? -pid_ : pid_, SIGKILL);
  wait();
}

void Child::wait() {
  if (pid_ < 0)
    return;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  pid_ = -1;
}

// Both ends of a pipe, closed on scope exit unless released.
struct Pipe {
  int fd[2] = {-1, -1};
  bool open() { return pipe2(fd, O_CLOEXEC) == 0; }
  void close_end(int i) {
    if (fd[i] >= 0)
      close(fd[i]);
    fd[i] = -1;
  }
  ~Pipe() {
    close_end(0);
    close_end(1);
  }
};

// SIGINT/SIGTERM/SIGHUP interrupt the wait (poll returns EINTR) instead of
// killing initpack before it has killed qemu.
volatile sig_atomic_t g_stop_signal = 0;
void on_stop_signal(int sig) {
  g_stop_signal = sig;
}

class StopSignals {
public:
  StopSignals() {
    g_stop_signal = 0;
    struct sigaction sa = {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; i++)
      sigaction(kSignals[i], &sa, &old_[i]);
  }
  ~StopSignals() {
    for (int i = 0; i < 3; i++)
      sigaction(kSignals[i], &old_[i], nullptr);
  }

private:
  static constexpr int kSignals[3] = {SIGINT, SIGTERM, SIGHUP};
  struct sigaction old_[3];
};

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data.remove_prefix(n);
  }
  return true;
}

// swtpm emulating a TPM 2.0; it exits when qemu closes the connection
// (--terminate). Its state (keys, NV indexes) lives in `state_dir`: a kept
// directory (--tpm-state), so that a key enrolled in one boot unseals in the
// next, or else the temporary `dir`. The socket is always in `dir`: a kept
// directory's path may be longer than a socket name may be.
void start_swtpm(Context &ctx, const TempDir &dir, std::string state_dir,
                 Child &swtpm, std::string *socket) {
  std::string prog = find_program("swtpm");
  if (prog.empty())
    Fatal(ctx) << "qemu: --tpm needs swtpm (apt-get install swtpm)";
  if (state_dir.empty())
    state_dir = dir.path();
  else if (!is_directory(state_dir))
    Fatal(ctx) << "qemu: --tpm-state " << state_dir << ": not a directory";
  *socket = dir.path() + "/swtpm.sock";
  std::vector<std::string> argv = {
      prog,         "socket",
      "--tpm2",     "--terminate",
      "--tpmstate", "dir=" + state_dir,
      "--ctrl",     "type=unixio,path=" + *socket,
      "--log",      "file=" + dir.path() + "/swtpm.log"};
  Log(ctx) << "+ " << shell_quote(argv);
  std::string err;
  int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
  bool ok = swtpm.start(argv, devnull, devnull, devnull, true, &err);
  close(devnull);
  if (!ok)
    Fatal(ctx) << "qemu: cannot start swtpm: " << err;
  // qemu connects at once, so wait (bounded) for the socket to appear.
  for (int i = 0; i < 250 && !file_exists(*socket); i++) {
    if (swtpm.poll_exit())
      Fatal(ctx) << "qemu: swtpm exited with status " << swtpm.exit_code();
    usleep(20000);
  }
  if (!file_exists(*socket))
    Fatal(ctx) << "qemu: swtpm did not create " << *socket << " within 5 s";
}

// The console: qemu's stdio chardev on three pipes.
struct Console {
  Pipe in, out, err;
};

QemuResult run_interactive(Context &ctx, const std::vector<std::string> &argv) {
  QemuResult res;
  Child qemu;
  std::string err;
  // In the terminal's process group, so it can read the keyboard.
  if (!qemu.start(argv, -1, -1, -1, false, &err))
    Fatal(ctx) << "qemu: " << err;
  qemu.wait();
  res.verdict = qemu.exit_code() == 0 ? QemuResult::Success : QemuResult::Error;
  if (qemu.exit_code() != 0)
    res.detail = "qemu exited with status " + std::to_string(qemu.exit_code());
  return res;
}

} // namespace

namespace {

// State of one watched boot: what the console said and what it means.
class BootWatch {
public:
  BootWatch(Context &ctx, const QemuOptions &opts, QemuResult &res)
      : ctx_(ctx), opts_(opts), res_(res) {
    expect_ = scanner_.add(SerialScanner::Kind::Expect, opts.expect);
    for (const std::string &text : opts.fail_on)
      scanner_.add(SerialScanner::Kind::Fail, text);
    first_prompt_ = opts.fail_on.size() + 1;
    for (const PromptReply &p : opts.send)
      scanner_.add(SerialScanner::Kind::Prompt, p.prompt);
    if (!opts.log_path.empty()) {
      std::string err;
      if (!log_.open(opts.log_path, &err))
        Fatal(ctx) << "qemu: --log: " << err;
    }
  }

  // Serial output from the guest; console_in is where --send replies go.
  void console_output(std::string_view chunk, int console_in);
  void qemu_stderr(std::string_view chunk) {
    if (qemu_err_.size() < 65536)
      qemu_err_.append(chunk);
  }
  const std::string &qemu_err() const { return qemu_err_; }

  bool decided() const { return decided_; }
  // A marker was seen: the verdict is final once its line is complete
  // (so "uptime=" can be read) or after a short grace.
  bool settled(Clock::time_point now) const {
    if (!decided_)
      return false;
    bool complete = false;
    scanner_.line_at(match_offset_, &complete);
    return complete || now >= decided_at_ + grace();
  }
  Clock::time_point settle_deadline() const { return decided_at_ + grace(); }
  Clock::time_point decided_at() const { return decided_at_; }

  // Fills in the result once the loop is over.
  void finish();

private:
  static Clock::duration grace() {
    return std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(kLineGraceSeconds));
  }

  Context &ctx_;
  const QemuOptions &opts_;
  QemuResult &res_;
  SerialScanner scanner_;
  size_t expect_ = 0, first_prompt_ = 0;
  AtomicFile log_;
  std::string qemu_err_;
  bool decided_ = false;
  size_t match_offset_ = 0;
  Clock::time_point decided_at_;
};

void BootWatch::console_output(std::string_view chunk, int console_in) {
  std::string err;
  if (log_.fd() >= 0 && !log_.write(chunk.data(), chunk.size(), &err))
    Fatal(ctx_) << "qemu: --log: " << err;
  if (res_.log.size() + chunk.size() <= kMaxResultLog)
    res_.log.append(chunk);
  if (opts_.echo_console)
    std::cerr.write(chunk.data(), chunk.size()).flush();

  for (const SerialScanner::Match &m : scanner_.feed(chunk)) {
    if (decided_)
      break;
    if (m.kind == SerialScanner::Kind::Prompt) {
      const PromptReply &p = opts_.send[m.pattern - first_prompt_];
      Log(ctx_) << "qemu: prompt '" << p.prompt << "' seen, answering";
      if (!write_all(console_in, p.reply + "\n"))
        Warn(ctx_) << "qemu: cannot answer '" << p.prompt
                   << "': " << errno_string();
      continue;
    }
    decided_ = true;
    decided_at_ = Clock::now();
    match_offset_ = m.offset;
    res_.verdict = m.kind == SerialScanner::Kind::Expect ? QemuResult::Success
                                                         : QemuResult::Failure;
    res_.matched = scanner_.pattern_text(m.pattern);
  }
}

void BootWatch::finish() {
  if (decided_) {
    bool complete = false;
    res_.matched_line = scanner_.line_at(match_offset_, &complete);
    if (res_.verdict == QemuResult::Success)
      res_.guest_uptime = parse_guest_uptime(res_.matched_line);
  }
  res_.tail = scanner_.tail(kTailLines);
  std::string err;
  if (log_.fd() >= 0 && !log_.commit(&err))
    Fatal(ctx_) << "qemu: --log: " << err;
}

// Reads what is ready on the console and stderr pipes; closes a pipe at
// EOF (fd set to -1).
void read_ready(BootWatch &watch, Console &con, int wait_ms) {
  pollfd fds[2] = {{con.out.fd[0], POLLIN, 0}, {con.err.fd[0], POLLIN, 0}};
  if (poll(fds, 2, wait_ms) <= 0)
    return; // timeout, or EINTR from a stop signal
  char buf[65536];
  for (int i = 0; i < 2; i++) {
    if (!fds[i].revents)
      continue;
    ssize_t n = read(fds[i].fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    Pipe &p = i == 0 ? con.out : con.err;
    if (n <= 0)
      p.close_end(0);
    else if (i == 0)
      watch.console_output({buf, size_t(n)}, con.in.fd[1]);
    else
      watch.qemu_stderr({buf, size_t(n)});
  }
}

// The verdict when the guest never printed a marker or failure text.
void judge_undecided(QemuResult &res, const BootWatch &watch, Child &qemu,
                     bool timed_out, int stop_signal) {
  if (stop_signal) {
    res.verdict = QemuResult::Error;
    res.detail = std::string("interrupted by ") + strsignal(stop_signal);
  } else if (timed_out) {
    res.verdict = QemuResult::Timeout;
  } else {
    // The console closed: qemu is exiting. Bounded, in case it hangs.
    for (int i = 0; i < 250 && !qemu.poll_exit(); i++)
      usleep(20000);
    if (qemu.exit_code() == 0) {
      // -no-reboot: the guest powered off, rebooted or panicked.
      res.verdict = QemuResult::Failure;
      res.detail = "the guest stopped (power off or reboot) before the marker";
    } else {
      res.verdict = QemuResult::Error;
      res.detail =
          qemu.exit_code() < 0
              ? "qemu closed the console but did not exit"
              : "qemu exited with status " + std::to_string(qemu.exit_code());
    }
  }
  if (!watch.qemu_err().empty())
    res.detail += (res.detail.empty() ? "" : "\n") + watch.qemu_err();
}

} // namespace

QemuResult run_qemu(Context &ctx, const QemuOptions &opts) {
  Timer timer(ctx, "qemu");
  // Declared before swtpm, so swtpm is killed before its state is deleted.
  std::optional<TempDir> tpm_dir;
  Child swtpm;
  std::string tpm_socket;
  if (opts.tpm || !opts.tpm_state.empty()) {
    tpm_dir.emplace("initpack-swtpm");
    start_swtpm(ctx, *tpm_dir, opts.tpm_state, swtpm, &tpm_socket);
  }
  std::optional<TempDir> uefi_dir;
  UefiFiles uefi;
  if (wants_uefi(opts)) {
    uefi_dir.emplace("initpack-uefi");
    uefi = prepare_uefi(ctx, opts, *uefi_dir);
  }
  std::vector<std::string> argv =
      qemu_argv(opts, tpm_socket, uefi_dir ? &uefi : nullptr);
  Log(ctx) << "+ " << shell_quote(argv);
  if (opts.interactive)
    return run_interactive(ctx, argv);

  QemuResult res;
  BootWatch watch(ctx, opts, res);
  Console con;
  if (!con.in.open() || !con.out.open() || !con.err.open())
    Fatal(ctx) << "qemu: pipe: " << errno_string();
  StopSignals stop_signals;
  signal(SIGPIPE, SIG_IGN); // a dead qemu must not kill us on --send
  Clock::time_point start = Clock::now();
  auto deadline =
      start + std::chrono::duration_cast<Clock::duration>(
                  std::chrono::duration<double>(opts.timeout_seconds));
  Child qemu;
  std::string err;
  if (!qemu.start(argv, con.in.fd[0], con.out.fd[1], con.err.fd[1], true, &err))
    Fatal(ctx) << "qemu: " << err;
  con.in.close_end(0);
  con.out.close_end(1);
  con.err.close_end(1);

  bool timed_out = false;
  while (con.out.fd[0] >= 0 && !g_stop_signal) {
    Clock::time_point now = Clock::now();
    if (watch.settled(now))
      break;
    Clock::time_point until =
        watch.decided() ? watch.settle_deadline() : deadline;
    if (!watch.decided() && now >= deadline) {
      timed_out = true;
      break;
    }
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
    read_ready(watch, con, std::max<int>(0, left.count() + 1));
  }
  res.host_seconds =
      watch.decided()
          ? std::chrono::duration<double>(watch.decided_at() - start).count()
          : seconds_since(start);
  // qemu is exiting on its own: collect its error messages (bounded).
  if (!watch.decided() && !timed_out && !g_stop_signal)
    for (int i = 0; i < 5 && con.err.fd[0] >= 0; i++)
      read_ready(watch, con, 1000);
  if (!watch.decided())
    judge_undecided(res, watch, qemu, timed_out, g_stop_signal);
  qemu.kill_and_wait();
  // A kept TPM state: let swtpm see the connection close and exit on its
  // own (--terminate), its state written, rather than killing it.
  if (!opts.tpm_state.empty())
    for (int i = 0; i < 40 && !swtpm.poll_exit(); i++)
      usleep(50 * 1000);
  watch.finish();
  return res;
}

} // namespace initpack
