// The one shared Context of a run (mold-style): options, diagnostics,
// timers, and what each pass produced for the next. Each pass is a free
// function taking Context&; the driver in build.cc calls them in order.
#pragma once

#include "config/config.h"
#include "image/tree.h"
#include "util/diag.h"
#include "util/timer.h"

#include <memory>
#include <string>
#include <vector>

namespace initpack {

class Archive;        // packages/pool.h: the loaded package pool
struct PackagesIndex; // packages/index.h: one verified Packages file
class IndexFetch;     // packages/index.h: InRelease revalidation under way

// One binary package chosen by the resolver, as the fetcher and unpacker
// need it.
struct PackageRef {
  std::string name;
  std::string version;
  std::string arch;
  std::string url;             // full download URL of the .deb
  std::string sha256;          // from the verified Packages index
  uint64_t size = 0;           // .deb size in bytes
  uint64_t installed_size = 0; // KiB, as the index says
  std::string why;             // --explain: why it is in the set
  std::string deb_path;        // set by the fetcher: verified file in the cache
  // Packages of the same resolved set whose files this one may overwrite
  // (its Replaces: from the index, versions checked), as dpkg allows.
  std::vector<std::string> replaces;
};

// The kernel the image is built for.
struct KernelInfo {
  std::string version;     // uname -r, e.g. 6.1.0-26-amd64
  std::string modules_dir; // directory holding kernel/ and modules.*
  std::string image_path;  // vmlinuz, when known
  PackageRef package;      // the linux-image package it came from, if any
};

// One kernel module chosen for the image (kernel/module_select.h).
struct ModuleChoice {
  std::string name; // kernel module name, underscores ("dm_crypt")
  std::string path; // relative to the modules directory ("kernel/…/x.ko")
  std::string why;  // --explain: "dependency of ext4", "host device …"
  std::vector<std::string> firmware; // firmware files found for it (tree paths)
};

struct Context {
  Config config;
  Diagnostics diag;
  Timings timings;

  // Command-line-only switches (not part of the image's configuration).
  bool explain = false;
  bool show_timings = false;
  bool keep_temp = false;

  // Pass results, in pipeline order.
  // The archive's indexes and its pool: each made at most once per run,
  // the pool only when a resolution is not in the cache. While index_fetch
  // is set, `indexes` are the cached ones, still being revalidated
  // (packages/pool.h: start_index_revalidation).
  std::shared_ptr<const std::vector<PackagesIndex>> indexes;
  std::shared_ptr<IndexFetch> index_fetch;
  std::shared_ptr<Archive> archive;
  std::vector<PackageRef> packages;
  KernelInfo kernel;
  std::vector<ModuleChoice> modules; // kernel modules in the image, --explain
  Tree tree;
};

// The cache root: Config.cache_directory, else /var/cache/initpack as root,
// else $XDG_CACHE_HOME/initpack (~/.cache/initpack).
std::string cache_root(const Context &ctx);

} // namespace initpack
