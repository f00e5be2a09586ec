// image/initrd_setup.cc: initrd-release, machine-id and static tmpfiles.
#include "context.h"
#include "image/initrd_setup.h"
#include "tree_text.h"
#include "util/fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

using namespace initpack;

namespace {

TEST(InitrdSetup, InitReleaseAndMachineId) {
  Context ctx;
  ctx.tree.add_file("usr/lib/systemd/systemd", Content::from_bytes("ELF"),
                    0755);
  ctx.tree.add_file("usr/lib/os-release", Content::from_bytes("ID=debian\n"));
  ctx.tree.add_symlink("etc/os-release", "../usr/lib/os-release");
  setup_initrd_basics(ctx);
  EXPECT_EQ(ctx.tree.find("init")->inode->symlink_target,
            "usr/lib/systemd/systemd");
  EXPECT_EQ(text_of(ctx.tree, "etc/initrd-release"),
            "ID=debian\nVARIANT=\"initrd (initpack)\"\nVARIANT_ID=initrd\n");
  EXPECT_EQ(text_of(ctx.tree, "etc/machine-id"), "");
  EXPECT_EQ(ctx.tree.find("etc/machine-id")->inode->mode, 0444u);
}

TEST(InitrdSetup, NoSystemdIsFatal) {
  Context ctx;
  EXPECT_THROW(setup_initrd_basics(ctx), FatalError);
}

TEST(InitrdSetup, StaticTmpfilesOnly) {
  Context ctx;
  ctx.tree.add_file(
      "usr/lib/tmpfiles.d/t.conf",
      Content::from_bytes("L+ /etc/mtab - - - - ../proc/self/mounts\n"
                          "d /var/lib/systemd 0700 - - -\n"
                          "d /run/foo 0755 - - -\n"
                          "d /var/log/journal/%m - - -\n"
                          "L /var/run - - - - ../run\n"));
  apply_static_tmpfiles(ctx);
  EXPECT_EQ(ctx.tree.find("etc/mtab")->inode->symlink_target,
            "../proc/self/mounts");
  EXPECT_EQ(ctx.tree.find("var/lib/systemd")->inode->mode, 0700u);
  EXPECT_EQ(ctx.tree.find("var/run")->inode->symlink_target, "../run");
  EXPECT_FALSE(ctx.tree.contains("run/foo"));
  EXPECT_FALSE(ctx.tree.contains("var/log/journal"));
}

} // namespace
