#include "packages/cache.h"

#include "packages/manifest.h"
#include "util/fs.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace initpack {

bool is_sha256_hex(const std::string &s) {
  if (s.size() != 64)
    return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return false;
  return true;
}

bool PackageCache::prepare(std::string *err) const {
  for (const char *dir : {"debs", "files", "unpacked", "trees"})
    if (!mkdir_p(root_ + "/" + dir, err))
      return false;
  remove_stale_temporaries();
  return true;
}

void PackageCache::remove_stale_temporaries() const {
  // A build that crashed leaves its temporary blobs and directories; one
  // that is running now may still be filling its own, so only old ones go.
  time_t cutoff = time(nullptr) - 3600;
  for (const std::string &dir : {files_dir(), trees_dir()}) {
    for (const std::string &name : list_dir(dir)) {
      std::string path = dir + "/" + name, err;
      struct stat st;
      if (name.rfind("tmp.", 0) == 0 && ::lstat(path.c_str(), &st) == 0 &&
          st.st_mtime < cutoff)
        remove_all(path, &err);
    }
  }
}

std::string PackageCache::deb_path(const std::string &deb_sha256) const {
  return root_ + "/debs/" + deb_sha256 + ".deb";
}

std::string PackageCache::blob_path(const std::string &sha256) const {
  return root_ + "/files/" + sha256.substr(0, 2) + "/" + sha256;
}

std::string PackageCache::manifest_path(const std::string &deb_sha256) const {
  // Named by format too: builds of other versions sharing the cache keep
  // their own manifests instead of rewriting each other's.
  return root_ + "/unpacked/" + deb_sha256 + ".v" +
         std::to_string(kManifestFormat) + ".json";
}

std::string PackageCache::tree_path(const std::string &deb_sha256) const {
  return root_ + "/trees/" + deb_sha256;
}

PackageCache::State PackageCache::check(const std::string &path, int64_t size,
                                        const std::string &sha256,
                                        std::string *why) const {
  struct stat st;
  if (::lstat(path.c_str(), &st) < 0)
    return State::Missing;
  if (!S_ISREG(st.st_mode)) {
    *why = path + " is not a regular file";
    return State::Corrupt;
  }
  if (size >= 0 && st.st_size != size) {
    *why = path + " has " + std::to_string(st.st_size) + " bytes, expected " +
           std::to_string(size);
    return State::Corrupt;
  }
  if (st.st_mtim.tv_sec == kSealedMtime && st.st_mtim.tv_nsec == 0)
    return State::Valid;
  std::string got, err;
  if (!sha256_file(path, &got, &err)) {
    *why = err;
    return State::Corrupt;
  }
  if (got != sha256) {
    *why = path + ": SHA256 mismatch: expected " + sha256 + ", got " + got;
    return State::Corrupt;
  }
  return seal(path, why) ? State::Valid : State::Corrupt;
}

bool PackageCache::seal(const std::string &path, std::string *err) {
  struct timespec times[2];
  times[0].tv_sec = 0;
  times[0].tv_nsec = UTIME_OMIT;
  times[1].tv_sec = kSealedMtime;
  times[1].tv_nsec = 0;
  if (::chmod(path.c_str(), 0444) < 0 ||
      ::utimensat(AT_FDCWD, path.c_str(), times, 0) < 0) {
    *err = "cannot seal " + path + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

BlobWriter::~BlobWriter() {
  discard();
}

void BlobWriter::discard() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temp_path_.c_str());
    fd_ = -1;
  }
}

bool BlobWriter::begin(std::string *err) {
  discard();
  std::string tmpl = cache_.files_dir() + "/tmp.XXXXXX";
  fd_ = ::mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd_ < 0) {
    *err = "cannot create a temporary file in " + cache_.files_dir() + ": " +
           std::strerror(errno);
    return false;
  }
  temp_path_ = tmpl;
  size_ = 0;
  hash_ = std::make_unique<Sha256>();
  return true;
}

bool BlobWriter::write(const void *data, size_t size, std::string *err) {
  hash_->update(data, size);
  size_ += size;
  if (write_all(fd_, data, size))
    return true;
  *err = "cannot write " + temp_path_ + ": " + std::strerror(errno);
  return false;
}

bool BlobWriter::commit(std::string *sha256, uint64_t *size, std::string *err) {
  *sha256 = hash_->hex();
  *size = size_;
  std::string final_path = cache_.blob_path(*sha256);
  std::string why;
  if (cache_.check(final_path, static_cast<int64_t>(size_), *sha256, &why) ==
      PackageCache::State::Valid) {
    discard();
    return true;
  }
  struct timespec times[2] = {{0, UTIME_OMIT}, {kSealedMtime, 0}};
  if (::fchmod(fd_, 0444) < 0 || ::futimens(fd_, times) < 0 ||
      ::close(fd_) < 0) {
    *err = "cannot finish " + temp_path_ + ": " + std::strerror(errno);
    discard();
    return false;
  }
  fd_ = -1;
  std::string dir = dirname(final_path);
  if (::mkdir(dir.c_str(), 0755) < 0 && errno != EEXIST) {
    *err = "cannot create directory " + dir + ": " + std::strerror(errno);
    ::unlink(temp_path_.c_str());
    return false;
  }
  if (::rename(temp_path_.c_str(), final_path.c_str()) < 0) {
    *err =
        "cannot rename into place " + final_path + ": " + std::strerror(errno);
    ::unlink(temp_path_.c_str());
    return false;
  }
  return true;
}

} // namespace initpack
