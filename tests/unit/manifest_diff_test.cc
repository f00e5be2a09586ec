#include "inspect/manifest_diff.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

TEST(ManifestDiff, PackagesAddedRemovedChangedAndFields) {
  ImageManifest a, b;
  a.initpack_version = b.initpack_version = "0.1.0";
  a.architecture = b.architecture = "amd64";
  a.kernel = "6.1.0-26-amd64";
  b.kernel = "6.1.0-27-amd64";
  a.config_sha256 = b.config_sha256 = "c";
  a.packages = {{"systemd", "252.30-1", "amd64"},
                {"gone", "1", "all"},
                {"same", "2", "amd64"},
                {"libc6", "2.36-9", "i386"}};
  b.packages = {{"same", "2", "amd64"},
                {"systemd", "252.31-1", "amd64"},
                {"lvm2", "2.03.16-2", "amd64"},
                {"libc6", "2.36-9", "amd64"}};
  std::vector<std::string> lines;
  for (const ManifestChange &c : diff_manifests(a, b))
    lines.push_back(format_manifest_change(c));
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "~ manifest kernel 6.1.0-26-amd64 -> 6.1.0-27-amd64",
                       "- package gone 1",
                       "+ package libc6 2.36-9",
                       "- package libc6:i386 2.36-9",
                       "+ package lvm2 2.03.16-2",
                       "~ package systemd 252.30-1 -> 252.31-1",
                   }));
  EXPECT_TRUE(diff_manifests(a, a).empty());
}

TEST(ManifestDiff, SourceDateEpochSetOnOneSide) {
  ImageManifest a, b;
  b.source_date_epoch = 5;
  std::vector<ManifestChange> d = diff_manifests(a, b);
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(format_manifest_change(d[0]),
            "~ manifest source_date_epoch (none) -> 5");
}

} // namespace
