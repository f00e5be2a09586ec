// util/subprocess.cc: running programs, timeouts and quoting.
#include "util/diag.h"
#include "util/subprocess.h"

#include <gtest/gtest.h>

using namespace initpack;

TEST(Subprocess, CapturesOutputExitCodeAndStdin) {
  Diagnostics diag;
  RunOptions opts;
  opts.stdin_data = "hello";
  RunResult r =
      run_command(diag, {"sh", "-c", "cat; echo err >&2; exit 3"}, opts);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "hello");
  EXPECT_EQ(r.err, "err\n");
}

TEST(Subprocess, TimeoutKillsTheProcess) {
  Diagnostics diag;
  RunOptions opts;
  opts.timeout_seconds = 0.3;
  RunResult r = run_command(diag, {"sleep", "30"}, opts);
  EXPECT_TRUE(r.timed_out);
  EXPECT_FALSE(r.ok());
}

TEST(Subprocess, ShellQuote) {
  EXPECT_EQ(shell_quote({"depmod", "-b", "/tmp/a b", "it's"}),
            "depmod -b '/tmp/a b' 'it'\\''s'");
}
