#include "packages/unpack.h"

#include "packages/merge.h"
#include "packages/unpack_cache.h"
#include "util/fs.h"
#include "util/parallel.h"

#include <algorithm>
#include <atomic>
#include <fmt/format.h>
#include <functional>
#include <thread>

namespace initpack {

namespace {

// What getting one package's manifest took and said.
struct Prepared {
  Manifest manifest;
  bool from_deb = false;
  std::string warning; // why a cached copy could not be used
  std::vector<std::string> errors;
};

void prepare(const PackageCache &cache, const PackageRef &pkg, Prepared *p) {
  try {
    std::string why;
    if (load_unpacked(cache, pkg, &p->manifest, &why))
      return;
    if (!why.empty())
      p->warning = pkg.name + ": cached unpacked copy is damaged (" + why +
                   "); unpacking the .deb again";
    p->from_deb = true;
    store_unpacked(cache, pkg, &p->manifest, &p->errors);
  } catch (const std::exception &e) {
    p->errors.push_back(pkg.name + ": " + e.what());
  }
}

} // namespace

void unpack_packages(Context &ctx, const std::vector<PackageRef> &pkgs) {
  unpack_packages(ctx, pkgs, ctx.tree);
}

void unpack_packages(Context &ctx, const std::vector<PackageRef> &pkgs,
                     Tree &tree) {
  Timer timer(ctx, "unpack packages");
  PackageCache cache(cache_root(ctx));
  std::string err;
  if (!cache.prepare(&err))
    Fatal(ctx) << err;
  for (const PackageRef &p : pkgs)
    if (!is_sha256_hex(p.sha256))
      Fatal(ctx) << p.name << " " << p.version
                 << ": no valid SHA256 from the index ('" << p.sha256 << "')";

  // A fixed order, whatever order the resolver produced.
  std::vector<const PackageRef *> order;
  for (const PackageRef &p : pkgs)
    order.push_back(&p);
  std::sort(order.begin(), order.end(), [](auto *a, auto *b) {
    return std::tie(a->name, a->version, a->arch) <
           std::tie(b->name, b->version, b->arch);
  });

  // Largest first, so that no big package starts last and runs alone; the
  // results keep their place in `order`.
  std::vector<size_t> schedule(order.size());
  for (size_t i = 0; i < schedule.size(); i++)
    schedule[i] = i;
  std::stable_sort(schedule.begin(), schedule.end(), [&](size_t a, size_t b) {
    return order[a]->size > order[b]->size;
  });
  std::vector<Prepared> prepared(order.size());
  parallel_for(order.size(), [&](size_t i) {
    size_t k = schedule[i];
    prepare(cache, *order[k], &prepared[k]);
  });
  size_t from_deb = 0;
  for (const Prepared &p : prepared) {
    from_deb += p.from_deb;
    if (!p.warning.empty())
      Warn(ctx) << p.warning;
    for (const std::string &e : p.errors)
      Error(ctx) << e;
  }
  checkpoint(ctx);

  TreeMerger merger(tree, cache);
  merger.add_merged_usr_links(ctx.config.architecture);
  for (const PackageRef *p : order)
    merger.allow_replaces(p->name, p->replaces);
  std::vector<std::string> errors;
  for (const Prepared &p : prepared)
    merger.add_package(p.manifest, &errors);
  for (const std::string &e : errors)
    Error(ctx) << e;
  checkpoint(ctx);
  Log(ctx) << fmt::format(
      "unpacked {} packages ({} from .deb, {} from the cache): {} paths, "
      "{:.1f} MB",
      pkgs.size(), from_deb, pkgs.size() - from_deb, tree.size(),
      tree.content_bytes() / 1e6);
}

} // namespace initpack
