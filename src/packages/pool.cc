#include "packages/pool.h"
#include "util/strings.h"

#include "codec/decompress.h"

#include "packages/index.h"
#include "packages/suites.h"
#include "util/deb822.h"
#include "util/fs.h"

#include <archive.h>
#include <cstdio>
#include <stdio_ext.h>
#include <unistd.h>

namespace initpack {

namespace {

// Fields kept for libsolv: identity, relations, and where the .deb is.
bool is_kept_field(std::string_view name) {
  static const char *kept[] = {
      "Package",     "Version",    "Architecture", "Multi-Arch",    "Depends",
      "Pre-Depends", "Recommends", "Provides",     "Conflicts",     "Breaks",
      "Replaces",    "Filename",   "SHA256",       "Installed-Size"};
  for (const char *k : kept)
    if (iequals(name, k))
      return true;
  return false;
}

// Decompresses a Packages file (.xz, .gz or plain) with the decoders the
// initrd reader uses (codec/decompress.h). An empty component's index is
// a valid, empty stream, which libarchive's raw format refused.
bool read_packages_file(const std::string &path, std::string *out,
                        std::string *err) {
  std::string data;
  if (!read_file(path, &data, err))
    return false;
  if (!path.ends_with(".xz") && !path.ends_with(".gz")) {
    *out = std::move(data);
    return true;
  }
  StreamFormat f = detect_stream(data);
  if (f != StreamFormat::Xz && f != StreamFormat::Gzip) {
    *err = "cannot decompress " + path + ": not an xz or gzip stream";
    return false;
  }
  out->clear();
  StreamInfo info;
  std::string why;
  if (!decompress_stream(
          f, data,
          [&](const char *p, size_t n, std::string *) {
            out->append(p, n);
            return true;
          },
          &info, &why)) {
    *err = "cannot decompress " + path + ": " + why;
    return false;
  }
  return true;
}

bool write_solv(Repo *repo, const std::string &path, std::string *err) {
  AtomicFile f;
  if (!f.open(path, err))
    return false;
  FILE *fp = fdopen(dup(f.fd()), "w");
  if (!fp) {
    *err = "cannot write " + path + ": " + errno_string();
    return false;
  }
  bool ok = repo_write(repo, fp) == 0;
  ok = fclose(fp) == 0 && ok;
  if (!ok) {
    *err = "cannot write " + path + ": " + pool_errstr(repo->pool);
    return false;
  }
  return f.commit(err);
}

} // namespace

std::string strip_packages_text(std::string_view in,
                                std::vector<uint64_t> *sizes,
                                std::vector<std::string> *replaces) {
  std::string out;
  out.reserve(in.size() / 2);
  bool keeping = false, has_package = false, in_replaces = false;
  uint64_t size = 0;
  std::string replaces_text;
  auto end_paragraph = [&] {
    if (has_package) {
      sizes->push_back(size);
      if (replaces)
        replaces->push_back(std::string(trim(replaces_text)));
    }
    has_package = false;
    size = 0;
    replaces_text.clear();
  };
  for (std::string_view line : split_lines(in)) {
    if (line.empty()) {
      end_paragraph();
      if (!out.empty() && !out.ends_with("\n\n"))
        out += '\n';
      continue;
    }
    if (line[0] != ' ' && line[0] != '\t') {
      std::string_view name = line.substr(0, line.find(':'));
      keeping = is_kept_field(name);
      in_replaces = iequals(name, "Replaces");
      if (iequals(name, "Package"))
        has_package = true;
      else if (iequals(name, "Size") && name.size() + 1 < line.size())
        size = std::strtoull(std::string(line.substr(name.size() + 1)).c_str(),
                             nullptr, 10);
      else if (in_replaces && name.size() + 1 < line.size())
        replaces_text = line.substr(name.size() + 1);
    } else if (in_replaces) {
      replaces_text += ' ';
      replaces_text += trim(line);
    }
    if (keeping) {
      out += line;
      out += '\n';
    }
  }
  end_paragraph();
  return out;
}

Archive::Archive(const std::string &arch) {
  pool_ = pool_create();
  pool_setdisttype(pool_, DISTTYPE_DEB);
  pool_setarch(pool_, arch.c_str());
}

Archive::~Archive() {
  pool_free(pool_);
}

Repo *Archive::new_repo(const RepoSource &src, int subpriority,
                        bool not_automatic) {
  std::string name = src.base_uri + " " + src.suite + "/" + src.component;
  Repo *repo = repo_create(pool_, name.c_str());
  // apt pins NotAutomatic suites below the rest: a package comes from there
  // only when no other suite has it.
  repo->priority = not_automatic ? -1 : 0;
  repo->subpriority = subpriority;
  repo->appdata = reinterpret_cast<void *>(sources_.size());
  sources_.push_back(src);
  return repo;
}

Repo *Archive::add_packages_text(std::string_view text, const RepoSource &src,
                                 int subpriority, bool not_automatic,
                                 std::string *err) {
  std::vector<uint64_t> sizes;
  std::vector<std::string> replaces;
  std::string stripped = strip_packages_text(text, &sizes, &replaces);
  Repo *repo = new_repo(src, subpriority, not_automatic);
  FILE *fp = fmemopen(stripped.data(), stripped.size(), "r");
  if (!fp) {
    *err = "fmemopen: " + errno_string();
    return nullptr;
  }
  Id first = pool_->nsolvables;
  repo_add_debpackages(repo, fp, REPO_NO_INTERNALIZE);
  fclose(fp);
  Repodata *data = repo_last_repodata(repo);
  // repo_add_debpackages adds one solvable per paragraph with a Package
  // field, in order: the i-th solvable is the i-th size.
  if (static_cast<size_t>(repo->end - first) != sizes.size()) {
    *err = src.base_uri + " " + src.suite + "/" + src.component + ": parsed " +
           std::to_string(repo->end - first) + " packages but found " +
           std::to_string(sizes.size()) + " Size fields";
    return nullptr;
  }
  Id replaces_key = pool_str2id(pool_, kReplacesKey, 1);
  for (Id p = first; p < repo->end; p++) {
    repodata_set_num(data, p, SOLVABLE_DOWNLOADSIZE, sizes[p - first]);
    if (!replaces[p - first].empty())
      repodata_set_str(data, p, replaces_key, replaces[p - first].c_str());
  }
  repodata_internalize(data);
  return repo;
}

bool Archive::add_index(const PackagesIndex &idx, const std::string &solv_cache,
                        bool *from_cache, std::string *err) {
  RepoSource src{idx.base_uri, idx.suite, idx.component};
  *from_cache = false;
  if (!solv_cache.empty()) {
    if (FILE *fp = fopen(solv_cache.c_str(), "re")) {
      // repo_add_solv reads with getc: one thread, so skip stdio's lock
      // per byte and read in large blocks (a third less load time).
      __fsetlocking(fp, FSETLOCKING_BYCALLER);
      setvbuf(fp, nullptr, _IOFBF, 1 << 20);
      Repo *repo = new_repo(src, idx.subpriority, idx.not_automatic);
      int rc = repo_add_solv(repo, fp, 0);
      fclose(fp);
      if (rc == 0) {
        *from_cache = true;
        return true;
      }
      repo_free(repo, 1); // unreadable (other libsolv?): parse again
    }
  }
  std::string text;
  if (!read_packages_file(idx.path, &text, err))
    return false;
  Repo *repo =
      add_packages_text(text, src, idx.subpriority, idx.not_automatic, err);
  if (!repo)
    return false;
  return solv_cache.empty() || write_solv(repo, solv_cache, err);
}

void Archive::prepare() {
  // Debian has no file dependencies: pool_addfileprovides is not needed.
  pool_createwhatprovides(pool_);
}

const RepoSource &Archive::source_of(Id solvable) const {
  Solvable *s = pool_id2solvable(pool_, solvable);
  return sources_[reinterpret_cast<size_t>(s->repo->appdata)];
}

PackageRef Archive::package_ref(Id solvable) const {
  Solvable *s = pool_id2solvable(pool_, solvable);
  PackageRef r;
  r.name = pool_id2str(pool_, s->name);
  r.version = pool_id2str(pool_, s->evr);
  r.arch = pool_id2str(pool_, s->arch);
  unsigned int medianr = 0;
  if (const char *loc = solvable_lookup_location(s, &medianr))
    r.url = source_of(solvable).base_uri + "/" + loc;
  Id type = 0;
  const char *sum = solvable_lookup_checksum(s, SOLVABLE_CHECKSUM, &type);
  if (sum && type == REPOKEY_TYPE_SHA256)
    r.sha256 = sum;
  r.size = solvable_lookup_num(s, SOLVABLE_DOWNLOADSIZE, 0);
  // libsolv stores Installed-Size (KiB) in bytes.
  r.installed_size = solvable_lookup_num(s, SOLVABLE_INSTALLSIZE, 0) / 1024;
  return r;
}

namespace {

// Whether version `have` satisfies "OP want" (Debian's <<, <=, =, >=, >>).
bool version_satisfies(Pool *pool, const char *have, std::string_view op,
                       const std::string &want) {
  int c = pool_evrcmp_str(pool, have, want.c_str(), EVRCMP_COMPARE);
  if (op == "<<")
    return c < 0;
  if (op == "<=")
    return c <= 0;
  if (op == "=")
    return c == 0;
  if (op == ">=")
    return c >= 0;
  if (op == ">>")
    return c > 0;
  return false; // not a Debian relation: replaces nothing
}

} // namespace

std::vector<std::string>
Archive::replaced_in(Id solvable, const std::vector<Id> &set) const {
  std::vector<std::string> out;
  Id key = pool_str2id(pool_, kReplacesKey, 0);
  const char *text =
      key ? solvable_lookup_str(pool_id2solvable(pool_, solvable), key)
          : nullptr;
  if (!text)
    return out;
  // "a, b (<< 2.0), c:any": no alternatives in Replaces (Policy 7.6).
  std::string_view rest = text;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view rel = trim(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
    size_t paren = rel.find('(');
    std::string name(trim(rel.substr(0, paren)));
    name = name.substr(0, name.find(':'));
    std::string op, version;
    if (paren != std::string_view::npos) {
      std::string_view c = rel.substr(paren + 1);
      c = trim(c.substr(0, c.find(')')));
      size_t n = c.find_first_not_of("<=>");
      op = c.substr(0, n);
      version = trim(c.substr(n == std::string_view::npos ? c.size() : n));
    }
    for (Id p : set) {
      Solvable *s = pool_id2solvable(pool_, p);
      if (p == solvable || name != pool_id2str(pool_, s->name))
        continue;
      if (op.empty() ||
          version_satisfies(pool_, pool_id2str(pool_, s->evr), op, version))
        out.push_back(name);
    }
  }
  return out;
}

namespace {

std::string solv_path(const std::string &dir, const PackagesIndex &idx) {
  return dir + "/" + idx.sha256 + ".solv";
}

std::shared_ptr<Archive> build_pool(Context &ctx,
                                    const std::vector<PackagesIndex> &indexes,
                                    const std::string &solv_dir) {
  auto archive = std::make_shared<Archive>(ctx.config.architecture);
  std::string err;
  for (const PackagesIndex &idx : indexes) {
    bool cached = false;
    if (!archive->add_index(idx, solv_path(solv_dir, idx), &cached, &err))
      Fatal(ctx) << err;
    Log(ctx) << (cached ? "loaded " : "parsed ") << idx.url << " (" << idx.suite
             << "/" << idx.component << ")";
  }
  archive->prepare();
  return archive;
}

bool same_indexes(const std::vector<PackagesIndex> &a,
                  const std::vector<PackagesIndex> &b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); i++)
    if (a[i].sha256 != b[i].sha256 || a[i].base_uri != b[i].base_uri ||
        a[i].suite != b[i].suite || a[i].component != b[i].component ||
        a[i].subpriority != b[i].subpriority ||
        a[i].not_automatic != b[i].not_automatic)
      return false;
  return true;
}

