#include "image/record_manifest.h"

#include "context.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

TEST(RecordManifest, ConfigTextCoversContentNotPlaces) {
  Config c;
  std::string base = effective_config_text(c);
  EXPECT_NE(base.find("CompressOutput=zstd\n"), std::string::npos) << base;
  EXPECT_EQ(base.find("CacheDirectory="), std::string::npos);
  EXPECT_EQ(base.find("\nOutput="), std::string::npos);

  Config moved = c;
  moved.output = "/elsewhere/initrd.img";
  moved.cache_directory = "/other/cache";
  EXPECT_EQ(effective_config_text(moved), base);

  Config more = c;
  more.packages.push_back("lvm2");
  EXPECT_NE(effective_config_text(more), base);
}

TEST(RecordManifest, FromTheContextIntoTheTree) {
  Context ctx;
  ctx.kernel.version = "6.1.0-26-amd64";
  ctx.config.source_date_epoch = 1700000000;
  for (const char *name : {"udev", "bash"}) {
    PackageRef p;
    p.name = name;
    p.version = "1.0-" + std::string(name);
    p.arch = "amd64";
    ctx.packages.push_back(p);
  }
  add_image_manifest(ctx);
  const Entry *e = ctx.tree.find(kImageManifestPath);
  ASSERT_NE(e, nullptr);
  ImageManifest m;
  std::string err;
  ASSERT_TRUE(parse_image_manifest(e->inode->content->bytes, &m, &err)) << err;
  EXPECT_EQ(m.initpack_version, INITPACK_VERSION);
  EXPECT_EQ(m.kernel, "6.1.0-26-amd64");
  EXPECT_EQ(m.architecture, "amd64");
  EXPECT_EQ(m.config_sha256.size(), 64u);
  EXPECT_EQ(m.source_date_epoch, 1700000000);
  ASSERT_EQ(m.packages.size(), 2u);
  EXPECT_EQ(m.packages[0], (ManifestPackage{"bash", "1.0-bash", "amd64"}));
}

// The kernel's package is resolved apart from the image's set; it is
// recorded once.
TEST(RecordManifest, KernelPackageIsRecorded) {
  Context ctx;
  ctx.kernel.package.name = "linux-image-6.1.0-26-amd64";
  ctx.kernel.package.version = "6.1.112-1";
  ctx.kernel.package.arch = "amd64";
  EXPECT_EQ(make_image_manifest(ctx).packages,
            (std::vector<ManifestPackage>{
                {"linux-image-6.1.0-26-amd64", "6.1.112-1", "amd64"}}));
  ctx.packages.push_back(ctx.kernel.package);
  EXPECT_EQ(make_image_manifest(ctx).packages.size(), 1u);
}

} // namespace
