#include "codec/compress.h"
#include "output_test_util.h"

#include <gtest/gtest.h>

using namespace initpack;
using namespace initpack::testing;

TEST(Compress, ParsesNames) {
  Compression c;
  ASSERT_TRUE(parse_compression("gz", &c));
  EXPECT_EQ(c, Compression::Gzip);
  ASSERT_TRUE(parse_compression("lz4", &c));
  EXPECT_EQ(compression_name(c), "lz4");
  for (auto name : {"none", "zstd", "xz", "gzip"}) {
    ASSERT_TRUE(parse_compression(name, &c)) << name;
    EXPECT_EQ(compression_name(c), name == std::string("gz") ? "gzip" : name);
  }
  EXPECT_FALSE(parse_compression("bzip2", &c));
  EXPECT_FALSE(parse_compression("ZSTD", &c));
}

TEST(Compress, RejectsLevelOutOfRange) {
  StringSink out;
  std::string err;
  EXPECT_EQ(make_compressor(Compression::Zstd, 30, 1, &out, &err), nullptr);
  EXPECT_EQ(err, "zstd compression level 30 is out of range 1..22");
  EXPECT_EQ(make_compressor(Compression::Xz, 10, 1, &out, &err), nullptr);
  EXPECT_EQ(err, "xz compression level 10 is out of range 0..9");
  EXPECT_EQ(make_compressor(Compression::Lz4, 0, 1, &out, &err), nullptr);
  EXPECT_EQ(err, "lz4 compression level 0 is out of range 1..12");
}

TEST(Compress, NonePassesBytesThrough) {
  std::string data = text_data(1000);
  EXPECT_EQ(compress_to_string(Compression::None, data), data);
}

// Each stream is checked and decoded by the format's own command-line tool.
class CompressTool : public ::testing::Test {
protected:
  // Writes `data` compressed to a file and returns its path.
  std::string write_compressed(Compression c, const std::string &data,
                               int level = -1) {
    std::string path =
                    dir_.path() + "/data." + std::string(compression_name(c)),
                err;
    EXPECT_TRUE(write_file(path, compress_to_string(c, data, level), &err));
    return path;
  }
  // `tool args… path` must succeed and print exactly `data`.
  void expect_decodes(const std::vector<std::string> &cmd,
                      const std::string &data) {
    RunResult r = run(cmd);
    ASSERT_TRUE(r.ok()) << shell_quote(cmd) << ": " << r.err;
    EXPECT_EQ(r.out.size(), data.size());
    EXPECT_TRUE(r.out == data) << shell_quote(cmd) << " decoded other bytes";
  }
  TempDir dir_;
};

TEST_F(CompressTool, ZstdIsValidWithChecksum) {
  REQUIRE_TOOL("zstd");
  std::string data = text_data(3 << 20);
  std::string path = write_compressed(Compression::Zstd, data);
  EXPECT_TRUE(run({"zstd", "-q", "-t", path}).ok());
  expect_decodes({"zstd", "-q", "-d", "-c", path}, data);
  RunResult info = run({"zstd", "-lv", path});
  EXPECT_NE(info.out.find("Check: XXH64"), std::string::npos) << info.out;
}

TEST_F(CompressTool, XzUsesCrc32AndX86Filter) {
  REQUIRE_TOOL("xz");
  std::string data = text_data(3 << 20);
  std::string path = write_compressed(Compression::Xz, data, 1);
  EXPECT_TRUE(run({"xz", "-t", path}).ok());
  expect_decodes({"xz", "-d", "-c", path}, data);
  RunResult info = run({"xz", "--robot", "-lvv", path});
  ASSERT_TRUE(info.ok()) << info.err;
  EXPECT_NE(info.out.find("\tCRC32\t"), std::string::npos) << info.out;
  EXPECT_EQ(info.out.find("CRC64"), std::string::npos) << info.out;
  EXPECT_NE(info.out.find("--x86 --lzma2"), std::string::npos) << info.out;
}

TEST_F(CompressTool, GzipIsValidWithZeroMtime) {
  REQUIRE_TOOL("gzip");
  std::string data = text_data(1 << 20);
  std::string path = write_compressed(Compression::Gzip, data);
  EXPECT_TRUE(run({"gzip", "-t", path}).ok());
  expect_decodes({"gzip", "-d", "-c", path}, data);
  std::string bytes, err;
  ASSERT_TRUE(read_file(path, &bytes, &err));
  EXPECT_EQ(bytes.substr(0, 3), std::string("\x1f\x8b\x08", 3));
  EXPECT_EQ(bytes.substr(4, 4), std::string(4, '\0')) << "mtime must be 0";
}

TEST_F(CompressTool, Lz4WritesTheLegacyFrame) {
  REQUIRE_TOOL("lz4");
  // 20 MiB: two full 8 MiB blocks and a partial one.
  std::string data = text_data(20 << 20);
  std::string path = write_compressed(Compression::Lz4, data, 1);
  expect_decodes({"lz4", "-d", "-c", path}, data);
  std::string bytes, err;
  ASSERT_TRUE(read_file(path, &bytes, &err));
  EXPECT_EQ(bytes.substr(0, 4), std::string("\x02\x21\x4c\x18", 4));
  // Walk the blocks: le32 size, then that many bytes; exactly three.
  size_t pos = 4, blocks = 0;
  while (pos + 4 <= bytes.size()) {
    uint32_t n = uint8_t(bytes[pos]) | uint8_t(bytes[pos + 1]) << 8 |
                 uint8_t(bytes[pos + 2]) << 16 |
                 uint32_t(uint8_t(bytes[pos + 3])) << 24;
    pos += 4 + n;
    blocks++;
  }
  EXPECT_EQ(pos, bytes.size());
  EXPECT_EQ(blocks, 3u);
}

// The same input gives the same bytes whatever the thread count: images
// built on a 2-core and a 64-core machine must match.
TEST(Compress, OutputDoesNotDependOnThreads) {
  std::string data = text_data(12 << 20, 7);
  struct Case {
    Compression c;
    int level;
  } cases[] = {{Compression::Zstd, 3},
               {Compression::Xz, 0},
               {Compression::Lz4, 1},
               {Compression::Gzip, 1}};
  for (const Case &k : cases) {
    std::string one = compress_to_string(k.c, data, k.level, 1);
    for (int threads : {2, 3}) {
      std::string many = compress_to_string(k.c, data, k.level, threads);
      EXPECT_TRUE(one == many) << compression_name(k.c) << " with " << threads
                               << " threads differs (" << one.size() << " vs "
                               << many.size() << " bytes)";
    }
  }
}
