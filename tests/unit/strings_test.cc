#include "util/strings.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

TEST(EscapeName, ControlCharactersAreEscapedAsLsB) {
  EXPECT_EQ(escape_name("usr/bin/tool"), "usr/bin/tool");
  EXPECT_EQ(escape_name("a b/ü"), "a b/ü");
  // A newline would forge a listing line; ESC would drive the terminal.
  EXPECT_EQ(escape_name("x\n-rwsr-xr-x 1 0 0 usr/bin/su"),
            "x\\n-rwsr-xr-x 1 0 0 usr/bin/su");
  EXPECT_EQ(escape_name("\x1b[2Jclear"), "\\033[2Jclear");
  EXPECT_EQ(escape_name("tab\there\r\x7f"), "tab\\there\\r\\177");
  EXPECT_EQ(escape_name("back\\slash"), "back\\\\slash");
  // U+009B (CSI in the C1 range), UTF-8 encoded.
  EXPECT_EQ(escape_name("a\xc2\x9b"
                        "b"),
            "a\\302\\233b");
  EXPECT_EQ(escape_name(std::string_view("nul\0x", 5)), "nul\\000x");
}

} // namespace

namespace initpack {
namespace {

TEST(Strings, ToHexWritesTwoLowerCaseDigitsPerByte) {
  EXPECT_EQ(to_hex(""), "");
  EXPECT_EQ(to_hex(std::string_view("\x00\x01\xab\xff", 4)), "0001abff");
}

} // namespace
} // namespace initpack
