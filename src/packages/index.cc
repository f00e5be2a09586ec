#include "packages/index.h"

#include "context.h"
#include "packages/download.h"
#include "packages/signature.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/strings.h"

#include <algorithm>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>

namespace initpack {

namespace {

// apt accepts a Release dated this far in the future (Acquire::Max-FutureTime
// is 10 s by default); more means a wrong clock or a forged date.
constexpr time_t kMaxFutureSeconds = 10;

std::string join_words(const std::vector<std::string> &v) {
  return join(v, " ");
}

time_t mtime_of(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_mtime : 0;
}

int64_t size_of(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

// What a verification depended on besides the InRelease bytes: the keys.
std::string keys_identity(const TrustedKeys &keys) {
  std::string id;
  for (const std::string &f : keys.keyring_files) {
    struct stat st = {};
    ::stat(f.c_str(), &st);
    id += f + " " + std::to_string(st.st_size) + " " +
          std::to_string(st.st_mtim.tv_sec) + "." +
          std::to_string(st.st_mtim.tv_nsec) + "\n";
  }
  for (const std::string &k : keys.inline_keys)
    id += "inline " + sha256_hex(k) + "\n";
  return id;
}

std::string stamp_for(const std::string &inrelease_data,
                      const TrustedKeys &keys) {
  return "InRelease " + sha256_hex(inrelease_data) + "\n" + keys_identity(keys);
}

} // namespace

struct IndexFetch::Suite {
  const SuiteSource *src = nullptr;
  std::string dir, url;
  std::string cached, fresh; // dir/InRelease, dir/InRelease.new
  std::string release_text;  // set when verified in this run
  ReleaseFile release;
  bool ok = false;
};

namespace {

using Suite = IndexFetch::Suite;

// The signed text of the cached InRelease. gpgv runs only when the file or
// the keys changed since the last verification (Release.stamp says).
bool verified_release_text(Diagnostics &diag, const Suite &st,
                           std::string *text, std::string *err) {
  if (!st.release_text.empty()) {
    *text = st.release_text;
    return true;
  }
  std::string data, stamp, old_stamp, why;
  if (!read_file(st.cached, &data, err))
    return false;
  stamp = stamp_for(data, st.src->keys);
  if (read_file(st.dir + "/Release.stamp", &old_stamp, &why) &&
      old_stamp == stamp && read_file(st.dir + "/Release", text, &why))
    return true;
  SignatureCheck check;
  if (!verify_clearsigned(diag, st.cached, st.url, st.src->keys, &check, err))
    return false;
  Log(diag) << st.url << ": good signature from " << check.fingerprints[0];
  *text = std::move(check.signed_text);
  return write_file(st.dir + "/Release", *text, err) &&
         write_file(st.dir + "/Release.stamp", stamp, err);
}

// An InRelease dated before the cached one of the same suite is either a
// mirror that lags (one backend of a mirror network a day behind another)
// or an old index replayed to bring back old, vulnerable versions. Either
// way the cached, newer one stays; apt does the same (it counts the older
// file as "not modified").
bool older_than_cached(const Suite &st, const std::string &fresh_text,
                       std::string *why) {
  std::string cached_text, err;
  ReleaseFile fresh, cached;
  if (st.src->allow_older_release ||
      !read_file(st.dir + "/Release", &cached_text, &err) ||
      !parse_release(cached_text, st.url, &cached, &err) ||
      !parse_release(fresh_text, st.url, &fresh, &err) ||
      fresh.date >= cached.date)
    return false;
  *why = st.url + ": dated " + format_release_date(fresh.date) +
         ", before the cached copy dated " + format_release_date(cached.date) +
         " (a mirror that lags, or replays an older index); keeping the "
         "cached one (AllowOlderRelease=yes / --allow-older-release takes the "
         "older one, e.g. for a snapshot)";
  return true;
}

// Verifies a freshly downloaded InRelease before it replaces the cached one,
// so a bad download never destroys a good cache.
bool install_fresh(Diagnostics &diag, Suite &st, time_t last_modified,
                   std::string *err) {
  std::string fresh_data, old_stamp, why;
  if (!read_file(st.fresh, &fresh_data, err))
    return false;
  // A server that ignores If-Modified-Since sends the same bytes again:
  // those were verified with these keys already.
  if (read_file(st.dir + "/Release.stamp", &old_stamp, &why) &&
      old_stamp == stamp_for(fresh_data, st.src->keys) &&
      ::rename(st.fresh.c_str(), st.cached.c_str()) == 0) {
    Log(diag) << st.url << ": unchanged";
    return true;
  }
  SignatureCheck check;
  if (!verify_clearsigned(diag, st.fresh, st.url, st.src->keys, &check, err)) {
    ::unlink(st.fresh.c_str());
    return false;
  }
  Log(diag) << st.url << ": good signature from " << check.fingerprints[0];
  if (older_than_cached(st, check.signed_text, &why)) {
    ::unlink(st.fresh.c_str());
    Warn(diag) << why;
    return true;
  }
  if (last_modified > 0) {
    struct timespec ts[2] = {{last_modified, 0}, {last_modified, 0}};
    utimensat(AT_FDCWD, st.fresh.c_str(), ts, 0);
  }
  if (::rename(st.fresh.c_str(), st.cached.c_str()) < 0) {
    *err = "cannot rename " + st.fresh + ": " + errno_string();
    return false;
  }
  st.release_text = check.signed_text;
  return write_file(st.dir + "/Release", check.signed_text, err) &&
         write_file(st.dir + "/Release.stamp",
                    stamp_for(fresh_data, st.src->keys), err);
}

// Reads, parses and checks a suite's cached Release.
bool load_release(Diagnostics &diag, Suite &st, time_t now, std::string *err) {
  std::string text;
  return verified_release_text(diag, st, &text, err) &&
         parse_release(text, st.url, &st.release, err) &&
         check_release(st.release, *st.src, st.url, now, err);
}

std::string release_entry_url(const Suite &st, const ReleaseEntry &e,
                              bool by_hash) {
  std::string dists = st.src->uri + "/dists/" + st.src->suite + "/";
  if (!by_hash)
    return dists + e.path;
  return dists + dirname(e.path) + "/by-hash/SHA256/" + e.sha256;
}

std::string compression_suffix(const std::string &path) {
  for (const char *ext : {".xz", ".gz"})
    if (path.ends_with(ext))
      return ext;
  return "";
}

// The Packages files a suite's Release names for its components.
bool packages_of(const Suite &st, const std::string &arch,
                 const std::string &dir, std::vector<PackagesIndex> *out,
                 std::string *err) {
  for (const std::string &comp : st.src->components) {
    const ReleaseEntry *e = find_packages_entry(st.release, comp, arch);
    if (!e) {
      *err = st.url + " lists no Packages index for " + comp + "/binary-" +
             arch + " (components: " + join_words(st.release.components) + ")";
      return false;
    }
    PackagesIndex idx;
    idx.base_uri = st.src->uri;
    idx.suite = st.src->suite;
    idx.component = comp;
    idx.url = release_entry_url(st, *e, st.release.acquire_by_hash);
    if (st.release.acquire_by_hash)
      idx.fallback_url = release_entry_url(st, *e, false);
    idx.path = dir + "/" + e->sha256 + compression_suffix(e->path);
    idx.sha256 = e->sha256;
    idx.size = e->size;
    idx.subpriority = st.src->subpriority;
    idx.not_automatic = st.release.not_automatic;
    out->push_back(std::move(idx));
  }
  return true;
}

bool in_cache(const PackagesIndex &idx) {
  return size_of(idx.path) == static_cast<int64_t>(idx.size);
}

// Downloads the Packages files the cache lacks; a by-hash URL that answers
// 404 is tried again at its plain path, as apt does.
void download_packages(Context &ctx,
                       const std::vector<PackagesIndex> &missing) {
  std::vector<DownloadRequest> reqs;
  for (const PackagesIndex &idx : missing) {
    DownloadRequest r;
    r.url = idx.url;
    r.dest = idx.path;
    r.sha256 = idx.sha256;
    r.size = static_cast<int64_t>(idx.size);
    r.size_source = "Release";
    r.label = idx.suite + " " + idx.component;
    reqs.push_back(std::move(r));
  }
  DownloadOptions opts = download_options(ctx.config);
  opts.progress = !ctx.diag.quiet;
  opts.progress_title = "Indexes";
  std::vector<DownloadResult> res = download_files(ctx.diag, reqs, opts);
  std::vector<DownloadRequest> again;
  std::vector<size_t> again_index;
  for (size_t i = 0; i < reqs.size(); i++) {
    const std::string &plain = missing[i].fallback_url;
    if (!res[i].ok && res[i].http_status == 404 && !plain.empty()) {
      Log(ctx) << res[i].error << "; trying " << plain;
      again.push_back(reqs[i]);
      again.back().url = plain;
      again_index.push_back(i);
    }
  }
  std::vector<DownloadResult> res2 = download_files(ctx.diag, again, opts);
  for (size_t j = 0; j < again.size(); j++)
    res[again_index[j]] = res2[j];
  for (size_t i = 0; i < reqs.size(); i++)
    if (!res[i].ok)
      Error(ctx) << "Packages index does not match the signed Release or "
                    "cannot be downloaded: "
                 << res[i].error;
  checkpoint(ctx);
}

} // namespace

std::string solv_cache_dir(const Context &ctx) {
  return join_path(cache_root(ctx), "indexes/solv-v2");
}

void prune_index_cache(Context &ctx) {
  std::string root = join_path(cache_root(ctx), "indexes");
  std::string solv_dir = solv_cache_dir(ctx);
  std::set<std::string> referenced;
  for (const std::string &archive : list_dir(root)) {
    std::string dir = root + "/" + archive;
    if (dir == root + "/packages" || dir == solv_dir)
      continue;
    for (const std::string &suite : list_dir(dir)) {
      std::string text, err;
      ReleaseFile rel;
      if (read_file(dir + "/" + suite + "/Release", &text, &err) &&
          parse_release(text, suite, &rel, &err))
        for (const ReleaseEntry &e : rel.sha256)
          referenced.insert(e.sha256);
    }
  }
  for (const std::string &dir : {root + "/packages", solv_dir}) {
    for (const std::string &name : list_dir(dir)) {
      if (referenced.count(name.substr(0, name.find('.'))))
        continue;
      Log(ctx) << "pruning " << dir << "/" << name;
      ::unlink((dir + "/" + name).c_str());
    }
  }
}

std::string archive_dir_name(const std::string &uri) {
  std::string s = uri;
  if (size_t p = s.find("://"); p != std::string::npos)
    s = s.substr(p + 3);
  for (char &c : s)
    if (c == '/' || c == ' ')
      c = '_';
  while (!s.empty() && s.back() == '_')
    s.pop_back();
  return s;
}

const ReleaseEntry *find_packages_entry(const ReleaseFile &rel,
                                        const std::string &component,
                                        const std::string &arch) {
  std::string base = component + "/binary-" + arch + "/Packages";
  for (const char *ext : {".xz", ".gz", ""})
    if (const ReleaseEntry *e = rel.find(base + ext))
      return e;
  return nullptr;
}

bool check_release(const ReleaseFile &rel, const SuiteSource &src,
                   const std::string &url, time_t now, std::string *err) {
  if (src.suite.find('/') == std::string::npos && rel.suite != src.suite &&
      rel.codename != src.suite) {
    *err = url + ": is for suite '" + rel.suite + "' (codename '" +
           rel.codename + "'), not '" + src.suite + "'";
    return false;
  }
  if (!src.check_valid_until)
    return true;
  if (rel.date > now + kMaxFutureSeconds) {
    *err = url + ": not valid yet: dated " + format_release_date(rel.date) +
           ", but the clock says " + format_release_date(now);
    return false;
  }
  if (rel.valid_until && rel.valid_until < now) {
    *err = url + ": expired: Valid-Until " +
           format_release_date(rel.valid_until) + " is in the past (now " +
           format_release_date(now) +
           "); the mirror is stale or replays an old index "
           "(--no-check-valid-until / CheckValidUntil=no to accept it)";
    return false;
  }
  return true;
}

IndexFetch::IndexFetch(Context &ctx, std::vector<SuiteSource> suites)
    : ctx_(ctx), sources_(std::move(suites)) {
  std::string root = join_path(cache_root(ctx), "indexes");
  packages_dir_ = root + "/packages";
  std::string err;
  if (!mkdir_p(packages_dir_, &err))
    Fatal(ctx) << err;
  for (const SuiteSource &src : sources_) {
    auto st = std::make_unique<Suite>();
    st->src = &src;
    std::string suite_dir = src.suite;
    std::replace(suite_dir.begin(), suite_dir.end(), '/', '_');
    st->dir = root + "/" + archive_dir_name(src.uri) + "/" + suite_dir;
    st->url = src.uri + "/dists/" + src.suite + "/InRelease";
    st->cached = st->dir + "/InRelease";
    st->fresh = st->dir + "/InRelease.new";
    if (!mkdir_p(st->dir, &err))
      Fatal(ctx) << err;
    suites_.push_back(std::move(st));
  }
}

IndexFetch::~IndexFetch() {
  if (downloads_.valid())
    downloads_.wait();
}

void IndexFetch::start() {
  if (ctx_.config.offline || downloads_.valid())
    return;
  std::vector<DownloadRequest> reqs;
  for (const auto &st : suites_) {
    DownloadRequest r;
    r.url = st->url;
    r.dest = st->fresh;
    r.label = "an InRelease";
    r.max_size = kMaxInReleaseBytes;
    r.if_modified_since = mtime_of(st->cached);
    reqs.push_back(std::move(r));
  }
  DownloadOptions opts = download_options(ctx_.config);
  Diagnostics &diag = ctx_.diag;
  downloads_ = std::async(std::launch::async, [&diag, reqs, opts] {
    return download_files(diag, reqs, opts);
  });
}

std::vector<PackagesIndex> IndexFetch::cached() {
  std::vector<PackagesIndex> out;
  time_t now = time(nullptr);
  for (const auto &st : suites_) {
    std::string err;
    Suite copy = *st; // leaves the real state to finish()
    if (!file_exists(st->cached) || !load_release(ctx_.diag, copy, now, &err) ||
        !packages_of(copy, ctx_.config.architecture, packages_dir_, &out,
                     &err)) {
      Log(ctx_) << "no usable cached index for " << st->url
                << (err.empty() ? "" : ": " + err);
      return {};
    }
  }
  for (const PackagesIndex &idx : out)
    if (!in_cache(idx))
      return {};
  return out;
}

// Settles each suite's InRelease: the fresh download verified and
// installed, "not modified", or (server unreachable) the cached copy.
void IndexFetch::settle_inreleases() {
  if (ctx_.config.offline) {
    for (const auto &st : suites_) {
      st->ok = file_exists(st->cached);
      if (!st->ok)
        Error(ctx_) << "--offline: no cached " << st->url
                    << " (run once without --offline)";
    }
    return;
  }
  start();
  std::vector<DownloadResult> res = downloads_.get();
  for (size_t i = 0; i < suites_.size(); i++) {
    Suite &st = *suites_[i];
    std::string err;
    if (res[i].ok && res[i].not_modified) {
      Log(ctx_) << st.url << ": not modified";
    } else if (res[i].ok) {
      if (!install_fresh(ctx_.diag, st, res[i].last_modified, &err)) {
        Error(ctx_) << err;
        continue;
      }
    } else if (file_exists(st.cached)) {
      Warn(ctx_) << "cannot download " << res[i].error
                 << "; using the cached copy";
    } else {
      Error(ctx_) << "cannot download " << res[i].error;
      continue;
    }
    st.ok = true;
  }
}

std::vector<PackagesIndex> IndexFetch::finish() {
  settle_inreleases();
  time_t now = time(nullptr);
  std::vector<PackagesIndex> out;
  for (const auto &st : suites_) {
    std::string err;
    if (st->ok && (!load_release(ctx_.diag, *st, now, &err) ||
                   !packages_of(*st, ctx_.config.architecture, packages_dir_,
                                &out, &err)))
      Error(ctx_) << err;
  }
  checkpoint(ctx_);
  std::vector<PackagesIndex> missing;
  for (const PackagesIndex &idx : out) {
    if (in_cache(idx))
      continue;
    if (ctx_.config.offline)
      Error(ctx_) << "--offline: " << idx.url
                  << " is not in the cache (run once without --offline)";
    missing.push_back(idx);
  }
  checkpoint(ctx_);
  if (!missing.empty()) {
    download_packages(ctx_, missing);
    prune_index_cache(ctx_);
  }
  return out;
}

std::vector<PackagesIndex>
fetch_indexes(Context &ctx, const std::vector<SuiteSource> &suites) {
  Timer timer(ctx, "fetch indexes");
  IndexFetch fetch(ctx, suites);
  fetch.start();
  return fetch.finish();
}

} // namespace initpack
