#include "cli/roff.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

std::string body(std::string_view markdown) {
  std::string page =
      markdown_to_man({"x", "1", "initpack 0", "M", "2026-01-02"}, markdown);
  return page.substr(page.find('\n', page.find(".TH")) + 1);
}

TEST(Roff, TitleLineHasNameSectionDateAndSource) {
  std::string page = markdown_to_man(
      {"initpack.conf", "5", "initpack 0.1.0", "File Formats", "2026-12-03"},
      "");
  EXPECT_NE(page.find(".TH \"INITPACK.CONF\" \"5\" \"2026-12-03\" "
                      "\"initpack 0.1.0\" \"File Formats\"\n"),
            std::string::npos)
      << page;
}

TEST(Roff, HeadingsParagraphsAndInlineCode) {
  EXPECT_EQ(body("% t(1)\n%\n<!-- a\ncomment -->\n# NAME\n\nx — y\n\n"
                 "## Sub part\n\nUse `--no-hwdb` or **bold**, x86-64 and "
                 "--suite.\nSecond line.\n\nNew \\*para\\*.\n"),
            // NAME's dash is the "\-" whatis(1) reads.
            ".SH NAME\nx \\- y\n.SS \"Sub part\"\n"
            "Use \\fB\\-\\-no\\-hwdb\\fR or \\fBbold\\fR, x86-64 and "
            "\\-\\-suite.\nSecond line.\n.PP\nNew *para*.\n");
}

TEST(Roff, DefinitionListsAndTheirParagraphs) {
  EXPECT_EQ(body("# S\n\n`Key=`, `--key=V`\n:   Help text\n    more.\n\n"
                 "    Type: string.\n\nAfter.\n"),
            ".SH S\n.TP\n\\fBKey=\\fR, \\fB\\-\\-key=V\\fR\nHelp text\nmore.\n"
            ".IP\nType: string.\n.PP\nAfter.\n");
}

TEST(Roff, NumberedItemsAndCodeBlocks) {
  EXPECT_EQ(body("Text\n\n1. One\n   continued.\n2. Two\n\n```ini\n"
                 "[S]\n.dot\\x\n```\n"),
            "Text\n.IP 1. 4\nOne\ncontinued.\n.IP 2. 4\nTwo\n.PP\n.RS 4\n.nf\n"
            "[S]\n\\&.dot\\ex\n.fi\n.RE\n");
}

TEST(Roff, LinesThatWouldBeRequestsAreEscapedAndLongLinesBroken) {
  EXPECT_EQ(body("'quoted' text\n"), "\\&'quoted' text\n");
  // Broken at the last space before column 80: the next line starts with
  // the '.' and is escaped.
  std::string out = body(std::string(76, 'a') + " .end " + "b\n");
  EXPECT_EQ(out, std::string(76, 'a') + "\n\\&.end b\n");
  std::string words;
  for (int i = 0; i < 30; i++)
    words += "word" + std::to_string(i) + " ";
  out = body(words + "\n");
  size_t start = 0;
  for (size_t nl; (nl = out.find('\n', start)) != std::string::npos;
       start = nl + 1)
    EXPECT_LE(nl - start, 80u) << out;
}

} // namespace
