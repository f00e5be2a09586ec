#include "output/cpio_writer.h"
#include "output_test_util.h"

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <regex>
#include <sys/stat.h>
#include <sys/sysmacros.h>

using namespace initpack;
using namespace initpack::testing;

namespace {

constexpr uint32_t kEpoch = 1700000000; // 0x6553f100

std::string cpio_of(const Tree &t, uint32_t mtime = kEpoch) {
  StringSink out;
  std::string err;
  CpioOptions opts;
  opts.mtime = mtime;
  EXPECT_TRUE(write_cpio(t, out, opts, &err)) << err;
  return out.data();
}

// `cpio -tvn` with the dates replaced and the spacing squeezed.
std::string gnu_listing(const std::string &archive) {
  RunOptions o;
  o.stdin_data = archive;
  o.env["TZ"] = "UTC";
  o.env["LC_ALL"] = "C";
  RunResult r = run({"cpio", "-t", "-v", "-n", "--quiet"}, o);
  EXPECT_TRUE(r.ok()) << r.err;
  std::string s = std::regex_replace(
      r.out, std::regex("[A-Z][a-z]{2} +[0-9]+ +([0-9]{4}|[0-9]{2}:[0-9]{2})"),
      "DATE");
  return std::regex_replace(s, std::regex(" +"), " ");
}

} // namespace

TEST(CpioWriter, FirstHeaderIsExact) {
  Tree t;
  std::string a = cpio_of(t);
  // The root, mode 040755, nlink 2, mtime 0x6553f100, name "." (2 bytes).
  EXPECT_EQ(a.substr(0, 112), std::string("070701"
                                          "00000001"
                                          "000041ed"
                                          "00000000"
                                          "00000000"
                                          "00000002"
                                          "6553f100"
                                          "00000000"
                                          "00000000"
                                          "00000000"
                                          "00000000"
                                          "00000000"
                                          "00000002"
                                          "00000000") +
                                  std::string(".\0", 2));
  EXPECT_EQ(a.substr(112, 6 + 8), "07070100000000");
  EXPECT_NE(a.find("TRAILER!!!"), std::string::npos);
  EXPECT_EQ(a.size(), 512u); // padded like GNU cpio
}

TEST(CpioWriter, GnuCpioListsEveryKindOfEntry) {
  REQUIRE_TOOL("cpio");
  std::string listing = gnu_listing(cpio_of(sample_tree()));
  EXPECT_EQ(listing, "drwxr-xr-x 7 0 0 0 DATE .\n"
                     "lrwxrwxrwx 1 0 0 7 DATE bin -> usr/bin\n"
                     "drwxr-xr-x 2 0 0 0 DATE dev\n"
                     "crw------- 1 0 0 5, 1 DATE dev/console\n"
                     "drwxr-xr-x 2 0 0 0 DATE etc\n"
                     "-rw-r----- 1 0 42 8 DATE etc/shadow\n"
                     "drwx------ 2 0 0 0 DATE mnt\n"
                     "drwxr-xr-x 2 0 0 0 DATE run\n"
                     "prw-r--r-- 1 0 0 0 DATE run/initctl\n"
                     "drwxr-xr-x 3 0 0 0 DATE usr\n"
                     "drwxr-xr-x 2 0 0 0 DATE usr/bin\n"
                     "-rwxr-xr-x 2 0 0 0 DATE usr/bin/gunzip\n"
                     "-rwxr-xr-x 2 0 0 12 DATE usr/bin/gzip\n"
                     "-rwsr-xr-x 1 0 0 5 DATE usr/bin/su\n");
}

// GNU cpio extracts what the kernel would: setuid kept, the hardlink pair
// one inode with the data, the device, fifo, empty dir and mtimes.
TEST(CpioWriter, GnuCpioExtractsExactly) {
  REQUIRE_TOOL("cpio");
  if (geteuid() != 0)
    GTEST_SKIP() << "needs root to keep owners and make device nodes";
  TempDir dir;
  RunOptions o;
  o.stdin_data = cpio_of(sample_tree());
  o.cwd = dir.path();
  RunResult r =
      run({"cpio", "-i", "-d", "-m", "--quiet", "--no-absolute-filenames"}, o);
  ASSERT_TRUE(r.ok()) << r.err;
  auto st = [&](const std::string &p) {
    struct stat s {};
    EXPECT_EQ(lstat((dir.path() + "/" + p).c_str(), &s), 0) << p;
    return s;
  };
  EXPECT_EQ(st("usr/bin/su").st_mode, 0104755u);
  struct stat a = st("usr/bin/gzip"), b = st("usr/bin/gunzip");
  EXPECT_EQ(a.st_ino, b.st_ino);
  EXPECT_EQ(a.st_nlink, 2u);
  std::string data, err;
  ASSERT_TRUE(read_file(dir.path() + "/usr/bin/gunzip", &data, &err));
  EXPECT_EQ(data, "gzip-binary\n");
  EXPECT_EQ(st("etc/shadow").st_gid, 42u);
  EXPECT_EQ(st("etc/shadow").st_mtime, kEpoch);
  EXPECT_TRUE(S_ISFIFO(st("run/initctl").st_mode));
  EXPECT_EQ(st("mnt").st_mode, 040700u);
  char target[64] = {};
  ASSERT_GT(readlink((dir.path() + "/bin").c_str(), target, 63), 0);
  EXPECT_STREQ(target, "usr/bin");
  struct stat dev {};
  if (lstat((dir.path() + "/dev/console").c_str(), &dev) == 0) {
    EXPECT_TRUE(S_ISCHR(dev.st_mode));
    EXPECT_EQ(major(dev.st_rdev), 5u);
    EXPECT_EQ(minor(dev.st_rdev), 1u);
  }
}

