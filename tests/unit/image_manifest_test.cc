#include "codec/image_manifest.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

ImageManifest sample() {
  ImageManifest m;
  m.initpack_version = "0.1.0";
  m.kernel = "6.1.0-26-amd64";
  m.architecture = "amd64";
  m.config_sha256 = std::string(64, 'a');
  m.source_date_epoch = 1700000000;
  m.packages = {{"udev", "252.30-1", "amd64"},
                {"bash", "5.2.15-2+b7", "amd64"},
                {"base-files", "12.4", "amd64"}};
  return m;
}

TEST(ImageManifest, BytesAreFixedAndPackagesSorted) {
  EXPECT_EQ(image_manifest_json(sample()),
            "{\n"
            " \"format\": 1,\n"
            " \"initpack\": \"0.1.0\",\n"
            " \"kernel\": \"6.1.0-26-amd64\",\n"
            " \"architecture\": \"amd64\",\n"
            " \"config_sha256\": \"" +
                std::string(64, 'a') +
                "\",\n"
                " \"source_date_epoch\": 1700000000,\n"
                " \"packages\": [\n"
                "  {\n   \"name\": \"base-files\",\n   \"version\": "
                "\"12.4\",\n   \"architecture\": \"amd64\"\n  },\n"
                "  {\n   \"name\": \"bash\",\n   \"version\": "
                "\"5.2.15-2+b7\",\n   \"architecture\": \"amd64\"\n  },\n"
                "  {\n   \"name\": \"udev\",\n   \"version\": "
                "\"252.30-1\",\n   \"architecture\": \"amd64\"\n  }\n"
                " ]\n"
                "}\n");
  // Input order does not matter.
  ImageManifest other = sample();
  std::swap(other.packages[0], other.packages[2]);
  EXPECT_EQ(image_manifest_json(other), image_manifest_json(sample()));
}

TEST(ImageManifest, NoSourceDateEpochNoKey) {
  ImageManifest m = sample();
  m.source_date_epoch.reset();
  EXPECT_EQ(image_manifest_json(m).find("source_date_epoch"),
            std::string::npos);
}

TEST(ImageManifest, RoundTrip) {
  ImageManifest back;
  std::string err;
  ASSERT_TRUE(parse_image_manifest(image_manifest_json(sample()), &back, &err))
      << err;
  EXPECT_EQ(back.initpack_version, "0.1.0");
  EXPECT_EQ(back.kernel, "6.1.0-26-amd64");
  EXPECT_EQ(back.config_sha256, std::string(64, 'a'));
  EXPECT_EQ(back.source_date_epoch, 1700000000);
  ASSERT_EQ(back.packages.size(), 3u);
  EXPECT_EQ(back.packages[0], (ManifestPackage{"base-files", "12.4", "amd64"}));
  // Re-written, the same bytes.
  EXPECT_EQ(image_manifest_json(back), image_manifest_json(sample()));
}

TEST(ImageManifest, ErrorsSayWhat) {
  ImageManifest m;
  std::string err;
  EXPECT_FALSE(parse_image_manifest("{", &m, &err));
  EXPECT_EQ(err, "not a JSON object");
  EXPECT_FALSE(parse_image_manifest(R"({"format": 2})", &m, &err));
  EXPECT_EQ(err, "format 2, this initpack reads format 1");
  EXPECT_FALSE(parse_image_manifest(
      R"({"format":1,"initpack":"0","kernel":"k","architecture":"amd64",
          "config_sha256":"x","packages":[{"name":"a","version":"1",
          "architecture":"amd64"},{"name":"b","architecture":"amd64"}]})",
      &m, &err));
  EXPECT_EQ(err, "packages[1]: no version");
  EXPECT_FALSE(parse_image_manifest(R"({"format":1,"initpack":0,"kernel":"k"})",
                                    &m, &err));
  EXPECT_EQ(err, "not a string: initpack");
  // Keys a newer initpack may add are ignored.
  EXPECT_TRUE(parse_image_manifest(
      R"({"format":1,"initpack":"0","kernel":"","architecture":"amd64",
          "config_sha256":"x","packages":[],"later":true})",
      &m, &err))
      << err;
}

} // namespace

TEST(ImageManifest, ExtensionsNameTheirsAfterThemselves) {
  EXPECT_EQ(extension_manifest_path(false, "tools"),
            "usr/lib/initpack/manifest.tools.json");
  EXPECT_EQ(extension_manifest_path(true, "site"),
            "etc/initpack/manifest.site.json");
  EXPECT_TRUE(is_image_manifest_path(kImageManifestPath));
  EXPECT_TRUE(is_image_manifest_path(extension_manifest_path(false, "tools")));
  EXPECT_TRUE(is_image_manifest_path(extension_manifest_path(true, "site")));
  EXPECT_FALSE(is_image_manifest_path("usr/lib/initpack/manifest..json"));
  EXPECT_FALSE(is_image_manifest_path("usr/lib/initpack/manifest.a/b.json"));
  EXPECT_FALSE(is_image_manifest_path("usr/lib/initpack/other.json"));
  EXPECT_FALSE(is_image_manifest_path("opt/initpack/manifest.x.json"));
}
