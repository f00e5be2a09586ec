// The loaded archive (the package pool): one libsolv pool (Debian semantics)
// with a repo per verified Packages index. Parsing bookworm main takes seconds;
// each repo is therefore cached as a .solv file named by its Packages file's
// SHA256 (CACHE/indexes/solv-v2/SHA256.solv), which loads in a fraction of
// that.
//
// libsolv ignores Size:, so it is read here and stored in the repo as
// SOLVABLE_DOWNLOADSIZE, and Replaces: as text under kReplacesKey;
// Filename: (location), SHA256: (checksum) and Installed-Size: libsolv
// keeps itself. All of them round-trip through the .solv cache (solv-v2:
// v1 files lack Replaces:).
#pragma once

#include "context.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "packages/solv.h"

namespace initpack {

struct PackagesIndex;

// Where a repo's packages come from.
struct RepoSource {
  std::string base_uri; // Filename: is relative to this
  std::string suite, component;
};

class Archive {
public:
  explicit Archive(const std::string &arch);
  ~Archive();
  Archive(const Archive &) = delete;
  Archive &operator=(const Archive &) = delete;

  Pool *pool() const { return pool_; }

  // Adds a Packages file (plain, .xz or .gz) as a repo. Uses `solv_cache`
  // when it holds the parsed repo; otherwise parses and writes it there
  // ("" means no cache). *from_cache says which happened.
  bool add_index(const PackagesIndex &idx, const std::string &solv_cache,
                 bool *from_cache, std::string *err);
  // Adds Packages text (unit tests, and add_index's parse path).
  Repo *add_packages_text(std::string_view text, const RepoSource &src,
                          int subpriority, bool not_automatic,
                          std::string *err);
  // Builds the provides index; call after the last add, before solving.
  void prepare();

  const RepoSource &source_of(Id solvable) const;
  // What the fetcher needs about one solvable (why is left empty).
  PackageRef package_ref(Id solvable) const;
  // The packages of `set` whose files `solvable` may overwrite: those its
  // Replaces: names, at a version the relation allows.
  std::vector<std::string> replaced_in(Id solvable,
                                       const std::vector<Id> &set) const;

private:
  Repo *new_repo(const RepoSource &src, int subpriority, bool not_automatic);

  Pool *pool_;
  std::vector<RepoSource> sources_; // repo->appdata indexes this
};

// Keeps only the fields the solver and the fetcher use (dropping
// descriptions halves the text and the parse) and collects each package
// paragraph's Size: and (when `replaces` is given) Replaces:, in order.
std::string strip_packages_text(std::string_view in,
                                std::vector<uint64_t> *sizes,
                                std::vector<std::string> *replaces = nullptr);

// The repo key holding a package's Replaces: text. libsolv keeps Replaces
// only where a Conflicts names the same package (as an obsoletes), but
// unpacking needs every one: which package's file wins a clash.
inline constexpr const char *kReplacesKey = "initpack:replaces";

// The configured suites' Packages indexes, each verified and in the
// cache: ctx.indexes, else fetched now (InRelease revalidated first).
const std::vector<PackagesIndex> &archive_indexes(Context &ctx);

// For a build: the InRelease files revalidate in the background (a round
// trip to the mirror, 0.1-0.2 s here) while the build goes on from the
// indexes the cache holds, verified when they were fetched. When the cache
// holds none, this waits for the fetch. confirm_indexes() waits for the
// revalidation and says whether the indexes are still those the build
// used; if not, ctx.indexes are the new ones and the caller must resolve
// again. Nothing may be written from a resolution before it is confirmed.
void start_index_revalidation(Context &ctx);
bool confirm_indexes(Context &ctx);

// The pool of those indexes. Loaded once per run and kept in ctx.archive.
std::shared_ptr<Archive> load_archive(Context &ctx);

} // namespace initpack
