#include "packages/fetch.h"

#include "packages/cache.h"
#include "packages/download.h"
#include "util/fs.h"

#include <fmt/format.h>
#include <map>
#include <unistd.h>

namespace initpack {

namespace {

std::string label(const PackageRef &p) {
  return p.name + " " + p.version;
}

// Sorts the packages into those whose cached .deb can be used (deb_path set)
// and those to download. A corrupt cached copy is removed, with a warning.
std::vector<PackageRef *> find_missing(Context &ctx, const PackageCache &cache,
                                       std::vector<PackageRef> &pkgs) {
  std::vector<PackageRef *> missing;
  for (PackageRef &p : pkgs) {
    if (!is_sha256_hex(p.sha256)) {
      Error(ctx) << label(p) << ": no valid SHA256 from the index ('"
                 << p.sha256 << "')";
      continue;
    }
    std::string path = cache.deb_path(p.sha256), why;
    int64_t size = p.size > 0 ? static_cast<int64_t>(p.size) : -1;
    switch (cache.check(path, size, p.sha256, &why)) {
    case PackageCache::State::Valid:
      p.deb_path = path;
      continue;
    case PackageCache::State::Corrupt:
      Warn(ctx) << label(p) << ": cached .deb is corrupt (" << why
                << "); fetching it again";
      ::unlink(path.c_str());
      break;
    case PackageCache::State::Missing:
      break;
    }
    missing.push_back(&p);
  }
  checkpoint(ctx);
  return missing;
}

} // namespace

void fetch_packages(Context &ctx, std::vector<PackageRef> &pkgs) {
  Timer timer(ctx, "fetch packages");
  PackageCache cache(cache_root(ctx));
  std::string err;
  if (!cache.prepare(&err))
    Fatal(ctx) << err;
  std::vector<PackageRef *> missing = find_missing(ctx, cache, pkgs);
  if (missing.empty())
    return;

  if (ctx.config.offline) {
    std::string names;
    for (const PackageRef *p : missing)
      names += "\n  " + label(*p) + " (" + p->url + ")";
    Fatal(ctx) << "offline, and " << missing.size()
               << (missing.size() == 1 ? " package is" : " packages are")
               << " not in the cache " << cache.root() << ":" << names;
  }

  // One download per .deb, however many times the list names it.
  std::vector<DownloadRequest> reqs;
  std::map<std::string, size_t> req_of_sha;
  std::vector<size_t> req_of(missing.size());
  for (size_t i = 0; i < missing.size(); i++) {
    const PackageRef *p = missing[i];
    auto [it, added] = req_of_sha.emplace(p->sha256, reqs.size());
    req_of[i] = it->second;
    if (!added)
      continue;
    DownloadRequest r;
    r.url = p->url;
    r.dest = cache.deb_path(p->sha256);
    r.sha256 = p->sha256;
    r.size = p->size > 0 ? static_cast<int64_t>(p->size) : -1;
    r.size_source = "Packages";
    r.label = label(*p);
    reqs.push_back(std::move(r));
  }
  DownloadOptions opts = download_options(ctx.config);
  opts.progress = !ctx.diag.quiet;
  opts.progress_title = "Fetching packages";
  std::vector<DownloadResult> results = download_files(ctx.diag, reqs, opts);

  uint64_t bytes = 0;
  for (const DownloadResult &r : results)
    bytes += r.bytes;
  for (size_t i = 0; i < reqs.size(); i++)
    if (results[i].ok && !PackageCache::seal(reqs[i].dest, &err)) {
      results[i].ok = false;
      results[i].error = err;
    }
  for (size_t i = 0; i < missing.size(); i++) {
    const DownloadResult &r = results[req_of[i]];
    if (r.ok)
      missing[i]->deb_path = reqs[req_of[i]].dest;
    else
      Error(ctx) << "cannot fetch " << label(*missing[i]) << ": " << r.error;
  }
  checkpoint(ctx);
  Log(ctx) << fmt::format("fetched {} packages, {:.1f} MB", reqs.size(),
                          bytes / 1e6);
}

} // namespace initpack
