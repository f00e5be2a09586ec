// Helpers shared by the output tests: a sample tree with every kind of
// entry, deterministic test data, running the real tools.
#pragma once

#include "codec/compress.h"
#include "image/tree.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/subprocess.h"

#include <gtest/gtest.h>
#include <random>

namespace initpack::testing {

// A setuid binary, a hardlink pair, a symlink, a char device, a fifo, an
// empty directory, an in-memory file in a nested directory.
inline Tree sample_tree() {
  Tree t;
  t.add_file("usr/bin/su", Content::from_bytes("#!su\n"), 04755);
  t.add_file("usr/bin/gzip", Content::from_bytes("gzip-binary\n"), 0755);
  std::string err;
  t.add_hardlink("usr/bin/gunzip", "usr/bin/gzip", "test", &err);
  t.add_symlink("bin", "usr/bin");
  auto console = std::make_shared<Inode>();
  console->type = NodeType::CharDev;
  console->mode = 0600;
  console->rdev_major = 5;
  console->rdev_minor = 1;
  t.add_node("dev/console", console, "test");
  auto fifo = std::make_shared<Inode>();
  fifo->type = NodeType::Fifo;
  fifo->mode = 0644;
  t.add_node("run/initctl", fifo, "test");
  t.add_dir("mnt", 0700);
  Entry &shadow =
      t.add_file("etc/shadow", Content::from_bytes("root:*:\n"), 0640);
  shadow.inode->gid = 42;
  return t;
}

// Compressible but not trivial: words from a small vocabulary.
inline std::string text_data(size_t size, uint32_t seed = 1) {
  static const char *words[] = {"initrd ", "kernel ", "module ", "systemd ",
                                "udev ",   "cpio ",   "zstd\n",  "0x1f8b "};
  std::mt19937 rng(seed);
  std::string s;
  s.reserve(size + 16);
  while (s.size() < size)
    s += words[rng() % 8];
  s.resize(size);
  return s;
}

inline std::string compress_to_string(Compression c, std::string_view data,
                                      int level = -1, int threads = 2) {
  StringSink out;
  std::string err;
  auto z = make_compressor(c, level, threads, &out, &err);
  EXPECT_TRUE(z) << err;
  if (!z)
    return {};
  EXPECT_TRUE(z->write(data.data(), data.size(), &err)) << err;
  EXPECT_TRUE(z->finish(&err)) << err;
  EXPECT_TRUE(out.finished());
  return out.data();
}

inline RunResult run(const std::vector<std::string> &argv,
                     const RunOptions &opts = {}) {
  Diagnostics diag;
  return run_command(diag, argv, opts);
}

// Skips the test when a tool the check depends on is missing.
#define REQUIRE_TOOL(name)                                                     \
  do {                                                                         \
    if (find_program(name).empty())                                            \
      GTEST_SKIP() << name << " is not installed";                             \
  } while (0)

} // namespace initpack::testing
