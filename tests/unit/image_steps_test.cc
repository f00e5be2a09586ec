#include "context.h"
#include "image/extras.h"
#include "image/initrd_setup.h"
#include "image/units.h"
#include "util/fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

using namespace initpack;

namespace {

std::string text_of(const Tree &t, const std::string &path) {
  std::string data, err;
  EXPECT_TRUE(t.find(path)->inode->content->read(&data, &err)) << err;
  return data;
}

TEST(Units, ParsesInstallSectionOnly) {
  InstallSection s = parse_install_section(
      "[Unit]\nWantedBy=wrong.target\n[Install]\nWantedBy=a.target b.target\n"
      "RequiredBy = c.target\nAlias=x.service\nAlso=y.socket\n"
      "DefaultInstance=tty1\n");
  EXPECT_EQ(s.wanted_by, (std::vector<std::string>{"a.target", "b.target"}));
  EXPECT_EQ(s.required_by, (std::vector<std::string>{"c.target"}));
  EXPECT_EQ(s.alias, (std::vector<std::string>{"x.service"}));
  EXPECT_EQ(s.also, (std::vector<std::string>{"y.socket"}));
  EXPECT_EQ(s.default_instance, "tty1");
}

TEST(Units, EnablesLikeSystemctlIncludingAlso) {
  Context ctx;
  ctx.tree.add_file("usr/lib/systemd/system/net.service",
                    Content::from_bytes("[Install]\nWantedBy=initrd.target\n"
                                        "Also=net.socket\n"));
  ctx.tree.add_file(
      "usr/lib/systemd/system/net.socket",
      Content::from_bytes("[Install]\nWantedBy=sockets.target\n"));
  ctx.config.enable_units = {"net.service"};
  enable_units(ctx);
  const Entry *e =
      ctx.tree.find("etc/systemd/system/initrd.target.wants/net.service");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->inode->symlink_target, "/usr/lib/systemd/system/net.service");
  EXPECT_NE(ctx.tree.find("etc/systemd/system/sockets.target.wants/net.socket"),
            nullptr);
}

TEST(Units, TemplateGetsDefaultInstance) {
  Context ctx;
  ctx.tree.add_file("usr/lib/systemd/system/getty@.service",
                    Content::from_bytes("[Install]\nWantedBy=getty.target\n"
                                        "DefaultInstance=tty1\n"));
  ctx.config.enable_units = {"getty@.service"};
  enable_units(ctx);
  EXPECT_NE(
      ctx.tree.find("etc/systemd/system/getty.target.wants/getty@tty1.service"),
      nullptr);
}

TEST(Units, MissingUnitIsFatalNamingTheSetting) {
  Context ctx;
  ctx.config.enable_units = {"nope.service"};
  try {
    enable_units(ctx);
    FAIL();
  } catch (const FatalError &e) {
    EXPECT_EQ(std::string(e.what()),
              "EnableUnits=nope.service: no such unit in the image (is its "
              "package in Packages=?)");
  }
}

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
