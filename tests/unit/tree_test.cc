#include "image/tree.h"

#include <gtest/gtest.h>

using namespace initpack;

TEST(Tree, NormalizeCleansAndRejectsClimbing) {
  std::string out;
  ASSERT_TRUE(Tree::normalize("/usr//bin/./bash/", &out));
  EXPECT_EQ(out, "usr/bin/bash");
  ASSERT_TRUE(Tree::normalize("./a/b/../c", &out));
  EXPECT_EQ(out, "a/c");
  EXPECT_FALSE(Tree::normalize("../etc/passwd", &out));
  EXPECT_FALSE(Tree::normalize("a/../../b", &out));
}

TEST(Tree, AddCreatesParentsAndRemoveTakesChildren) {
  Tree t;
  t.add_file("usr/bin/bash", Content::from_bytes("x"), 0755, "bash");
  ASSERT_NE(t.find("usr"), nullptr);
  EXPECT_EQ(t.find("usr")->inode->type, NodeType::Dir);
  t.add_file("usr-x", Content::from_bytes("y"));
  EXPECT_EQ(t.remove("usr"), 3u);
  EXPECT_TRUE(t.contains("usr-x"));
  EXPECT_FALSE(t.contains("usr/bin/bash"));
}

TEST(Tree, ResolvesMergedUsrLinks) {
  Tree t;
  t.add_dir("usr/bin");
  t.add_symlink("bin", "usr/bin");
  t.add_symlink("usr/bin/sh", "dash");
  t.add_file("usr/bin/dash", Content::from_bytes("d"));
  std::string out, err;
  ASSERT_TRUE(t.resolve("bin/sh", false, &out, &err)) << err;
  EXPECT_EQ(out, "usr/bin/sh");
  ASSERT_TRUE(t.resolve("/bin/sh", true, &out, &err)) << err;
  EXPECT_EQ(out, "usr/bin/dash");
  t.add_symlink("lib", "/usr/lib");
  ASSERT_TRUE(t.resolve("lib/x", true, &out, &err)) << err;
  EXPECT_EQ(out, "usr/lib/x");
}

TEST(Tree, ResolveRejectsEscapeAndLoops) {
  Tree t;
  t.add_symlink("etc/evil", "../../../tmp");
  std::string out, err;
  EXPECT_FALSE(t.resolve("etc/evil/x", false, &out, &err));
  EXPECT_NE(err.find("climbs above the root"), std::string::npos) << err;
  t.add_symlink("a", "b");
  t.add_symlink("b", "a");
  EXPECT_FALSE(t.resolve("a/x", false, &out, &err));
  EXPECT_NE(err.find("too many levels"), std::string::npos) << err;
}

TEST(Tree, HardlinksShareOneInode) {
  Tree t;
  t.add_file("a", Content::from_bytes("hello"), 04755, "p");
  std::string err;
  ASSERT_TRUE(t.add_hardlink("b", "a", "p", &err));
  EXPECT_EQ(t.find("a")->inode, t.find("b")->inode);
  EXPECT_EQ(t.content_bytes(), 5u);
  EXPECT_FALSE(t.add_hardlink("c", "missing", "p", &err));
}

TEST(Tree, RemoveGlobMatchesWithinOneComponent) {
  Tree t;
  t.add_file("usr/share/doc/a/copyright", Content::from_bytes("c"));
  t.add_file("usr/share/locale/de/x.mo", Content::from_bytes("m"));
  t.add_file("usr/share/man/man1/ls.1.gz", Content::from_bytes("m"));
  EXPECT_EQ(t.remove_glob("/usr/share/locale/*"), 2u);
  EXPECT_EQ(t.remove_glob("/usr/share/doc"), 3u);
  EXPECT_TRUE(t.contains("usr/share/man/man1/ls.1.gz"));
  EXPECT_EQ(t.remove_glob("/usr/*/man1"), 0u); // '*' does not cross '/'
}
