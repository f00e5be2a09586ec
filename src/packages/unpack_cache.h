// The unpack cache: a package's files stored once, content-addressed, with
// a manifest, so later builds put the package into the image tree by
// reading a small JSON file instead of decompressing the .deb
// (layout and trust rules in packages/cache.h).
#pragma once

#include "context.h"
#include "packages/cache.h"
#include "packages/manifest.h"

#include <string>
#include <vector>

namespace initpack {

// The warm path: reads the package's manifest and checks that every blob
// it names is in place (one stat each; see cache.h). Returns false with the
// reason in *why ("" when there is simply no manifest yet).
bool load_unpacked(const PackageCache &cache, const PackageRef &pkg,
                   Manifest *m, std::string *why);

// The cold path: reads the .deb (pkg.deb_path, else the cache's copy) once,
// stores each regular file as a blob and then writes the manifest. The
// .deb's bytes are hashed as they are read and must match pkg.sha256; a
// damaged .deb is removed from the cache. Problems go to *errors as
// "package: path: why" (every bad member name, not only the first), and
// then no manifest is written.
bool store_unpacked(const PackageCache &cache, const PackageRef &pkg,
                    Manifest *m, std::vector<std::string> *errors);

} // namespace initpack
