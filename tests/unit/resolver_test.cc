// The resolver on in-memory archives: the choices apt would make, the
// explanations, the problems, and what survives the .solv cache.
#include "packages/index.h"
#include "packages/pool.h"
#include "packages/resolver.h"
#include "util/fs.h"
#include "util/strings.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

// One Packages paragraph; `extra` holds more fields, one per line.
std::string pkg(const std::string &name, const std::string &version,
                const std::string &extra = "",
                const std::string &arch = "amd64") {
  std::string sha(64, static_cast<char>('a' + name.size() % 6));
  return "Package: " + name + "\nVersion: " + version +
         "\nArchitecture: " + arch + "\n" + extra + "Filename: pool/main/" +
         name + "_" + version + "_" + arch +
         ".deb\nSize: " + std::to_string(1000 + name.size()) +
         "\nInstalled-Size: 42\nSHA256: " + sha + "\nDescription: " + name +
         "\n a long description\n .\n more\n\n";
}

const std::string kStable =
    pkg("app", "1.0",
        "Pre-Depends: base-pre\n"
        "Depends: libfoo (>= 1.2), zeta | alpha, mail-transport-agent\n"
        "Recommends: extra\n") +
    pkg("base-pre", "1.0") + pkg("libfoo", "1.0") + pkg("zeta", "1.0") +
    pkg("alpha", "1.0") +
    pkg("tiny-mta", "1.0", "Provides: mail-transport-agent\n") +
    pkg("big-mta", "1.0", "Provides: mail-transport-agent\n") +
    pkg("extra", "1.0") + pkg("ess", "1.0", "Essential: yes\n") +
    pkg("conflicting", "1.0", "Conflicts: app\n") +
    pkg("needs-missing", "1.0", "Depends: does-not-exist\n") +
    pkg("shared", "2.0") + pkg("newer-elsewhere", "1.0") +
    pkg("only-provider", "1.0", "Provides: virtual-one\n") +
    pkg("netmgr", "1.0", "Depends: policy-daemon, libfoo\n") +
    pkg("policy-daemon", "1.0", "Depends: libjs, libfoo\n") +
    pkg("libjs", "1.0");
const std::string kUpdates = pkg("libfoo", "1.3") + pkg("shared", "2.0");
const std::string kBackports =
    pkg("newer-elsewhere", "9.0") + pkg("only-in-backports", "1.0");

class ResolverTest : public ::testing::Test {
protected:
  void SetUp() override { load(false); }

  void load(bool updates_first) {
    archive_ = std::make_unique<Archive>("amd64");
    std::string err;
    auto add = [&](const std::string &text, const char *base, const char *suite,
                   int sub, bool not_auto) {
      ASSERT_NE(archive_->add_packages_text(text, {base, suite, "main"}, sub,
                                            not_auto, &err),
                nullptr)
          << err;
    };
    if (updates_first)
      add(kUpdates, "http://u", "stable-updates", 1, false);
    add(kStable, "http://s", "stable", 0, false);
    if (!updates_first)
      add(kUpdates, "http://u", "stable-updates", 1, false);
    add(kBackports, "http://b", "stable-backports", 0, true);
    archive_->prepare();
  }

  std::vector<PackageRef> ok(const std::vector<std::string> &wanted) {
    std::string err;
    EXPECT_TRUE(resolve(*archive_, wanted, opts_, &res_, &err)) << err;
    return res_.packages;
  }
  std::string fails(const std::vector<std::string> &wanted) {
    std::string err;
    EXPECT_FALSE(resolve(*archive_, wanted, opts_, &res_, &err));
    return err;
  }
  static std::string names(const std::vector<PackageRef> &set) {
    std::string r;
    for (const PackageRef &p : set)
      r += (r.empty() ? "" : " ") + p.name + "=" + p.version;
    return r;
  }
  static const PackageRef &find(const std::vector<PackageRef> &set,
                                const std::string &name) {
    for (const PackageRef &p : set)
      if (p.name == name)
        return p;
    static PackageRef none;
    ADD_FAILURE() << name << " not in the set";
    return none;
  }

  std::unique_ptr<Archive> archive_;
  ResolveOptions opts_;
  ResolveResult res_;
};

