#include "inspect/initrd_diff.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

InitrdEntry file_entry(const std::string &path, const std::string &sha,
                       uint32_t mode = 0100644, uint64_t size = 3) {
  InitrdEntry e;
  e.path = path;
  e.mode = mode;
  e.size = size;
  e.data_sha256 = sha;
  return e;
}

InitrdEntry symlink_entry(const std::string &path, const std::string &target) {
  InitrdEntry e;
  e.path = path;
  e.mode = 0120777;
  e.link_target = target;
  e.size = target.size();
  return e;
}

std::vector<std::string> lines(const std::vector<InitrdChange> &cs) {
  std::vector<std::string> out;
  for (const auto &c : cs)
    out.push_back(format_change(c));
  return out;
}

} // namespace

TEST(InitrdDiff, IdenticalTreesHaveNoChanges) {
  std::vector<InitrdEntry> a = {file_entry("etc/a", "aaaa"),
                                symlink_entry("bin", "usr/bin")};
  EXPECT_TRUE(diff_initrds(a, a).empty());
}

TEST(InitrdDiff, ReportsEachKindOfChange) {
  InitrdEntry owned = file_entry("etc/shadow", "ssssssssssss0000");
  InitrdEntry owned2 = owned;
  owned2.gid = 42;
  std::vector<InitrdEntry> a = {file_entry("etc/a", "aaaaaaaaaaaa1111"),
                                file_entry("etc/gone", "g"),
                                symlink_entry("bin", "usr/bin"),
                                file_entry("usr/bin/su", "su", 0100755), owned};
  std::vector<InitrdEntry> b = {
      file_entry("etc/a", "bbbbbbbbbbbb2222", 0100644, 4),
      symlink_entry("bin", "usr/sbin"), file_entry("usr/bin/su", "su", 0104755),
      file_entry("etc/new", "n"), owned2};
  EXPECT_EQ(lines(diff_initrds(a, b)),
            (std::vector<std::string>{
                "~ bin: target usr/bin -> usr/sbin",
                "~ etc/a: content 3 bytes sha256:aaaaaaaaaaaa -> 4 bytes "
                "sha256:bbbbbbbbbbbb",
                "- etc/gone",
                "+ etc/new",
                "~ etc/shadow: owner 0:0 -> 0:42",
                "~ usr/bin/su: mode 0755 -> 4755",
            }));
}

TEST(InitrdDiff, LaterEntriesWinAndMtimeIsOptional) {
  InitrdEntry early = file_entry("etc/a", "old");
  InitrdEntry late = file_entry("etc/a", "new");
  InitrdEntry stamped = late;
  stamped.mtime = 5;
  EXPECT_TRUE(diff_initrds({early, late}, {late}).empty());
  EXPECT_TRUE(diff_initrds({late}, {stamped}).empty());
  EXPECT_EQ(lines(diff_initrds({late}, {stamped}, DiffOptions{true})),
            std::vector<std::string>{"~ etc/a: mtime 0 -> 5"});
  EXPECT_EQ(lines(diff_initrds({late}, {symlink_entry("etc/a", "x")})),
            std::vector<std::string>{
                "~ etc/a: type file -> symlink, mode 0644 -> 0777, "
                "target '' -> x"});
}
