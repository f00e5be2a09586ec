#include "config/config.h"
#include "packages/suites.h"
#include "util/diag.h"
#include "util/fs.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

using Strings = std::vector<std::string>;

class SuitesTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string err;
    ASSERT_TRUE(mkdir_p(root_.path() + "/etc/apt/sources.list.d", &err));
    cfg_.apt_root = root_.path();
  }
  void write(const std::string &name, const std::string &text) {
    std::string err;
    ASSERT_TRUE(write_file(root_.path() + "/etc/apt/" + name, text, &err));
  }
  std::vector<SuiteSource> suites() {
    std::vector<SuiteSource> out;
    std::string err;
    EXPECT_TRUE(configured_suites(diag_, cfg_, &out, &err)) << err;
    return out;
  }

  TempDir root_;
  Config cfg_;
  Diagnostics diag_;
};

const char *kHost = "Types: deb\n"
                    "URIs: http://deb.example/debian/\n"
                    "Suites: bookworm bookworm-updates\n"
                    "Components: main non-free-firmware\n"
                    "Signed-By: /k/archive.gpg\n"
                    "\n"
                    "Types: deb\n"
                    "URIs: http://sec.example/debian-security\n"
                    "Suites: bookworm-security\n"
                    "Components: main\n"
                    "Check-Valid-Until: no\n";

TEST_F(SuitesTest, HostSourcesAsApt) {
  write("sources.list.d/debian.sources", kHost);
  write("sources.list", "deb [arch=arm64] http://arm.example/ x main\n"
                        "deb [trusted=yes] http://unsigned.example/ y main\n");
  std::vector<SuiteSource> s = suites();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].uri, "http://deb.example/debian");
  EXPECT_EQ(s[0].suite, "bookworm");
  EXPECT_EQ(s[0].components, (Strings{"main", "non-free-firmware"}));
  EXPECT_EQ(s[0].keys.keyring_files, Strings{"/k/archive.gpg"});
  EXPECT_EQ(s[0].subpriority, 0);
  EXPECT_TRUE(s[0].check_valid_until);
  EXPECT_EQ(s[1].suite, "bookworm-updates");
  EXPECT_EQ(s[1].subpriority, 1);
  EXPECT_EQ(s[2].uri, "http://sec.example/debian-security");
  EXPECT_EQ(s[2].keys.keyring_files, Strings{kDefaultKeyring});
  EXPECT_EQ(s[2].subpriority, 2);
  EXPECT_FALSE(s[2].check_valid_until);
}

TEST_F(SuitesTest, ReleaseTakesSecurityMirrorFromTheHost) {
  write("sources.list.d/debian.sources", kHost);
  cfg_.mirror = "http://mirror.example/debian";
  cfg_.release = "trixie";
  std::vector<SuiteSource> s = suites();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].uri + " " + s[0].suite, "http://mirror.example/debian trixie");
  EXPECT_EQ(s[0].components, Strings{"main"});
  EXPECT_EQ(s[0].keys.keyring_files, Strings{kDefaultKeyring});
  EXPECT_EQ(s[1].suite, "trixie-updates");
  EXPECT_EQ(s[2].uri + " " + s[2].suite,
            "http://sec.example/debian-security trixie-security");
  EXPECT_FALSE(s[2].check_valid_until); // the host's entry says so
}

TEST_F(SuitesTest, ReleaseAloneUsesTheHostMirrorAndKeys) {
  write("sources.list.d/debian.sources", kHost);
  cfg_.release = "bookworm";
  cfg_.repositories = {"main"};
  std::vector<SuiteSource> s = suites();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s[0].uri, "http://deb.example/debian");
  EXPECT_EQ(s[0].keys.keyring_files, Strings{"/k/archive.gpg"});
  EXPECT_EQ(s[0].components, Strings{"main"});
}

TEST_F(SuitesTest, NoSecurityMirrorKnownWarnsAndSkips) {
  cfg_.mirror = "http://mirror.example/debian";
  cfg_.release = "bookworm";
  cfg_.keyrings = {"/k/mine.gpg"};
  std::vector<SuiteSource> s = suites();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[1].suite, "bookworm-updates");
  EXPECT_EQ(s[1].keys.keyring_files, Strings{"/k/mine.gpg"});
}

TEST_F(SuitesTest, ExplicitSuitesAndErrors) {
  cfg_.mirror = "http://127.0.0.1:1/";
  cfg_.suites = {"stable", "stable-updates"};
  std::vector<SuiteSource> s = suites();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].uri, "http://127.0.0.1:1");
  EXPECT_EQ(s[1].subpriority, 1);

  Config empty;
  empty.apt_root = root_.path();
  std::string err;
  EXPECT_FALSE(configured_suites(diag_, empty, &s, &err));
  EXPECT_EQ(err, "no enabled 'deb' entry for amd64 in " + root_.path() +
                     "/etc/apt/sources.list{,.d}; set Mirror= and Release=");
}

} // namespace
