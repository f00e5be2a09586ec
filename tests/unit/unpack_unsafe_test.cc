// Crafted .debs that try to write outside the image: "../" names, absolute
// names, and a symlink that a later member climbs out through. Each must be
// refused naming the package and the path, by unpack_packages() and by
// unpack_to_directory(), and nothing may be written outside the cache.
#include "packages/unpack.h"

#include "deb_fixture.h"
#include "packages/cache.h"

#include <ftw.h>
#include <gtest/gtest.h>

using namespace initpack;
using test::craft_deb;
using test::CraftedMember;
using test::ref_for;

namespace {

struct Evil {
  std::string name;
  std::vector<CraftedMember> members;
  std::vector<std::string> errors; // each must be reported
  // Each member name is fine on its own, so the unpack cache may keep a
  // manifest; the climb is found when the paths are placed in a tree.
  bool names_are_fine = false;
};

std::vector<Evil> evil_packages() {
  return {
      {"evil-dotdot",
       {{"./", 'd', "", 0755},
        {"./usr/", 'd', "", 0755},
        {"../../etc/evil", 'f', "pwned\n"},
        {"./usr/ok", 'f', "fine\n"},
        {"./usr/hard", 'h', "../../etc/passwd"}},
       {"evil-dotdot: ../../etc/evil: member name contains '..'",
        "evil-dotdot: ./usr/hard: hardlink target '../../etc/passwd': member "
        "name contains '..'"}},
      {"evil-absolute",
       {{"./", 'd', "", 0755}, {"/etc/evil", 'f', "pwned\n"}},
       {"evil-absolute: /etc/evil: absolute member name"}},
      {"evil-symlink",
       {{"./", 'd', "", 0755},
        {"./usr/", 'd', "", 0755},
        {"./usr/x", 'l', "../../.."},
        {"./usr/x/evil", 'f', "pwned\n"}},
       {"evil-symlink: usr/x/evil: 'usr/x' climbs above the root"},
       true},
  };
}

// Every path under `dir`, relative to it.
std::vector<std::string> walk(const std::string &dir) {
  static std::vector<std::string> *out;
  static size_t prefix;
  std::vector<std::string> paths;
  out = &paths;
  prefix = dir.size();
  nftw(
      dir.c_str(),
      [](const char *p, const struct stat *, int, struct FTW *) {
        out->push_back(std::string(p).substr(prefix));
        return 0;
      },
      16, FTW_PHYS);
  return paths;
}

class UnsafeTest : public ::testing::TestWithParam<int> {
protected:
  void SetUp() override {
    evil_ = evil_packages()[GetParam()];
    ctx_.config.cache_directory = cache_dir_;
    std::string err;
    ASSERT_TRUE(mkdir_p(sandbox_.path() + "/debs", &err));
    pkg_ = ref_for(craft_deb(sandbox_.path() + "/debs/" + evil_.name + ".deb",
                             evil_.members),
                   evil_.name);
  }

  // Nothing outside the cache but the .deb itself; nothing named evil.
  void expect_nothing_written() {
    for (const std::string &p : walk(sandbox_.path())) {
      EXPECT_TRUE(p.empty() || p.rfind("/cache", 0) == 0 ||
                  p.rfind("/debs", 0) == 0)
          << p;
      if (p.rfind("/debs", 0) != 0) {
        EXPECT_EQ(p.find("evil", p.rfind('/')), std::string::npos) << p;
      }
    }
    EXPECT_FALSE(file_exists("/etc/evil"));
    PackageCache cache(cache_dir_);
    if (!evil_.names_are_fine) {
      EXPECT_FALSE(file_exists(cache.manifest_path(pkg_.sha256)));
    }
    EXPECT_FALSE(file_exists(cache.tree_path(pkg_.sha256)));
  }

  void expect_reported(const std::string &out) {
    for (const std::string &e : evil_.errors)
      EXPECT_NE(out.find(e), std::string::npos) << "want: " << e << "\n" << out;
  }

  Evil evil_;
  TempDir sandbox_{"initpack-sandbox"};
  std::string cache_dir_ = sandbox_.path() + "/cache";
  Context ctx_;
  PackageRef pkg_;
};

TEST_P(UnsafeTest, RefusedByUnpackPackages) {
  ::testing::internal::CaptureStderr();
  std::string what;
  try {
    unpack_packages(ctx_, {pkg_});
  } catch (const FatalError &e) {
    what = e.what();
  }
  EXPECT_NE(what, "") << "no error";
  expect_reported(::testing::internal::GetCapturedStderr() + what);
  expect_nothing_written();
}

TEST_P(UnsafeTest, RefusedByUnpackToDirectory) {
  ::testing::internal::CaptureStderr();
  std::string what;
  try {
    unpack_to_directory(ctx_, pkg_);
  } catch (const FatalError &e) {
    what = e.what();
  }
  EXPECT_NE(what, "") << "no error";
  expect_reported(::testing::internal::GetCapturedStderr() + what);
  expect_nothing_written();
  EXPECT_EQ(list_dir(cache_dir_ + "/trees"), std::vector<std::string>{})
      << "a temporary directory was left behind";
}

INSTANTIATE_TEST_SUITE_P(Crafted, UnsafeTest, ::testing::Values(0, 1, 2));

} // namespace
