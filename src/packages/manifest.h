// A package's manifest in the unpack cache (unpacked/<deb-sha256>.v2.json):
// everything a warm build needs to put the package into the image tree
// without opening the .deb. JSON via nlohmann-json:
//
//   {"format":2,"package":"kmod","version":"30+20221128-1",
//    "deb_sha256":"…","content_sha256":"…","files":[
//   {"path":"usr/bin/kmod","type":"file","mode":"0755","uid":0,"gid":0,
//    "size":170376,"sha256":"…"},
//   {"path":"usr/sbin/lsmod","type":"symlink","uid":0,"gid":0,
//    "target":"../bin/kmod"},
//   {"path":"usr/lib/b","type":"hardlink",…,"link":"usr/lib/a"},
//   {"path":"usr/lib","type":"dir","mode":"0755","uid":0,"gid":0}
//   ]}
//
// Paths are the package's own names, normalised (before the merged-/usr
// links are applied: that depends on the tree they go into). Files are in
// data.tar order. A hardlink carries its target's size and sha256 too.
#pragma once

#include "packages/deb.h"

#include <string>
#include <vector>

namespace initpack {

// 2: the head carries content_sha256, the SHA-256 of the manifest's
// canonical text without it, checked on every read.
inline constexpr int kManifestFormat = 2;

struct Manifest {
  std::string package;
  std::string version;
  std::string deb_sha256;
  std::vector<PackageFile> files;
};

std::string manifest_to_json(const Manifest &m);
// Returns false with *err naming the problem for malformed manifests and
// for other format versions (the caller then unpacks the .deb again).
bool manifest_from_json(const std::string &json, Manifest *m, std::string *err);

bool write_manifest(const std::string &path, const Manifest &m,
                    std::string *err);
bool read_manifest(const std::string &path, Manifest *m, std::string *err);

} // namespace initpack
