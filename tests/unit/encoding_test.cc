// config/encoding.cc: format and compression names, the per-format
// defaults and the level ranges, decided once.
#include "config/encoding.h"

#include <gtest/gtest.h>
#include <lz4hc.h>
#include <zstd.h>

using namespace initpack;

namespace {

struct Resolved {
  bool ok;
  Encoding encoding;
  std::string key, err;
};

Resolved resolve(Format f, std::optional<Compression> c, int level,
                 bool hostonly = false) {
  Resolved r;
  r.ok = resolve_encoding(f, hostonly, c, level, &r.encoding, &r.key, &r.err);
  return r;
}

} // namespace

TEST(Encoding, NamesRoundTrip) {
  for (Format f : {Format::Cpio, Format::Erofs, Format::Uki, Format::Sysext,
                   Format::Confext}) {
    Format back;
    ASSERT_TRUE(parse_format(format_name(f), &back)) << format_name(f);
    EXPECT_EQ(back, f);
  }
  for (Compression c : {Compression::None, Compression::Zstd, Compression::Xz,
                        Compression::Gzip, Compression::Lz4}) {
    Compression back;
    ASSERT_TRUE(parse_compression(compression_name(c), &back));
    EXPECT_EQ(back, c);
  }
  Compression c;
  ASSERT_TRUE(parse_compression("gz", &c));
  EXPECT_EQ(c, Compression::Gzip);
  EXPECT_FALSE(parse_compression("bzip2", &c));
  Format f;
  EXPECT_FALSE(parse_format("tar", &f));
}

// The ranges are the libraries' own.
TEST(Encoding, RangesAreTheLibraries) {
  int min, max;
  ASSERT_TRUE(compression_level_range(Compression::Zstd, &min, &max));
  EXPECT_EQ(max, ZSTD_maxCLevel());
  ASSERT_TRUE(compression_level_range(Compression::Lz4, &min, &max));
  EXPECT_EQ(max, LZ4HC_CLEVEL_MAX);
  EXPECT_FALSE(compression_level_range(Compression::None, &min, &max));
}

TEST(Encoding, PerFormatDefaults) {
  Resolved cpio = resolve(Format::Cpio, std::nullopt, -1);
  ASSERT_TRUE(cpio.ok);
  EXPECT_EQ(cpio.encoding.compression, Compression::Zstd);
  EXPECT_EQ(cpio.encoding.level, 3);
  EXPECT_EQ(resolve(Format::Uki, std::nullopt, -1).encoding.compression,
            Compression::Zstd);
  for (Format f : {Format::Erofs, Format::Sysext, Format::Confext}) {
    Resolved r = resolve(f, std::nullopt, -1);
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.encoding.compression, Compression::None);
    EXPECT_EQ(r.encoding.level, 0);
  }
}

// zstd's default level follows the mode: 3 for a generic image (a fast
// warm build), 18 for a hostonly one (no larger than dracut's). Only the
// default moves: a level that is set is kept, and the other compressors'
// defaults do not depend on the mode.
TEST(Encoding, ZstdDefaultLevelPerMode) {
  for (Format f : {Format::Cpio, Format::Uki}) {
    Resolved generic = resolve(f, std::nullopt, -1, false);
    Resolved hostonly = resolve(f, std::nullopt, -1, true);
    ASSERT_TRUE(generic.ok && hostonly.ok) << format_name(f);
    EXPECT_EQ(generic.encoding.compression, Compression::Zstd);
    EXPECT_EQ(generic.encoding.level, 3) << format_name(f);
    EXPECT_EQ(hostonly.encoding.compression, Compression::Zstd);
    EXPECT_EQ(hostonly.encoding.level, 18) << format_name(f);
    EXPECT_EQ(resolve(f, Compression::Zstd, -1, true).encoding.level, 18);
    EXPECT_EQ(resolve(f, Compression::Zstd, 5, true).encoding.level, 5);
  }
  EXPECT_EQ(resolve(Format::Cpio, Compression::Xz, -1, true).encoding.level, 6);
  EXPECT_EQ(resolve(Format::Cpio, Compression::Xz, -1, false).encoding.level,
            0);
  EXPECT_EQ(resolve(Format::Cpio, Compression::Xz, 6, false).encoding.level, 6);
  EXPECT_EQ(resolve(Format::Cpio, Compression::Lz4, -1, true).encoding.level,
            9);
  EXPECT_EQ(resolve(Format::Cpio, Compression::Gzip, -1, true).encoding.level,
            6);
  Resolved erofs = resolve(Format::Erofs, std::nullopt, -1, true);
  ASSERT_TRUE(erofs.ok);
  EXPECT_EQ(erofs.encoding.compression, Compression::None);
  EXPECT_EQ(erofs.encoding.level, 0);
}

// lz4 without a level is LZ4HC 9 for every format (it was plain LZ4 for
// EROFS and LZ4HC 9 for cpio).
TEST(Encoding, Lz4DefaultIsTheSameEverywhere) {
  for (Format f : {Format::Cpio, Format::Uki, Format::Erofs, Format::Sysext}) {
    Resolved r = resolve(f, Compression::Lz4, -1);
    ASSERT_TRUE(r.ok) << format_name(f);
    EXPECT_EQ(r.encoding.level, 9) << format_name(f);
  }
  EXPECT_EQ(resolve(Format::Erofs, Compression::Lz4, 1).encoding.level, 1);
}

TEST(Encoding, ErrorsNameTheSetting) {
  Resolved r = resolve(Format::Cpio, Compression::Gzip, 12);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.key, "CompressLevel");
  EXPECT_EQ(r.err, "level 12 is out of range for gzip (1-9)");
  r = resolve(Format::Erofs, Compression::Lz4, 13);
  EXPECT_EQ(r.key, "CompressLevel");
  EXPECT_EQ(r.err, "level 13 is out of range for lz4 (1-12)");
  r = resolve(Format::Sysext, Compression::Zstd, -1);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.key, "CompressOutput");
  EXPECT_EQ(r.err, "zstd cannot compress an EROFS image (Linux 6.1 reads "
                   "LZ4 only); use lz4 or none");
  EXPECT_TRUE(resolve(Format::Cpio, Compression::Xz, 0).ok);
  EXPECT_TRUE(resolve(Format::Cpio, Compression::None, 30).ok);
}