TEST_F(ResolverTest, ChoosesAsAptDoes) {
  std::vector<PackageRef> set = ok({"app"});
  // zeta (first alternative) although libsolv alone prefers alpha by name;
  // the newest libfoo; no Recommends, no Essential package.
  EXPECT_EQ(names(set), "app=1.0 base-pre=1.0 big-mta=1.0 libfoo=1.3 "
                        "zeta=1.0");
  EXPECT_EQ(res_.rounds, 2);
  EXPECT_EQ(find(set, "app").why, "requested");
  EXPECT_EQ(find(set, "base-pre").why, "Pre-Depends of app: base-pre");
  EXPECT_EQ(find(set, "libfoo").why, "Depends of app: libfoo (>= 1.2)");
  EXPECT_EQ(find(set, "zeta").why,
            "Depends of app: first alternative of zeta | alpha");
  EXPECT_EQ(find(set, "big-mta").why,
            "Depends of app: mail-transport-agent (provided by big-mta)");
  EXPECT_EQ(find(set, "libfoo").url, "http://u/pool/main/libfoo_1.3_amd64.deb");
}

TEST_F(ResolverTest, RemovedFirstAlternativeFallsToTheSecond) {
  opts_.remove = {"zeta", "big-mta"};
  std::vector<PackageRef> set = ok({"app"});
  EXPECT_EQ(names(set), "alpha=1.0 app=1.0 base-pre=1.0 libfoo=1.3 "
                        "tiny-mta=1.0");
  EXPECT_EQ(find(set, "alpha").why,
            "Depends of app: second alternative of zeta | alpha");
}

TEST_F(ResolverTest, RecommendsOnRequest) {
  opts_.with_recommends = true;
  std::vector<PackageRef> set = ok({"app"});
  EXPECT_EQ(find(set, "extra").why, "Recommends of app: extra");
}

TEST_F(ResolverTest, SameVersionComesFromTheHigherSubpriorityInAnyOrder) {
  EXPECT_EQ(ok({"shared"})[0].url, "http://u/pool/main/shared_2.0_amd64.deb");
  load(true);
  EXPECT_EQ(ok({"shared"})[0].url, "http://u/pool/main/shared_2.0_amd64.deb");
}

TEST_F(ResolverTest, NotAutomaticSuitesOnlyFillGaps) {
  std::vector<PackageRef> set = ok({"newer-elsewhere", "only-in-backports"});
  EXPECT_EQ(names(set), "newer-elsewhere=1.0 only-in-backports=1.0");
}

TEST_F(ResolverTest, ExactVersionsAndVirtualPackages) {
  EXPECT_EQ(names(ok({"libfoo=1.0"})), "libfoo=1.0");
  std::vector<PackageRef> set = ok({"virtual-one"});
  EXPECT_EQ(names(set), "only-provider=1.0");
  EXPECT_EQ(set[0].why, "requested");
  EXPECT_EQ(fails({"libfoo=2.0", "nosuch"}),
            "no version 2.0 of package libfoo (available: 1.0, 1.3)\n"
            "unknown package nosuch");
  EXPECT_EQ(fails({"firmware-misc-nonfree"}),
            "unknown package firmware-misc-nonfree (Debian has it in the "
            "non-free-firmware component: add Repositories=main "
            "non-free-firmware)");
  EXPECT_EQ(fails({"mail-transport-agent"}),
            "mail-transport-agent is a virtual package provided by big-mta, "
            "tiny-mta; name one of them");
}

// apt's rule: a name that is no package but holds regex characters is an
// extended regular expression over package names; all matches go in.
TEST_F(ResolverTest, RegexesMatchPackageNamesAsAptDoes) {
  EXPECT_EQ(names(ok({"^libfo+$"})), "libfoo=1.3");
  EXPECT_EQ(names(ok({"^(only-provider|alpha)$"})),
            "alpha=1.0 only-provider=1.0");
  EXPECT_EQ(fails({"^nosuch.*"}),
            "Packages=^nosuch.*: no package name matches this regular "
            "expression");
  EXPECT_EQ(fails({"^lib[foo"}).substr(0, 44),
            "Packages=^lib[foo: invalid regular expressio");
  // RemovePackages= still wins over what an expression matches.
  opts_.remove = {"alpha"};
  EXPECT_EQ(names(ok({"^(only-provider|alpha)$"})), "only-provider=1.0");
}

