// Regression tests for what tests/fuzz/decompress.cc found.
#include "codec/decompress.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

bool decode(StreamFormat f, std::string_view in, std::string *err) {
  StreamInfo info;
  return decompress_stream(
      f, in, [](const char *, size_t, std::string *) { return true; }, &info,
      err);
}

// An input shorter than the lz4 magic made the block loop's length check
// underflow and read past the input.
TEST(Decompress, Lz4WithoutItsMagicIsRefused) {
  std::string err;
  for (std::string_view in : {std::string_view(""), std::string_view("\x02"),
                              std::string_view("\x02\x21\x4c")}) {
    EXPECT_FALSE(decode(StreamFormat::Lz4, in, &err));
    EXPECT_EQ(err, "not an lz4 legacy stream (no magic number)");
  }
  EXPECT_TRUE(
      decode(StreamFormat::Lz4, std::string_view("\x02\x21\x4c\x18", 4), &err))
      << err;
}

// A .lzma header asking for a 4 GiB dictionary made liblzma allocate it
// (the fuzzer's out-of-memory): the decoder's memory is capped.
TEST(Decompress, LzmaHugeDictionaryIsRefused) {
  const unsigned char in[] = {0x5d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                              0xff, 0x00, 0x32, 0x19, 0x58, 0x49, 0xee,
                              0x8d, 0xe9, 0x4f, 0x7e, 0x21, 0xb6, 0x20,
                              0xb7, 0xff, 0xff, 0xba, 0x34, 0x00, 0x00};
  std::string err;
  EXPECT_FALSE(decode(
      StreamFormat::Lzma,
      std::string_view(reinterpret_cast<const char *>(in), sizeof in), &err));
  EXPECT_EQ(err, "needs more than 256 MiB to decode");
}

} // namespace
