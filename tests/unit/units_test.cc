// image/units.cc: [Install] sections and enabling units as systemctl does.
#include "context.h"
#include "image/units.h"
#include "util/fs.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

using namespace initpack;

namespace {

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

} // namespace