TEST_F(ResolverTest, UnsatisfiableRequestsSayWhyInPlainWords) {
  EXPECT_EQ(fails({"app", "conflicting"}),
            "  problem 1: conflicting 1.0 conflicts with app 1.0 "
            "(Conflicts/Breaks: app)\n"
            "    and conflicting is requested\n"
            "    and app is requested\n"
            "    ways out: do not ask to install conflicting; or do not ask "
            "to install app");
  EXPECT_EQ(fails({"needs-missing"}),
            "  problem 1: needs-missing 1.0 depends on does-not-exist, which "
            "no package provides\n"
            "    and needs-missing is requested\n"
            "    ways out: do not ask to install needs-missing");
  std::string two = fails({"app", "needs-missing", "conflicting"});
  EXPECT_NE(two.find("  problem 1: "), std::string::npos) << two;
  EXPECT_NE(two.find("\n  problem 2: "), std::string::npos) << two;
}

TEST_F(ResolverTest, RemovedPackagesANeedCannotDoWithoutGoAfterwards) {
  opts_.remove = {"tiny-mta", "big-mta", "base-pre"};
  std::vector<PackageRef> set = ok({"app"});
  EXPECT_EQ(names(set), "app=1.0 libfoo=1.3 zeta=1.0");
  ASSERT_EQ(res_.removed.size(), 2u);
  EXPECT_EQ(res_.removed[0].name, "base-pre");
  EXPECT_EQ(res_.removed[0].why, "Pre-Depends of app: base-pre");
  EXPECT_EQ(res_.removed[1].name, "big-mta");
}

// What only a removed package needed goes with it (apt-get autoremove);
// what a kept package also needs stays.
TEST_F(ResolverTest, WhatOnlyRemovedPackagesNeedIsRemovedToo) {
  opts_.remove = {"policy-daemon"};
  std::vector<PackageRef> set = ok({"netmgr"});
  EXPECT_EQ(names(set), "libfoo=1.3 netmgr=1.0");
  ASSERT_EQ(res_.removed.size(), 1u);
  EXPECT_EQ(res_.removed[0].name, "policy-daemon");
  ASSERT_EQ(res_.orphaned.size(), 1u);
  EXPECT_EQ(res_.orphaned[0].name, "libjs");
}

TEST(StripPackages, KeepsSolverFieldsAndCollectsSizes) {
  std::vector<uint64_t> sizes;
  std::string out = strip_packages_text("Package: a\n"
                                        "Version: 1\n"
                                        "Size: 123\n"
                                        "Description: x\n"
                                        " long\n"
                                        "Depends: b,\n"
                                        " c\n"
                                        "\n"
                                        "Comment: no package here\n"
                                        "\n"
                                        "Package: b\n"
                                        "Version: 2\n",
                                        &sizes);
  EXPECT_EQ(out, "Package: a\nVersion: 1\nDepends: b,\n c\n\n"
                 "Package: b\nVersion: 2\n");
  EXPECT_EQ(sizes, (std::vector<uint64_t>{123, 0}));
}

TEST(StripPackages, CollectsReplacesWithContinuationLines) {
  std::vector<uint64_t> sizes;
  std::vector<std::string> replaces;
  strip_packages_text("Package: a\n"
                      "Replaces: b (<< 2),\n"
                      " c\n"
                      "Size: 1\n"
                      "\n"
                      "Package: d\n",
                      &sizes, &replaces);
  EXPECT_EQ(replaces, (std::vector<std::string>{"b (<< 2), c", ""}));
}

