#include "image/tmpfiles.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

// Lines as trixie's systemd 257 packages ship them.
TEST(Tmpfiles, ParsesSystemd257Lines) {
  std::vector<TmpfilesLine> l;
  std::string err;
  ASSERT_TRUE(parse_tmpfiles("# comment\n"
                             "\n"
                             "L+ /etc/mtab - - - - ../proc/self/mounts\n"
                             "d$ /var/lib/x 0700 root root -\n"
                             "h /var/log/journal/%m - - - - +C\n"
                             "Q /var/lib/machines 0700 - - -\n"
                             "d %S/private 0700\n"
                             "z /var/log/wtmp ~0664 root utmp\n"
                             "f^ /etc/issue - - - - login.issue\n"
                             "w- /proc/sys/kernel/a - - - - \"two words\"\n",
                             "t.conf", &l, &err))
      << err;
  ASSERT_EQ(l.size(), 8u);
  EXPECT_EQ(l[0].type, 'L');
  EXPECT_EQ(l[0].modifiers, "+");
  EXPECT_EQ(l[0].argument, "../proc/self/mounts");
  EXPECT_EQ(l[1].modifiers, "$");
  EXPECT_EQ(l[1].mode, "0700");
  EXPECT_TRUE(l[2].needs_machine);
  EXPECT_FALSE(l[3].needs_machine);
  EXPECT_EQ(l[3].age, "-");
  EXPECT_EQ(l[4].path, "/var/lib/private");
  EXPECT_EQ(l[4].user, "-");
  EXPECT_EQ(l[5].mode, "~0664");
  EXPECT_EQ(l[7].argument, "\"two words\"");
  EXPECT_EQ(l[7].where, "t.conf:10");
}

TEST(Tmpfiles, MalformedLinesNameFileAndLine) {
  struct Case {
    const char *text, *err;
  } cases[] = {
      {"d /ok\nY /x\n", "u.conf:2: unknown line type 'Y'"},
      {"d? /x\n", "u.conf:1: unknown line type 'd?'"},
      {"d\n", "u.conf:1: missing path"},
      {"d var/x\n", "u.conf:1: path 'var/x' is not absolute"},
      {"d /x 9755\n", "u.conf:1: invalid mode '9755'"},
      {"d /%j\n", "u.conf:1: unknown specifier '%j' in '/%j'"},
      {"d /x%\n", "u.conf:1: '%' at the end of '/x%'"},
      {"d \"/x\n", "u.conf:1: unterminated quote"},
  };
  for (const Case &c : cases) {
    std::vector<TmpfilesLine> lines;
    std::string err;
    EXPECT_FALSE(parse_tmpfiles(c.text, "u.conf", &lines, &err)) << c.text;
    EXPECT_EQ(err, c.err);
  }
}

} // namespace
