// util/fs.cc: atomic files, temporary directories and their cleanup.
#include "util/fs.h"

#include <csignal>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace initpack;

TEST(AtomicFile, UncommittedWriteLeavesOldFileIntact) {
  TempDir dir;
  std::string path = dir.path() + "/out", err, data;
  ASSERT_TRUE(write_file(path, "old", &err)) << err;
  {
    AtomicFile f;
    ASSERT_TRUE(f.open(path, &err)) << err;
    ASSERT_TRUE(f.write("new-but-failed", 14, &err));
    // no commit: the destructor must remove the temporary file
  }
  ASSERT_TRUE(read_file(path, &data, &err));
  EXPECT_EQ(data, "old");
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"out"});
}

TEST(AtomicFile, CommitReplacesAndSetsMode) {
  TempDir dir;
  std::string path = dir.path() + "/out", err, data;
  AtomicFile f;
  ASSERT_TRUE(f.open(path, &err) && f.write("abc", 3, &err));
  ASSERT_TRUE(f.commit(&err)) << err;
  ASSERT_TRUE(read_file(path, &data, &err));
  EXPECT_EQ(data, "abc");
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
}

// A writer killed with SIGKILL (no destructor runs) leaves its partial;
// the next writer of the same file removes it, but not a live writer's.
TEST(AtomicFile, PartialsOfAKilledWriterAreRemovedByTheNext) {
  TempDir dir;
  std::string path = dir.path() + "/initrd.img", err;
  ASSERT_TRUE(write_file(path, "old", &err)) << err;
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  auto writer = [&](bool die) {
    pid_t pid = fork();
    if (pid == 0) {
      AtomicFile f;
      std::string e;
      if (!f.open(path, &e) || !f.write("partial", 7, &e))
        _exit(1);
      if (::write(ready[1], "x", 1) != 1)
        _exit(1);
      if (die)
        raise(SIGKILL);
      pause(); // alive until killed by the test
      _exit(0);
    }
    char c;
    EXPECT_EQ(::read(ready[0], &c, 1), 1);
    return pid;
  };
  pid_t live = writer(false), dead = writer(true);
  waitpid(dead, nullptr, 0);
  ASSERT_EQ(list_dir(dir.path()).size(), 3u) << "two partials expected";
  {
    AtomicFile f;
    ASSERT_TRUE(f.open(path, &err)) << err;
    // The killed writer's partial is gone; the live one's and ours remain.
    EXPECT_EQ(list_dir(dir.path()).size(), 3u);
  }
  kill(live, SIGKILL);
  waitpid(live, nullptr, 0);
  std::string data;
  ASSERT_TRUE(read_file(path, &data, &err));
  EXPECT_EQ(data, "old");
  EXPECT_EQ(remove_stale_temporaries(dir.path(), ".initrd.img."), 1);
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"initrd.img"});
  close(ready[0]);
  close(ready[1]);
}

TEST(TempDir, LockedWhileAliveRemovedOnceItsOwnerIsGone) {
  TempDir base;
  std::string stale = base.path() + "/initpack-x.tmp-AbC123", err;
  ASSERT_TRUE(mkdir_p(stale + "/lib/modules", &err)) << err;
  ASSERT_EQ(setenv("TMPDIR", base.path().c_str(), 1), 0);
  TempDir live("initpack-x");
  unsetenv("TMPDIR");
  EXPECT_EQ(live.path().rfind(base.path() + "/initpack-x.tmp-", 0), 0u)
      << live.path();
  EXPECT_EQ(remove_stale_temporaries(base.path(), "initpack-x.tmp-"), 1);
  EXPECT_FALSE(file_exists(stale));
  EXPECT_TRUE(is_directory(live.path()));
}

// Parallel runs (ctest -j) clean each other's leftovers. A directory made
// but not yet locked must not be taken for one: CI once lost a test's
// TempDir that way.
TEST(TempDir, SurvivesAnotherProcessCleaningUpWhileItIsMade) {
  TempDir base;
  pid_t cleaner = fork();
  if (cleaner == 0) {
    for (int i = 0; i < 200000; i++)
      remove_stale_temporaries(base.path(), "initpack-race.tmp-");
    _exit(0);
  }
  ASSERT_EQ(setenv("TMPDIR", base.path().c_str(), 1), 0);
  int lost = 0;
  for (int i = 0; i < 2000; i++) {
    TempDir dir("initpack-race");
    std::string err;
    if (!write_file(dir.path() + "/f", "x", &err))
      lost++;
  }
  unsetenv("TMPDIR");
  kill(cleaner, SIGKILL);
  waitpid(cleaner, nullptr, 0);
  EXPECT_EQ(lost, 0);
}

TEST(AtomicFile, SurvivesAnotherWriterCleaningUpWhileItIsMade) {
  TempDir dir;
  std::string path = dir.path() + "/out";
  pid_t cleaner = fork();
  if (cleaner == 0) {
    for (int i = 0; i < 200000; i++)
      remove_stale_temporaries(dir.path(), ".out.");
    _exit(0);
  }
  int lost = 0;
  for (int i = 0; i < 2000; i++) {
    AtomicFile f;
    std::string err;
    if (!f.open(path, &err) || !f.write("x", 1, &err) || !f.commit(&err))
      lost++;
  }
  kill(cleaner, SIGKILL);
  waitpid(cleaner, nullptr, 0);
  EXPECT_EQ(lost, 0);
}
