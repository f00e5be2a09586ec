#include "context.h"
#include "image/sysusers.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

std::vector<SysusersLine> parse(const std::string &text) {
  std::vector<SysusersLine> lines;
  std::string err;
  EXPECT_TRUE(parse_sysusers(text, "test.conf", &lines, &err)) << err;
  return lines;
}

TEST(Sysusers, ParsesQuotedGecosAndDashes) {
  auto l =
      parse("# comment\n\nu systemd-network - \"systemd Network Management\"\n"
            "u root 0 - /root /bin/bash\nm alice wheel\n");
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0].gecos, "systemd Network Management");
  EXPECT_EQ(l[0].id, "-");
  EXPECT_EQ(l[1].home, "/root");
  EXPECT_EQ(l[1].shell, "/bin/bash");
  EXPECT_EQ(l[1].gecos, "");
  EXPECT_EQ(l[2].gecos, "wheel");
  EXPECT_EQ(l[2].where, "test.conf:5");
}

TEST(Sysusers, ErrorsNameFileAndLine) {
  std::vector<SysusersLine> lines;
  std::string err;
  EXPECT_FALSE(parse_sysusers("g ok 5\nx bad\n", "a.conf", &lines, &err));
  EXPECT_EQ(err, "a.conf:2: unknown line type 'x'");
  EXPECT_FALSE(parse_sysusers("u \"open\n", "b.conf", &lines, &err));
  EXPECT_EQ(err, "b.conf:1: unterminated quote");
}

TEST(Sysusers, FixedIdsFirstThenDynamicDownFrom999) {
  auto l = parse("g systemd-journal - -\n"
                 "u systemd-network - \"net\"\n"
                 "g tty 5 -\n"
                 "u root 0 - /root /bin/bash\n"
                 "u sync 4:65534 - /bin /bin/sync\n"
                 "g nogroup 65534 -\n");
  Accounts a;
  std::string err;
  ASSERT_TRUE(allocate_accounts(l, {"kvm", "tty"}, &a, &err)) << err;
  EXPECT_EQ(format_group(a), "root:x:0:\n"
                             "tty:x:5:\n"
                             "kvm:x:997:\n"
                             "systemd-network:x:998:\n"
                             "systemd-journal:x:999:\n"
                             "nogroup:x:65534:\n");
  EXPECT_EQ(format_passwd(a),
            "root:x:0:0::/root:/bin/bash\n"
            "sync:x:4:65534::/bin:/bin/sync\n"
            "systemd-network:x:998:998:net:/:/usr/sbin/nologin\n");
  EXPECT_EQ(format_shadow(a).substr(0, 13), "root::::::::\n"); // 9 fields
}

TEST(Sysusers, UnknownPrimaryGroupIsAnError) {
  auto l = parse("u svc 10:nosuch\n");
  Accounts a;
  std::string err;
  EXPECT_FALSE(allocate_accounts(l, {}, &a, &err));
  EXPECT_EQ(err, "test.conf:1: user svc names unknown group nosuch");
}

TEST(Sysusers, PassReadsTreeAndUdevGroups) {
  Context ctx;
  ctx.tree.add_file("usr/lib/sysusers.d/basic.conf",
                    Content::from_bytes("g shadow 42 -\nu root 0 - /root\n"));
  ctx.tree.add_file("usr/lib/udev/rules.d/50-udev.rules",
                    Content::from_bytes("KERNEL==\"kvm\", GROUP=\"kvm\"\n"));
  create_users(ctx);
  std::string group, err;
  ASSERT_TRUE(ctx.tree.find("etc/group")->inode->content->read(&group, &err));
  EXPECT_EQ(group, "root:x:0:\nshadow:x:42:\nkvm:x:999:\n");
  EXPECT_EQ(ctx.tree.find("etc/shadow")->inode->gid, 42u);
  EXPECT_EQ(ctx.tree.find("etc/shadow")->inode->mode, 0640u);
}

} // namespace
