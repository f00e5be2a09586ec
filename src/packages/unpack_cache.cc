#include "packages/unpack_cache.h"

#include "packages/deb.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/strings.h"

#include <fmt/format.h>
#include <unistd.h>
#include <unordered_map>

namespace initpack {

bool load_unpacked(const PackageCache &cache, const PackageRef &pkg,
                   Manifest *m, std::string *why) {
  why->clear();
  std::string path = cache.manifest_path(pkg.sha256);
  if (!file_exists(path))
    return false;
  if (!read_manifest(path, m, why))
    return false;
  if (m->deb_sha256 != pkg.sha256) {
    *why = path + " is for another .deb (" + m->deb_sha256 + ")";
    return false;
  }
  for (const PackageFile &f : m->files) {
    if (f.type != NodeType::File || f.hardlink)
      continue;
    std::string blob = cache.blob_path(f.sha256);
    switch (cache.check(blob, static_cast<int64_t>(f.size), f.sha256, why)) {
    case PackageCache::State::Valid:
      continue;
    case PackageCache::State::Missing:
      *why = blob + " (" + f.path + ") is missing";
      return false;
    case PackageCache::State::Corrupt:
      *why += " (" + f.path + ")";
      return false;
    }
  }
  // The index names the package; the manifest only remembers it.
  m->package = pkg.name;
  m->version = pkg.version;
  return true;
}

namespace {

// Copies the current member into a blob and fills in its size and hash.
bool store_blob(const PackageCache &cache, DebReader &reader, PackageFile *f,
                std::vector<char> &buf, std::string *err) {
  BlobWriter blob(cache);
  if (!blob.begin(err))
    return false;
  for (;;) {
    int64_t n = reader.read(buf.data(), buf.size(), err);
    if (n < 0)
      return false;
    if (n == 0)
      break;
    if (!blob.write(buf.data(), n, err))
      return false;
  }
  uint64_t size = 0;
  if (!blob.commit(&f->sha256, &size, err))
    return false;
  if (size != f->size) {
    *err = "read " + std::to_string(size) + " bytes, the tar header says " +
           std::to_string(f->size);
    return false;
  }
  return true;
}

// The most bytes a package may unpack to. Installed-Size (KiB) is what
// dpkg computed from the same files, rounded up per file, so honest content
// is never larger; twice that plus some slack still stops an unpack bomb (a
// small .deb of zeros) long before it fills the cache and the image. An
// index without Installed-Size gets a fixed bound.
uint64_t unpack_limit(const PackageRef &pkg) {
  constexpr uint64_t kSlack = 16 << 20, kUnknown = uint64_t{1} << 30;
  return pkg.installed_size ? pkg.installed_size * 1024 * 2 + kSlack : kUnknown;
}

// Reads every member of data.tar into blobs and the manifest. A bad member
// goes to *errors and reading goes on; a damaged archive or an I/O error
// stops it with *err set.
bool read_members(const PackageCache &cache, const PackageRef &pkg,
                  DebReader &reader, Manifest *m,
                  std::vector<std::string> *errors, std::string *err) {
  auto problem = [&](const std::string &what, const std::string &why) {
    errors->push_back(pkg.name + ": " + escape_name(what) + ": " + why);
  };
  std::unordered_map<std::string, size_t> by_path; // for hardlinks
  std::vector<char> buf(256 * 1024);
  PackageFile f;
  std::string bad;
  uint64_t unpacked = 0, limit = unpack_limit(pkg);
  while (reader.next(&f, &bad, err)) {
    if (!bad.empty()) {
      problem(f.path, bad);
      continue;
    }
    if (f.hardlink) {
      auto it = by_path.find(f.link);
      if (it == by_path.end() || m->files[it->second].type != NodeType::File) {
        problem(f.path, "hardlink to '" + f.link +
                            "', which is not a file shipped before it");
        continue;
      }
      f.size = m->files[it->second].size;
      f.sha256 = m->files[it->second].sha256;
    } else if (f.type == NodeType::File) {
      // Checked on the tar header's size, before a byte is written.
      unpacked += f.size;
      if (unpacked > limit) {
        *err = fmt::format("data.tar unpacks to more than {} bytes (at {}), "
                           "far beyond its Installed-Size of {} KiB: refused "
                           "as an unpack bomb",
                           limit, f.path, pkg.installed_size);
        return false;
      }
      if (!store_blob(cache, reader, &f, buf, err)) {
        *err = f.path + ": " + *err;
        return false;
      }
    }
    by_path[f.path] = m->files.size();
    m->files.push_back(std::move(f));
  }
  return err->empty();
}

} // namespace

bool store_unpacked(const PackageCache &cache, const PackageRef &pkg,
                    Manifest *m, std::vector<std::string> *errors) {
  size_t errors_before = errors->size();
  std::string deb =
      pkg.deb_path.empty() ? cache.deb_path(pkg.sha256) : pkg.deb_path;
  *m = Manifest{pkg.name, pkg.version, pkg.sha256, {}};
  DebReader reader;
  std::string err, got;
  bool read_ok = reader.open(deb, &err) &&
                 read_members(cache, pkg, reader, m, errors, &err) &&
                 reader.finish(&got, &err);
  // A .deb that cannot be read may have been damaged since it was fetched:
  // then that is the error to report.
  std::string why;
  if (!read_ok && !sha256_file(deb, &got, &why))
    got.clear();
  if (!got.empty() && got != pkg.sha256) {
    std::string msg = pkg.name + ": " + deb + ": SHA256 mismatch: expected " +
                      pkg.sha256 + ", got " + got;
    // Drop a damaged cached copy so that the next run fetches it again.
    if (deb == cache.deb_path(pkg.sha256) && ::unlink(deb.c_str()) == 0)
      msg += " (removed from the cache; it will be fetched again)";
    errors->push_back(msg);
    return false;
  }
  if (!read_ok) {
    errors->push_back(pkg.name + ": " + err);
    return false;
  }
  if (errors->size() != errors_before)
    return false;
  if (!write_manifest(cache.manifest_path(pkg.sha256), *m, &err)) {
    errors->push_back(pkg.name + ": " + err);
    return false;
  }
  return true;
}

} // namespace initpack
