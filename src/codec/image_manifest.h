// The manifest every image carries at /usr/lib/initpack/manifest.json:
// what it was built from, so that a user (`initpack inspect`) and
// `initpack diff` can tell what changed between two kernels' images.
//
//   {
//    "format": 1,
//    "initpack": "0.1.0",
//    "kernel": "6.1.0-26-amd64",
//    "architecture": "amd64",
//    "config_sha256": "…",
//    "source_date_epoch": 1700000000,
//    "packages": [
//     {"name": "bash", "version": "5.2.15-2+b7", "architecture": "amd64"},
//     …
//    ]
//   }
//
// The bytes are deterministic: fixed key order, packages sorted by name
// (then architecture), no time but SOURCE_DATE_EPOCH's (absent when unset).
// "config_sha256" is the SHA-256 of the effective configuration as
// image/record_manifest.h defines it. Readers accept unknown keys (a newer
// initpack may add some) but not another "format".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

inline constexpr const char *kImageManifestPath =
    "usr/lib/initpack/manifest.json";
inline constexpr int kImageManifestFormat = 1;

// Extension images (Format=sysext/confext) overlay a system that has its
// own manifest, so theirs is named after the extension, in the tree
// systemd merges: usr/lib/initpack/manifest.NAME.json (sysext) or
// etc/initpack/manifest.NAME.json (confext).
std::string extension_manifest_path(bool confext, const std::string &name);
// kImageManifestPath or an extension's manifest path.
bool is_image_manifest_path(std::string_view path);

struct ManifestPackage {
  std::string name, version, architecture;
  bool operator==(const ManifestPackage &) const = default;
};

struct ImageManifest {
  std::string initpack_version;
  std::string kernel;
  std::string architecture;
  std::string config_sha256;
  std::optional<int64_t> source_date_epoch;
  std::vector<ManifestPackage> packages;
};

// The JSON text (ends in '\n'), packages sorted.
std::string image_manifest_json(const ImageManifest &m);
// Returns false with *err saying what is wrong ("not JSON: …",
// "format 2, this initpack reads format 1", "packages[3]: no version").
bool parse_image_manifest(std::string_view json, ImageManifest *m,
                          std::string *err);

} // namespace initpack