// libarchive, an independent reader: the second path of the hardlinked
// file comes back as a hardlink to the first, carrying the data.
TEST(CpioWriter, LibarchiveReadsHardlinksAndData) {
  std::string a = cpio_of(sample_tree());
  struct archive *ar = archive_read_new();
  archive_read_support_format_cpio(ar);
  ASSERT_EQ(archive_read_open_memory(ar, a.data(), a.size()), ARCHIVE_OK);
  archive_entry *e;
  std::map<std::string, std::string> hardlink, data;
  std::map<std::string, mode_t> mode;
  while (archive_read_next_header(ar, &e) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(e);
    mode[name] = archive_entry_mode(e);
    if (archive_entry_hardlink(e))
      hardlink[name] = archive_entry_hardlink(e);
    std::string d(archive_entry_size(e), '\0');
    if (!d.empty())
      archive_read_data(ar, d.data(), d.size());
    data[name] = d;
  }
  archive_read_free(ar);
  EXPECT_EQ(mode.size(), 14u);
  EXPECT_EQ(hardlink, (std::map<std::string, std::string>{
                          {"usr/bin/gzip", "usr/bin/gunzip"}}));
  EXPECT_EQ(data["usr/bin/gzip"], "gzip-binary\n");
  EXPECT_EQ(mode["usr/bin/su"], 0104755u);
  EXPECT_EQ(mode["dev/console"], 020600u);
}

TEST(CpioWriter, SameTreeSameBytesForEveryCompression) {
  Tree t = sample_tree();
  t.add_file("usr/lib/big", Content::from_bytes(text_data(1 << 20)));
  for (auto c : {Compression::None, Compression::Zstd, Compression::Xz,
                 Compression::Gzip, Compression::Lz4}) {
    std::string out[2];
    for (std::string &o : out) {
      StringSink sink;
      std::string err;
      auto z = make_compressor(c, -1, 2, &sink, &err);
      ASSERT_TRUE(z) << err;
      ASSERT_TRUE(write_cpio(t, *z, CpioOptions{kEpoch}, &err)) << err;
      ASSERT_TRUE(z->finish(&err)) << err;
      o = sink.data();
    }
    EXPECT_TRUE(out[0] == out[1]) << compression_name(c);
    EXPECT_GT(out[0].size(), 0u);
  }
}

TEST(CpioWriter, StreamsDiskFilesAndNoticesChanges) {
  TempDir dir;
  std::string path = dir.path() + "/blob", err;
  std::string data = text_data(3 << 20);
  ASSERT_TRUE(write_file(path, data, &err));
  Tree t;
  t.add_file("usr/lib/blob", Content::from_disk(path, data.size()));
  std::string a = cpio_of(t);
  EXPECT_NE(a.find(data), std::string::npos);

  ASSERT_TRUE(write_file(path, data.substr(0, 100), &err));
  StringSink sink;
  EXPECT_FALSE(write_cpio(t, sink, {}, &err));
  EXPECT_EQ(err, "usr/lib/blob: " + path +
                     " shrank while being written (expected 3145728 bytes)");
  ASSERT_TRUE(write_file(path, data + "x", &err));
  EXPECT_FALSE(write_cpio(t, sink, {}, &err));
  EXPECT_EQ(err, "usr/lib/blob: " + path +
                     " grew while being written (expected 3145728 bytes)");
}

TEST(CpioWriter, RejectsOverlongPaths) {
  Tree t;
  t.add_file(std::string(5000, 'a'), Content::from_bytes("x"));
  StringSink sink;
  std::string err;
  EXPECT_FALSE(write_cpio(t, sink, {}, &err));
  EXPECT_EQ(err.substr(0, 38), "path is longer than 4095 bytes: aaaaaa");
}

TEST(CpioWriter, FilesArchiveHasParentDirectories) {
  REQUIRE_TOOL("cpio");
  StringSink sink;
  std::string err;
  ASSERT_TRUE(write_cpio_files(
      {{"kernel/x86/microcode/GenuineIntel.bin", "ucode"}}, sink, {}, &err))
      << err;
  RunOptions o;
  o.stdin_data = sink.data();
  RunResult r = run({"cpio", "-t", "--quiet"}, o);
  ASSERT_TRUE(r.ok()) << r.err;
  EXPECT_EQ(r.out, ".\nkernel\nkernel/x86\nkernel/x86/microcode\n"
                   "kernel/x86/microcode/GenuineIntel.bin\n");
  EXPECT_FALSE(write_cpio_files({{"../x", "y"}}, sink, {}, &err));
  EXPECT_EQ(err, "invalid cpio member path '../x'");
}
