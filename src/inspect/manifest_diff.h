// What changed between two images' manifests (codec/image_manifest.h), for
// `initpack diff`: packages added, removed or at another version, and the
// manifest's own fields (initpack, kernel, architecture, configuration).
#pragma once

#include "codec/image_manifest.h"

#include <string>
#include <vector>

namespace initpack {

struct ManifestChange {
  char kind;        // '+' only in B, '-' only in A, '~' changed
  std::string what; // "package" or "manifest"
  std::string name; // package name, or field: "kernel", "config_sha256" …
  std::string a, b; // versions or values ("" on the side that lacks it)
};

// Fields first, then packages by name (and architecture).
std::vector<ManifestChange> diff_manifests(const ImageManifest &a,
                                           const ImageManifest &b);

// "~ package systemd 252.30-1 -> 252.31-1", "+ package lvm2 2.03.16-2",
// "~ manifest kernel 6.1.0-26-amd64 -> 6.1.0-27-amd64".
std::string format_manifest_change(const ManifestChange &c);

} // namespace initpack