// Each package's resolved Replaces: ("name: a b"), after a parse and after
// a load from the .solv cache the parse wrote (both must agree).
std::string replaces_after_cache(const std::string &text,
                                 const std::vector<std::string> &wanted) {
  TempDir dir;
  std::string err, packages = dir.path() + "/Packages";
  EXPECT_TRUE(write_file(packages, text, &err)) << err;
  PackagesIndex idx;
  idx.base_uri = "http://m/debian";
  idx.suite = "stable";
  idx.component = "main";
  idx.path = packages;
  std::string out[2];
  for (int i = 0; i < 2; i++) {
    Archive a("amd64");
    bool from_cache = false;
    EXPECT_TRUE(a.add_index(idx, dir.path() + "/x.solv", &from_cache, &err))
        << err;
    EXPECT_EQ(from_cache, i == 1);
    a.prepare();
    ResolveResult res;
    EXPECT_TRUE(resolve(a, wanted, ResolveOptions(), &res, &err)) << err;
    for (const PackageRef &p : res.packages)
      if (!p.replaces.empty())
        out[i] += p.name + ": " + join(p.replaces, " ") + "\n";
  }
  EXPECT_EQ(out[0], out[1]);
  return out[1];
}

// libsolv keeps Replaces: only where a Conflicts: matches it; initpack
// needs every one (which package's file wins at unpack), versions checked.
TEST(ArchiveCache, ReplacesSurviveTheSolvCacheWithVersionsChecked) {
  std::vector<std::string> all = {"new", "old", "other", "plain"};
  std::string rest =
      pkg("other", "3.0") + pkg("plain", "1.0", "Replaces: new (<< 1.0)\n");
  EXPECT_EQ(replaces_after_cache(
                pkg("new", "2.0",
                    "Replaces: old (<< 2.0), gone,\n other:any (>= 3)\n") +
                    pkg("old", "1.5") + rest,
                all),
            "new: old other\n");
  // An epoch makes old 1:1.5 newer than 2.0; other is not >= 5.
  EXPECT_EQ(replaces_after_cache(
                pkg("new", "2.0", "Replaces: old (<< 2.0), other (>= 5)\n") +
                    pkg("old", "1:1.5") + rest,
                all),
            "");
  EXPECT_EQ(replaces_after_cache(pkg("new", "2.0", "Replaces: old\n") +
                                     pkg("old", "1:1.5") + rest,
                                 all),
            "new: old\n");
}

TEST(ArchiveCache, FilenameSha256SizeSurviveTheSolvCache) {
  TempDir dir;
  std::string err, packages = dir.path() + "/Packages";
  ASSERT_TRUE(write_file(
      packages, pkg("libfoo", "1:1.3-2") + pkg("other", "1.0", "", "all"),
      &err));
  PackagesIndex idx;
  idx.base_uri = "http://m/debian";
  idx.suite = "stable";
  idx.component = "main";
  idx.path = packages;
  std::string solv = dir.path() + "/x.solv";
  std::vector<PackageRef> refs[2];
  for (int i = 0; i < 2; i++) {
    Archive a("amd64");
    bool from_cache = false;
    ASSERT_TRUE(a.add_index(idx, solv, &from_cache, &err)) << err;
    EXPECT_EQ(from_cache, i == 1);
    a.prepare();
    ResolveOptions opts;
    ResolveResult res;
    ASSERT_TRUE(resolve(a, {"libfoo", "other"}, opts, &res, &err)) << err;
    refs[i] = res.packages;
  }
  ASSERT_EQ(refs[1].size(), 2u);
  const PackageRef &r = refs[1][0];
  EXPECT_EQ(r.name, "libfoo");
  EXPECT_EQ(r.version, "1:1.3-2");
  EXPECT_EQ(r.arch, "amd64");
  EXPECT_EQ(r.url, "http://m/debian/pool/main/libfoo_1:1.3-2_amd64.deb");
  EXPECT_EQ(r.sha256, std::string(64, 'a'));
  EXPECT_EQ(r.size, 1006u);
  EXPECT_EQ(r.installed_size, 42u);
  EXPECT_EQ(refs[1][1].arch, "all");
  EXPECT_EQ(refs[1][1].size, 1005u);
  for (size_t k = 0; k < 2; k++) {
    EXPECT_EQ(refs[0][k].url, refs[1][k].url);
    EXPECT_EQ(refs[0][k].sha256, refs[1][k].sha256);
    EXPECT_EQ(refs[0][k].size, refs[1][k].size);
  }
}

} // namespace
