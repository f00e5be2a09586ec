// packages/deb.h: the member names of a package's data.tar, checked and
// normalised before anything is placed in the tree. (Reading whole .debs is
// covered in unpack_test.cc with packages built by deb_fixture.h.)
#include "packages/deb.h"

#include <gtest/gtest.h>

using namespace initpack;

TEST(Deb, NormalizesMemberNames) {
  std::string out, why;
  ASSERT_TRUE(normalize_member_name("./usr//bin/x", &out, &why));
  EXPECT_EQ(out, "usr/bin/x");
  ASSERT_TRUE(normalize_member_name("./", &out, &why));
  EXPECT_EQ(out, "");
  ASSERT_TRUE(normalize_member_name("usr/lib/..x/y", &out, &why)) << why;
  EXPECT_EQ(out, "usr/lib/..x/y");
}

TEST(Deb, RefusesAbsoluteAndDotDotNames) {
  std::string out, why;
  EXPECT_FALSE(normalize_member_name("/etc/passwd", &out, &why));
  EXPECT_EQ(why, "absolute member name");
  EXPECT_FALSE(normalize_member_name("./usr/../../etc/x", &out, &why));
  EXPECT_EQ(why, "member name contains '..'");
  EXPECT_FALSE(normalize_member_name("..", &out, &why));
  EXPECT_EQ(why, "member name contains '..'");
}