std::vector<SuiteSource> suites_of(Context &ctx) {
  std::vector<SuiteSource> suites;
  std::string err;
  if (!configured_suites(ctx.diag, ctx.config, &suites, &err))
    Fatal(ctx) << err;
  return suites;
}

void set_indexes(Context &ctx, std::vector<PackagesIndex> indexes) {
  ctx.indexes =
      std::make_shared<const std::vector<PackagesIndex>>(std::move(indexes));
}

} // namespace

void start_index_revalidation(Context &ctx) {
  if (ctx.indexes)
    return;
  auto fetch = std::make_shared<IndexFetch>(ctx, suites_of(ctx));
  fetch->start();
  std::vector<PackagesIndex> cached = fetch->cached();
  if (cached.empty()) {
    Timer t(ctx, "fetch indexes");
    set_indexes(ctx, fetch->finish());
    return;
  }
  set_indexes(ctx, std::move(cached));
  ctx.index_fetch = std::move(fetch);
}

bool confirm_indexes(Context &ctx) {
  if (!ctx.index_fetch)
    return true;
  std::vector<PackagesIndex> current;
  {
    Timer t(ctx, "revalidate indexes");
    current = ctx.index_fetch->finish();
    ctx.index_fetch.reset();
  }
  if (same_indexes(*ctx.indexes, current))
    return true;
  set_indexes(ctx, std::move(current));
  ctx.archive.reset();
  return false;
}

const std::vector<PackagesIndex> &archive_indexes(Context &ctx) {
  if (!ctx.indexes) {
    Timer t(ctx, "fetch indexes");
    set_indexes(ctx, fetch_indexes(ctx, suites_of(ctx)));
  }
  return *ctx.indexes;
}

std::shared_ptr<Archive> load_archive(Context &ctx) {
  if (ctx.archive)
    return ctx.archive;
  const std::vector<PackagesIndex> &indexes = archive_indexes(ctx);
  Timer timer(ctx, "load archive");
  std::string solv_dir = solv_cache_dir(ctx), err;
  if (!mkdir_p(solv_dir, &err))
    Fatal(ctx) << err;
  ctx.archive = build_pool(ctx, indexes, solv_dir);
  return ctx.archive;
}

} // namespace initpack
