#include "packages/resolution_cache.h"
#include "util/build_id.h"

#include <cstdio>
#include <gtest/gtest.h>
#include <set>
#include <unistd.h>

namespace initpack {
namespace {

std::vector<PackagesIndex> two_indexes() {
  PackagesIndex a, b;
  a.base_uri = b.base_uri = "http://127.0.0.1:1/debian";
  a.suite = "stable";
  b.suite = "stable-updates";
  a.component = b.component = "main";
  a.sha256 = std::string(64, 'a');
  b.sha256 = std::string(64, 'b');
  b.subpriority = 1;
  return {a, b};
}

std::string key_with(const std::vector<PackagesIndex> &idx,
                     const std::vector<std::string> &wanted,
                     const ResolveOptions &opts,
                     const std::string &program = "f00d",
                     const std::string &arch = "amd64") {
  return resolution_key(program, arch, idx, wanted, opts);
}

TEST(ResolutionCache, EveryInputOfAResolutionChangesItsKey) {
  std::vector<PackagesIndex> idx = two_indexes();
  ResolveOptions opts;
  std::string base = key_with(idx, {"systemd", "kmod"}, opts);
  EXPECT_EQ(base, key_with(idx, {"systemd", "kmod"}, opts));

  std::set<std::string> keys = {base};
  auto differs = [&](const std::string &k) { return keys.insert(k).second; };
  EXPECT_TRUE(differs(key_with(idx, {"systemd", "kmod"}, opts, "beef")));
  EXPECT_TRUE(
      differs(key_with(idx, {"systemd", "kmod"}, opts, "f00d", "arm64")));
  EXPECT_TRUE(differs(key_with(idx, {"kmod", "systemd"}, opts)));
  EXPECT_TRUE(differs(key_with(idx, {"systemd"}, opts)));
  ResolveOptions rec = opts;
  rec.with_recommends = true;
  EXPECT_TRUE(differs(key_with(idx, {"systemd", "kmod"}, rec)));
  ResolveOptions rm = opts;
  rm.remove = {"polkitd"};
  EXPECT_TRUE(differs(key_with(idx, {"systemd", "kmod"}, rm)));
  for (auto change : std::vector<void (*)(PackagesIndex &)>{
           [](PackagesIndex &i) { i.sha256[0] = 'c'; },
           [](PackagesIndex &i) { i.base_uri += "2"; },
           [](PackagesIndex &i) { i.suite = "testing"; },
           [](PackagesIndex &i) { i.component = "contrib"; },
           [](PackagesIndex &i) { i.subpriority = 7; },
           [](PackagesIndex &i) { i.not_automatic = true; }}) {
    std::vector<PackagesIndex> changed = idx;
    change(changed[1]);
    EXPECT_TRUE(differs(key_with(changed, {"systemd", "kmod"}, opts)));
  }
  std::vector<PackagesIndex> one = {idx[0]};
  EXPECT_TRUE(differs(key_with(one, {"systemd", "kmod"}, opts)));
}

ResolveResult sample_result() {
  ResolveResult r;
  PackageRef p;
  p.name = "kmod";
  p.version = "30+20221128-1";
  p.arch = "amd64";
  p.url = "http://127.0.0.1:1/debian/pool/main/k/kmod/kmod_30_amd64.deb";
  p.sha256 = std::string(64, '1');
  p.size = 123456;
  p.installed_size = 300;
  p.why = "requested";
  p.deb_path = "/not/kept";
  PackageRef q = p;
  q.name = "libkmod2";
  q.why = "kmod Depends";
  q.replaces = {"libkmod1"};
  r.packages = {p, q};
  PackageRef gone = p;
  gone.name = "polkitd";
  r.removed = {gone};
  gone.name = "libpolkit";
  r.orphaned = {gone};
  r.rounds = 3;
  return r;
}

void expect_same(const std::vector<PackageRef> &a,
                 const std::vector<PackageRef> &b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); i++) {
    EXPECT_EQ(a[i].name, b[i].name);
    EXPECT_EQ(a[i].version, b[i].version);
    EXPECT_EQ(a[i].arch, b[i].arch);
    EXPECT_EQ(a[i].url, b[i].url);
    EXPECT_EQ(a[i].sha256, b[i].sha256);
    EXPECT_EQ(a[i].size, b[i].size);
    EXPECT_EQ(a[i].installed_size, b[i].installed_size);
    EXPECT_EQ(a[i].why, b[i].why);
    EXPECT_EQ(a[i].replaces, b[i].replaces);
    EXPECT_EQ(b[i].deb_path, ""); // where the fetcher put it is not kept
  }
}

TEST(ResolutionCache, ARoundTripKeepsEveryFieldTheBuildUses) {
  ResolveResult r = sample_result();
  std::string key = key_with(two_indexes(), {"kmod"}, ResolveOptions());
  ResolveResult back;
  std::string err;
  ASSERT_TRUE(
      resolution_from_json(resolution_to_json(key, r), key, &back, &err))
      << err;
  expect_same(r.packages, back.packages);
  expect_same(r.removed, back.removed);
  expect_same(r.orphaned, back.orphaned);
  EXPECT_EQ(back.rounds, 3);
}

TEST(ResolutionCache, AnEntryForAnotherKeyOrFormatIsNotUsed) {
  ResolveResult r = sample_result();
  std::string key = key_with(two_indexes(), {"kmod"}, ResolveOptions());
  std::string other =
      key_with(two_indexes(), {"kmod", "udev"}, ResolveOptions());
  std::string text = resolution_to_json(key, r), err;
  ResolveResult back;
  EXPECT_FALSE(resolution_from_json(text, other, &back, &err));
  EXPECT_EQ(err, "made for another key");
  std::string old = text;
  old.replace(old.find("\"format\": 1"), 11, "\"format\": 0");
  EXPECT_FALSE(resolution_from_json(old, key, &back, &err));
  EXPECT_NE(err.find("format 0, expected 1"), std::string::npos) << err;
  EXPECT_FALSE(
      resolution_from_json(text.substr(0, text.size() / 2), key, &back, &err));
  EXPECT_TRUE(back.packages.empty()); // a failed read leaves no half result
}

TEST(BuildId, TheTestProgramHasOne) {
  std::string id = program_build_id();
  EXPECT_GE(id.size(), 16u);
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  EXPECT_EQ(id, program_build_id());
  // What binutils reads from the file is what the loaded program says.
  std::string cmd = "readelf -n /proc/" + std::to_string(getpid()) + "/exe";
  FILE *p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p))
    out.append(buf, n);
  pclose(p);
  EXPECT_NE(out.find("Build ID: " + id + "\n"), std::string::npos) << out;
}

} // namespace
} // namespace initpack
