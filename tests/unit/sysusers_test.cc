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

// systemd 257's grammar as trixie's packages use it (systemd's
// basic.conf, systemd-network.conf, dbus.conf …).
TEST(Sysusers, Systemd257Grammar) {
  auto l = parse("u! systemd-network - \"systemd Network Management\"\n"
                 "u  nobody 65534:65534 \"Kernel Overflow User\" - -\n"
                 "g  adm 4\n"
                 "r  - 500-999\n"
                 "m  systemd-network adm\n"
                 "u  svc -:adm \"100%%\" %T/svc -\n");
  ASSERT_EQ(l.size(), 6u);
  EXPECT_TRUE(l[0].locked);
  EXPECT_FALSE(l[1].locked);
  EXPECT_EQ(l[1].home, "");
  EXPECT_EQ(l[3].type, 'r');
  EXPECT_EQ(l[3].id, "500-999");
  EXPECT_EQ(l[4].gecos, "adm");
  EXPECT_EQ(l[5].id, "-:adm");
  EXPECT_EQ(l[5].gecos, "100%");
  EXPECT_EQ(l[5].home, "/tmp/svc");
}

TEST(Sysusers, SpecifiersComeFromTheImage) {
  std::vector<SysusersLine> l;
  std::string err;
  ASSERT_TRUE(parse_sysusers("u svc - \"%o %w %a\" %T/x\n", "s.conf", &l, &err,
                             {{'o', "debian"}, {'w', "13"}, {'a', "x86-64"}}))
      << err;
  EXPECT_EQ(l[0].gecos, "debian 13 x86-64");
  EXPECT_EQ(l[0].home, "/tmp/x");
  EXPECT_FALSE(parse_sysusers("u svc - \"on %H\"\n", "s.conf", &l, &err));
  EXPECT_EQ(err, "s.conf:1: specifier '%H' in 'on %H' has no value in an "
                 "image build");
  EXPECT_FALSE(parse_sysusers("u svc - x%\n", "s.conf", &l, &err));
  EXPECT_EQ(err, "s.conf:1: '%' at the end of 'x%'");
}

TEST(Sysusers, MalformedLinesNameFileAndLine) {
  struct Case {
    const char *text, *err;
  } cases[] = {
      {"g! grp -\n", "c.conf:1: unknown line type 'g!'"},
      {"u svc 1 - - - extra\n", "c.conf:1: trailing field 'extra'"},
      {"u svc /etc/passwd\n",
       "c.conf:1: ids taken from a file (/etc/passwd) need the running "
       "system; give a number"},
      {"u svc 1:2:3\n", "c.conf:1: invalid id '1:2:3' for type 'u'"},
      {"g grp 5:6\n", "c.conf:1: invalid id '5:6' for type 'g'"},
      {"r - 9-x\n", "c.conf:1: invalid id '9-x' for type 'r'"},
      {"r svc 1-9\n", "c.conf:1: 'r' takes '-' as its name, not 'svc'"},
      {"u 9bad -\n", "c.conf:1: invalid user or group name '9bad'"},
      {"m svc\n", "c.conf:1: 'm' needs a group"},
      {"m svc grp x\n", "c.conf:1: 'm' takes a user and a group, not 'x'"},
  };
  for (const Case &c : cases) {
    std::vector<SysusersLine> lines;
    std::string err;
    EXPECT_FALSE(parse_sysusers(c.text, "c.conf", &lines, &err)) << c.text;
    EXPECT_EQ(err, c.err);
  }
}

TEST(Sysusers, RangesImplicitMembersAndLockedShadow) {
  auto l = parse("r - 500-502\n"
                 "u! svc -\n"
                 "m helper extra\n"
                 "u root 0 - /root\n");
  Accounts a;
  std::string err;
  ASSERT_TRUE(allocate_accounts(l, {}, &a, &err)) << err;
  // Declared ones first (svc: 502), then what `m` implies: its group, then
  // its user with a group of its own.
  EXPECT_EQ(format_group(a), "root:x:0:\nhelper:x:500:\n"
                             "extra:x:501:helper\nsvc:x:502:\n");
  EXPECT_EQ(format_passwd(a), "root:x:0:0::/root:/usr/sbin/nologin\n"
                              "helper:x:500:500::/:/usr/sbin/nologin\n"
                              "svc:x:502:502::/:/usr/sbin/nologin\n");
  EXPECT_EQ(format_shadow(a), "root::::::::\nhelper:!*:::::::\n"
                              "svc:!*::::::1:\n");
}

TEST(Sysusers, RangeExhaustedIsAnError) {
  auto l = parse("r - 500-501\n"
                 "u svc -\n"
                 "m helper extra\n");
  Accounts a;
  std::string err;
  EXPECT_FALSE(allocate_accounts(l, {}, &a, &err));
  EXPECT_EQ(err, "test.conf:3: no free system gid for group helper");
}

} // namespace
