// The verified archive index: each suite's InRelease (signature checked by
// gpgv, dates checked) and the Packages files it names (SHA256 and size
// checked), kept in the cache:
//
//   CACHE/indexes/ARCHIVE/SUITE/InRelease     as served; mtime = Last-Modified
//   CACHE/indexes/ARCHIVE/SUITE/Release       its signed text, once verified
//   CACHE/indexes/ARCHIVE/SUITE/Release.stamp what was verified with what keys
//   CACHE/indexes/packages/SHA256.xz          Packages files, by content
//
// A warm run sends one conditional GET per suite; Packages files are named
// by their hash and never need revalidation. --offline uses only the cache.
#pragma once

#include "packages/download.h"
#include "packages/release.h"
#include "packages/suites.h"

#include <future>
#include <memory>
#include <string>
#include <vector>

namespace initpack {

struct Context;

// One component's Packages file of one suite, verified and in the cache.
struct PackagesIndex {
  std::string base_uri; // the archive root, for the packages' Filename:
  std::string suite, component;
  std::string url;          // where it was (or would be) downloaded from
  std::string fallback_url; // the plain path when url is by-hash
  std::string path;         // the compressed file in the cache
  std::string sha256;       // of that file, from the signed Release
  uint64_t size = 0;
  int subpriority = 0;
  bool not_automatic = false;
};

// One run of index loading, in two halves so that the network and the
// pool loading overlap: start() sends the conditional GETs of every
// InRelease in the background; cached() meanwhile says which Packages files
// the cache holds for the suites (verified, no network), so the caller can
// load them speculatively; finish() waits, verifies what came, and makes
// sure every Packages file is in the cache (downloading it unless
// Config::offline). Every failure names the URL and what was wrong; all
// suites are tried before the run stops.
class IndexFetch {
public:
  IndexFetch(Context &ctx, std::vector<SuiteSource> suites);
  ~IndexFetch();
  IndexFetch(const IndexFetch &) = delete;
  IndexFetch &operator=(const IndexFetch &) = delete;

  void start();
  std::vector<PackagesIndex> cached();
  std::vector<PackagesIndex> finish();

  struct Suite; // per-suite state, in index.cc

private:
  void settle_inreleases();

  Context &ctx_;
  std::vector<SuiteSource> sources_;
  std::vector<std::unique_ptr<Suite>> suites_;
  std::future<std::vector<DownloadResult>> downloads_;
  std::string packages_dir_;
};

// start() + finish().
std::vector<PackagesIndex>
fetch_indexes(Context &ctx, const std::vector<SuiteSource> &suites);

// Checks a parsed Release against the suite asked for and the clock.
bool check_release(const ReleaseFile &rel, const SuiteSource &src,
                   const std::string &url, time_t now, std::string *err);

// The Packages file of component/binary-ARCH a Release lists, preferring
// .xz, then .gz, then uncompressed.
const ReleaseEntry *find_packages_entry(const ReleaseFile &rel,
                                        const std::string &component,
                                        const std::string &arch);

// Deletes cached Packages and .solv files that no cached Release names any
// more (each archive update leaves ~20 MB behind for bookworm main).
void prune_index_cache(Context &ctx);
// Where the parsed repos are cached (see pool.h).
std::string solv_cache_dir(const Context &ctx);

// "http://h:8080/debian" -> "h:8080_debian": a cache directory name.
std::string archive_dir_name(const std::string &uri);

} // namespace initpack
