// packages/merge.h: where a package's file lands on a merged-/usr tree.
// (TreeMerger::add_package with real packages is covered in
// unpack_test.cc.)
#include "packages/merge.h"

#include <gtest/gtest.h>

using namespace initpack;

using Strings = std::vector<std::string>;

TEST(Merge, MergedUsrDirsFollowTheDynamicLinker) {
  EXPECT_EQ(merged_usr_dirs("amd64"), (Strings{"bin", "sbin", "lib", "lib64"}));
  EXPECT_EQ(merged_usr_dirs("arm64"), (Strings{"bin", "sbin", "lib"}));
}

namespace {

PackageFile file(const std::string &path, NodeType type = NodeType::File) {
  PackageFile f;
  f.path = path;
  f.type = type;
  return f;
}

} // namespace

TEST(Merge, PlacesFilesThroughTheMergedUsrLinks) {
  Tree tree;
  tree.add_dir("usr/lib");
  tree.add_symlink("lib", "usr/lib");
  std::string out, err;
  ASSERT_TRUE(place_in_tree(tree, file("lib/modules/x.ko"), &out, &err)) << err;
  EXPECT_EQ(out, "usr/lib/modules/x.ko");
  // A directory entry is resolved entirely: "lib" itself means usr/lib.
  ASSERT_TRUE(place_in_tree(tree, file("lib", NodeType::Dir), &out, &err))
      << err;
  EXPECT_EQ(out, "usr/lib");
  ASSERT_TRUE(place_in_tree(tree, file("etc/hostname"), &out, &err)) << err;
  EXPECT_EQ(out, "etc/hostname");
}

TEST(Merge, RefusesAParentThatIsNotADirectory) {
  Tree tree;
  tree.add_file("etc/hostname", Content::from_bytes("h"));
  std::string out, err;
  EXPECT_FALSE(place_in_tree(tree, file("etc/hostname/x"), &out, &err));
  EXPECT_NE(err.find("parent 'etc/hostname' is a"), std::string::npos) << err;
  EXPECT_NE(err.find("not a directory"), std::string::npos) << err;
}
