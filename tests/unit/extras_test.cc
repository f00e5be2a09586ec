// image/extras.cc: ExtraTrees=, ExtraFiles= and RemoveFiles=.
#include "context.h"
#include "image/extras.h"
#include "tree_text.h"
#include "util/fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

using namespace initpack;

namespace {

TEST(Extras, ExtraTreeCopiesFilesLinksAndModes) {
  TempDir src;
  std::string err;
  ASSERT_TRUE(mkdir_p(src.path() + "/etc/cmdline.d", &err));
  ASSERT_TRUE(
      write_file(src.path() + "/etc/cmdline.d/x.conf", "rd.x=1", &err, 0600));
  ASSERT_EQ(symlink("x.conf", (src.path() + "/etc/cmdline.d/y.conf").c_str()),
            0);
  Context ctx;
  ctx.tree.add_dir("etc", 0755);
  ctx.config.extra_trees = {src.path(), src.path() + "/etc:/opt/e"};
  add_extra_trees(ctx);
  EXPECT_EQ(text_of(ctx.tree, "etc/cmdline.d/x.conf"), "rd.x=1");
  EXPECT_EQ(ctx.tree.find("etc/cmdline.d/x.conf")->inode->mode, 0600u);
  EXPECT_EQ(ctx.tree.find("etc")->inode->mode, 0755u); // kept
  EXPECT_EQ(ctx.tree.find("opt/e/cmdline.d/y.conf")->inode->symlink_target,
            "x.conf");
  ctx.config.extra_trees = {"/nonexistent/dir"};
  EXPECT_THROW(add_extra_trees(ctx), FatalError);
}

// --extra-tree /etc/hosts once made the image root that file.
TEST(Extras, AFileLandsAtItsOwnPathOrInsideADirectory) {
  TempDir src;
  std::string err, hosts = src.path() + "/hosts";
  ASSERT_TRUE(write_file(hosts, "127.0.0.1 x\n", &err));
  Context ctx;
  ctx.tree.add_dir("etc", 0755);
  ctx.config.extra_trees = {hosts, hosts + ":/etc", hosts + ":/opt/",
                            hosts + ":/etc/hosts.new"};
  add_extra_trees(ctx);
  std::string own = src.path().substr(1) + "/hosts";
  EXPECT_EQ(text_of(ctx.tree, own), "127.0.0.1 x\n");
  EXPECT_EQ(text_of(ctx.tree, "etc/hosts"), "127.0.0.1 x\n");
  EXPECT_EQ(text_of(ctx.tree, "opt/hosts"), "127.0.0.1 x\n");
  EXPECT_EQ(text_of(ctx.tree, "etc/hosts.new"), "127.0.0.1 x\n");
  EXPECT_EQ(ctx.tree.find("")->inode->type, NodeType::Dir);
}

TEST(Extras, ARelativeFileNeedsATarget) {
  TempDir src;
  std::string err;
  ASSERT_TRUE(write_file(src.path() + "/hosts", "x", &err));
  ASSERT_EQ(chdir(src.path().c_str()), 0);
  Context ctx;
  ctx.config.extra_trees = {"hosts"};
  try {
    add_extra_trees(ctx);
    ADD_FAILURE() << "no error";
  } catch (const FatalError &e) {
    EXPECT_STREQ(e.what(), "ExtraTrees=hosts: hosts is a file: give its place "
                           "in the image as hosts:/PATH");
  }
  ASSERT_EQ(chdir("/"), 0);
}

TEST(Extras, RemoveFilesGlobs) {
  Context ctx;
  ctx.tree.add_file("usr/lib/x86_64-linux-gnu/gconv/UTF-16.so",
                    Content::from_bytes("x"));
  ctx.tree.add_file("usr/lib/x86_64-linux-gnu/libc.so.6",
                    Content::from_bytes("x"));
  ctx.config.remove_files = {"/usr/lib/*/gconv"};
  remove_files(ctx);
  EXPECT_FALSE(ctx.tree.contains("usr/lib/x86_64-linux-gnu/gconv"));
  EXPECT_TRUE(ctx.tree.contains("usr/lib/x86_64-linux-gnu/libc.so.6"));
}

} // namespace
