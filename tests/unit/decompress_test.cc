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

} // namespace
