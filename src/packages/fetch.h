// The fetch pass: every package of the resolved set as a verified .deb in
// the content-addressed cache (layout in packages/cache.h).
#pragma once

#include "context.h"

#include <vector>

namespace initpack {

// Downloads every package not already in the cache into
// cache_root(ctx)/debs/<sha256>.deb (named by the SHA-256 from the signed
// index), in parallel (Config::download_connections), each verified
// against that SHA-256 and size before it is renamed into place. A cached
// .deb is checked before use (size and seal, see cache.h; re-hashed when
// the seal is broken) and fetched again when corrupt. With Config::offline
// only the cache is used, and every missing package is named in the
// error. Sets PackageRef::deb_path. A progress line on a TTY, quiet
// otherwise.
void fetch_packages(Context &ctx, std::vector<PackageRef> &pkgs);

} // namespace initpack
