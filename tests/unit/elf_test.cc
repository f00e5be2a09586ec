#include "image/elf.h"

#include "util/fs.h"

#include <gtest/gtest.h>

using namespace initpack;

static ReadAt reader(const std::string &bytes) {
  return [bytes](uint64_t off, size_t n, std::string *out) {
    if (off > bytes.size() || n > bytes.size() - off)
      return false;
    *out = bytes.substr(off, n);
    return true;
  };
}

// A real program of the host (Debian 12): linked against libc.so.6 only,
// loaded by the x86-64 ld.so.
TEST(Elf, ReadsInterpreterAndNeededOfAHostProgram) {
  std::string bytes, err;
  ASSERT_TRUE(read_file("/usr/bin/true", &bytes, &err)) << err;
  ElfInfo elf;
  ASSERT_TRUE(read_elf(reader(bytes), &elf, &err)) << err;
  EXPECT_TRUE(elf.is_64);
  EXPECT_EQ(elf.interp, "/lib64/ld-linux-x86-64.so.2");
  EXPECT_EQ(elf.needed, std::vector<std::string>{"libc.so.6"});
  EXPECT_TRUE(elf.runpath.empty());
}

TEST(Elf, ReadsRunpath) {
  // systemd's programs find libsystemd-shared through their RUNPATH.
  std::string bytes, err;
  if (!read_file("/usr/bin/systemd-escape", &bytes, &err))
    GTEST_SKIP() << "no systemd-escape on this host";
  ElfInfo elf;
  ASSERT_TRUE(read_elf(reader(bytes), &elf, &err)) << err;
  ASSERT_EQ(elf.runpath.size(), 1u);
  EXPECT_EQ(elf.runpath[0], "/usr/lib/x86_64-linux-gnu/systemd");
}

TEST(Elf, RejectsTruncatedAndForeignFiles) {
  std::string bytes, err;
  ASSERT_TRUE(read_file("/usr/bin/true", &bytes, &err)) << err;
  ElfInfo elf;
  EXPECT_FALSE(read_elf(reader(bytes.substr(0, 40)), &elf, &err));
  EXPECT_EQ(err, "truncated ELF header");
  EXPECT_FALSE(read_elf(reader(bytes.substr(0, 100)), &elf, &err));
  EXPECT_EQ(err, "truncated program headers");
  EXPECT_FALSE(read_elf(reader("#!/bin/sh\n"), &elf, &err));
  EXPECT_EQ(err, "not an ELF file");
  EXPECT_TRUE(is_elf(bytes.substr(0, 4)));
  EXPECT_FALSE(is_elf("\x7f"
                      "EL"));
}
