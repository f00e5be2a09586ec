// run_qemu()'s process handling, with a shell script standing in for qemu:
// the verdict the moment a text appears, the timeout, the process group
// killed on every path, --send, qemu's own errors, and the log file.
#include "boot/qemu.h"
#include "context.h"
#include "util/fs.h"

#include <chrono>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace initpack;

namespace {

// Options whose "qemu" is a script (it ignores the qemu arguments).
QemuOptions fake_qemu(const TempDir &dir, const std::string &script) {
  std::string path = dir.path() + "/fake-qemu", err;
  EXPECT_TRUE(write_file(path, "#!/bin/sh\n" + script, &err, 0755)) << err;
  QemuOptions o;
  o.qemu = path;
  o.kernel = "vmlinuz";
  o.initrd = "initrd.img";
  o.timeout_seconds = 20;
  return o;
}

// True if the process exists and is not a zombie (a killed orphan stays a
// zombie until its new parent reaps it). Waits up to a second for it to go.
bool process_alive(const std::string &pid_file) {
  std::string pid, stat, err;
  if (!read_file(pid_file, &pid, &err))
    return false;
  pid.erase(pid.find_last_not_of("\n") + 1);
  // Killed between opening the file and writing the pid: the child, if it
  // was forked, was in the killed group. ("/proc//stat" is /proc/stat.)
  if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos)
    return false;
  for (int i = 0; i < 50; i++) {
    if (!read_file("/proc/" + pid + "/stat", &stat, &err))
      return false;
    size_t paren = stat.rfind(')');
    if (paren != std::string::npos && stat.compare(paren + 2, 1, "Z") == 0)
      return false;
    usleep(20000);
  }
  return true;
}

} // namespace

TEST(RunQemu, SuccessAsSoonAsTheMarkerLineIsComplete) {
  TempDir dir;
  Context ctx;
  QemuOptions o = fake_qemu(dir, R"(
printf 'SeaBIOS\r\n\033[0;1;39mINITPACK-ROOT-'
sleep 0.2
printf 'REACHED uptime=3.25 1.00\r\n'
sleep 30 &
echo $! >")" + dir.path() + R"(/child.pid"
wait
)");
  o.log_path = dir.path() + "/serial.log";
  auto start = std::chrono::steady_clock::now();
  QemuResult r = run_qemu(ctx, o);
  double took =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  EXPECT_EQ(r.verdict, QemuResult::Success) << r.detail << r.tail;
  EXPECT_EQ(r.matched, "INITPACK-ROOT-REACHED");
  EXPECT_EQ(r.matched_line, "INITPACK-ROOT-REACHED uptime=3.25 1.00");
  ASSERT_TRUE(r.guest_uptime.has_value());
  EXPECT_DOUBLE_EQ(*r.guest_uptime, 3.25);
  EXPECT_LT(took, 10);
  EXPECT_GE(r.host_seconds, 0.2);
  // The whole process group is gone, including the script's child.
  EXPECT_FALSE(process_alive(dir.path() + "/child.pid"));
  std::string log, err;
  ASSERT_TRUE(read_file(o.log_path, &log, &err)) << err;
  EXPECT_EQ(log, r.log);
  EXPECT_NE(log.find("\033[0;1;39mINITPACK-ROOT-REACHED uptime=3.25 1.00\r\n"),
            std::string::npos);
}

TEST(RunQemu, FailureTextWinsOverALaterMarker) {
  TempDir dir;
  Context ctx;
  QemuOptions o = fake_qemu(dir, R"(
printf '[    2.1] Kernel panic - not syncing: VFS: Unable to mount root\r\n'
printf 'INITPACK-ROOT-REACHED uptime=1\r\n'
sleep 30
)");
  QemuResult r = run_qemu(ctx, o);
  EXPECT_EQ(r.verdict, QemuResult::Failure);
  EXPECT_EQ(r.matched, "Kernel panic");
  EXPECT_EQ(r.matched_line,
            "[    2.1] Kernel panic - not syncing: VFS: Unable to mount root");
  EXPECT_FALSE(r.guest_uptime.has_value());
}

TEST(RunQemu, TimeoutKillsTheProcessGroup) {
  TempDir dir;
  Context ctx;
  QemuOptions o = fake_qemu(dir, R"(
echo booting
sleep 30 &
echo $! >")" + dir.path() + R"(/child.pid"
wait
)");
  o.timeout_seconds = 0.5;
  QemuResult r = run_qemu(ctx, o);
  EXPECT_EQ(r.verdict, QemuResult::Timeout);
  EXPECT_GE(r.host_seconds, 0.5);
  EXPECT_LT(r.host_seconds, 5);
  EXPECT_EQ(r.tail, "booting\n");
  EXPECT_FALSE(process_alive(dir.path() + "/child.pid"));
}

TEST(RunQemu, AnswersPromptsOnTheConsole) {
  TempDir dir;
  Context ctx;
  QemuOptions o = fake_qemu(dir, R"(
printf 'Please enter passphrase for disk root: '
read -r answer
printf 'got <%s>\r\nINITPACK-ROOT-REACHED uptime=2\r\n' "$answer"
sleep 30
)");
  o.send = {{"passphrase for disk root:", "s3cret =x"}};
  QemuResult r = run_qemu(ctx, o);
  EXPECT_EQ(r.verdict, QemuResult::Success) << r.tail;
  EXPECT_NE(r.log.find("got <s3cret =x>"), std::string::npos) << r.log;
}

TEST(RunQemu, QemuErrorsAreNotGuestFailures) {
  TempDir dir;
  Context ctx;
  QemuOptions o = fake_qemu(dir, R"(
echo "qemu-system-x86_64: -drive file=x: Could not open 'x'" >&2
exit 1
)");
  QemuResult r = run_qemu(ctx, o);
  EXPECT_EQ(r.verdict, QemuResult::Error);
  EXPECT_EQ(r.detail, "qemu exited with status 1\nqemu-system-x86_64: -drive "
                      "file=x: Could not open 'x'\n");
}

TEST(RunQemu, GuestStoppingWithoutMarkerIsAFailure) {
  TempDir dir;
  Context ctx;
  QemuOptions o = fake_qemu(dir, "echo '[ 1.0] reboot: Power down'\n");
  QemuResult r = run_qemu(ctx, o);
  EXPECT_EQ(r.verdict, QemuResult::Failure);
  EXPECT_EQ(r.detail,
            "the guest stopped (power off or reboot) before the marker");
  EXPECT_EQ(r.tail, "[ 1.0] reboot: Power down\n");
}

TEST(RunQemu, MissingBinaryIsAnError) {
  Context ctx;
  QemuOptions o;
  o.qemu = "/nonexistent/qemu-system-x86_64";
  o.kernel = "k";
  o.initrd = "i";
  QemuResult r = run_qemu(ctx, o);
  EXPECT_EQ(r.verdict, QemuResult::Error);
  EXPECT_NE(r.detail.find("cannot run /nonexistent/qemu-system-x86_64"),
            std::string::npos)
      << r.detail;
}
