#include "util/fs.h"

#include "util/diag.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <mutex>
#include <stdexcept>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace initpack {

static std::string why(const std::string &what, const std::string &path) {
  return what + " " + path + ": " + std::strerror(errno);
}

bool read_chunks(const std::string &path,
                 const std::function<void(const char *, size_t, size_t)> &f,
                 std::string *err) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = why("cannot open", path);
    return false;
  }
  struct stat st;
  size_t size_hint = fstat(fd, &st) == 0 && st.st_size > 0 ? st.st_size : 0;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      *err = why("cannot read", path);
      ::close(fd);
      return false;
    }
    if (n == 0)
      break;
    f(buf, size_t(n), size_hint);
  }
  ::close(fd);
  return true;
}

bool read_file(const std::string &path, std::string *out, std::string *err) {
  out->clear();
  return read_chunks(
      path,
      [out](const char *data, size_t n, size_t size_hint) {
        if (out->empty())
          out->reserve(size_hint);
        out->append(data, n);
      },
      err);
}

bool write_file(const std::string &path, std::string_view data,
                std::string *err, int mode) {
  AtomicFile f;
  return f.open(path, err, mode) && f.write(data.data(), data.size(), err) &&
         f.commit(err);
}

bool file_exists(const std::string &path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

bool is_directory(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool mkdir_p(const std::string &path, std::string *err, int mode) {
  if (path.empty() || is_directory(path))
    return true;
  std::string parent = dirname(path);
  if (parent != path && !mkdir_p(parent, err, mode))
    return false;
  if (::mkdir(path.c_str(), mode) < 0 && errno != EEXIST) {
    *err = why("cannot create directory", path);
    return false;
  }
  return true;
}

static int remove_one(const char *path, const struct stat *, int,
                      struct FTW *) {
  return ::remove(path) < 0 && errno != ENOENT ? -1 : 0;
}

bool remove_all(const std::string &path, std::string *err) {
  if (!file_exists(path))
    return true;
  if (nftw(path.c_str(), remove_one, 64, FTW_DEPTH | FTW_PHYS) < 0) {
    *err = why("cannot remove", path);
    return false;
  }
  return true;
}

std::vector<std::string> list_dir(const std::string &dir) {
  std::vector<std::string> names;
  DIR *d = ::opendir(dir.c_str());
  if (!d)
    return names;
  while (struct dirent *e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..")
      names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::string dirname(std::string_view path) {
  while (path.size() > 1 && path.back() == '/')
    path.remove_suffix(1);
  size_t pos = path.rfind('/');
  if (pos == std::string_view::npos)
    return ".";
  if (pos == 0)
    return "/";
  return std::string(path.substr(0, pos));
}

std::string basename(std::string_view path) {
  while (path.size() > 1 && path.back() == '/')
    path.remove_suffix(1);
  size_t pos = path.rfind('/');
  return std::string(pos == std::string_view::npos ? path
                                                   : path.substr(pos + 1));
}

std::string join_path(std::string_view a, std::string_view b) {
  if (a.empty() || (!b.empty() && b.front() == '/'))
    return std::string(b);
  std::string r(a);
  if (r.back() != '/')
    r += '/';
  r += b;
  return r;
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temp_path_.c_str());
  }
}

// A temporary is created unlocked and only then locked, so a cleaner in
// another process may take it for a leftover in between. The cleaner holds
// the lock until the file is gone, so a temporary we could lock that still
// has our inode at its name is ours for good; otherwise make another one.
static bool locked_and_still_there(int fd, const char *path) {
  struct stat held, named;
  return ::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::fstat(fd, &held) == 0 &&
         ::stat(path, &named) == 0 && held.st_dev == named.st_dev &&
         held.st_ino == named.st_ino;
}

// A real cleaner sweeps once per process; the unit tests' sweeps without
// pause took 16 tries in a row from an ASan build. Each try costs
// microseconds, so the bound is generous.
constexpr int kTemporaryAttempts = 256;

// A file (mkostemp) or directory (mkdtemp) from TMPL, locked and still at
// its name. fd < 0: creating failed (errno says why), or `lost`, a cleaner
// took every one made.
struct LockedTemporary {
  int fd = -1;
  std::string path;
  bool lost = false;
};

static LockedTemporary make_locked_temporary(const std::string &tmpl,
                                             bool directory) {
  LockedTemporary t;
  for (int attempt = 0; attempt < kTemporaryAttempts; attempt++) {
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (directory) {
      if (!::mkdtemp(buf.data()))
        return t;
      t.fd = ::open(buf.data(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    } else if ((t.fd = ::mkostemp(buf.data(), O_CLOEXEC)) < 0) {
      return t;
    }
    if (t.fd >= 0 && locked_and_still_there(t.fd, buf.data())) {
      t.path = buf.data();
      return t;
    }
    if (t.fd >= 0)
      ::close(t.fd); // a cleaner took it and removes it
    t.fd = -1;
  }
  t.lost = true;
  return t;
}

bool AtomicFile::open(const std::string &path, std::string *err, int mode) {
  path_ = path;
  mode_ = mode;
  remove_stale_temporaries(dirname(path), "." + basename(path) + ".");
  LockedTemporary t = make_locked_temporary(
      join_path(dirname(path), "." + basename(path) + ".XXXXXX"), false);
  if (t.fd < 0) {
    *err = t.lost ? "cannot keep a temporary file for " + path +
                        ": another process removed each one it made"
                  : why("cannot create a temporary file for", path);
    return false;
  }
  fd_ = t.fd;
  temp_path_ = t.path;
  return true;
}

int remove_stale_temporaries(const std::string &dir,
                             const std::string &prefix) {
  DIR *d = ::opendir(dir.empty() ? "." : dir.c_str());
  if (!d)
    return 0;
  std::vector<std::pair<std::string, int>> stale; // path, its lock
  while (struct dirent *e = ::readdir(d)) {
    std::string_view name = e->d_name;
    if (name.size() != prefix.size() + 6 || !name.starts_with(prefix))
      continue;
    std::string path = join_path(dir, name);
    int fd =
        ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
      continue;
    struct stat st;
    // Only our own leftovers; a live owner holds the lock.
    if (::fstat(fd, &st) == 0 && st.st_uid == ::geteuid() &&
        ::flock(fd, LOCK_EX | LOCK_NB) == 0)
      stale.emplace_back(path, fd);
    else
      ::close(fd);
  }
  ::closedir(d);
  // The lock is held until the leftover is gone: a new owner that locks
  // it after us sees its name gone (locked_and_still_there).
  std::string err;
  for (auto &[path, fd] : stale) {
    remove_all(path, &err);
    ::close(fd);
  }
  return static_cast<int>(stale.size());
}

bool pread_all(int fd, void *data, size_t size, uint64_t offset,
               std::string *err) {
  char *p = static_cast<char *>(data);
  while (size > 0) {
    ssize_t n = ::pread(fd, p, size, off_t(offset));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      *err = "read at offset " + std::to_string(offset) + ": " +
             (n == 0 ? std::string("unexpected end of file") : errno_string());
      return false;
    }
    p += n;
    size -= size_t(n);
    offset += uint64_t(n);
  }
  return true;
}

bool pwrite_all(int fd, const void *data, size_t size, uint64_t offset,
                std::string *err) {
  const char *p = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t n = ::pwrite(fd, p, size, off_t(offset));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      *err =
          "write at offset " + std::to_string(offset) + ": " + errno_string();
      return false;
    }
    p += n;
    size -= size_t(n);
    offset += uint64_t(n);
  }
  return true;
}

bool write_all(int fd, const void *data, size_t size) {
  const char *p = static_cast<const char *>(data);
  while (size > 0) {
    ssize_t n = ::write(fd, p, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return false;
    p += n;
    size -= n;
  }
  return true;
}

bool AtomicFile::write(const void *data, size_t size, std::string *err) {
  if (write_all(fd_, data, size))
    return true;
  *err = why("cannot write", temp_path_);
  return false;
}

bool AtomicFile::commit(std::string *err) {
  // close() reports late write errors, but the lock must outlive it until
  // the rename, or a cleaner could take the finished file for a leftover.
  int lock = ::fcntl(fd_, F_DUPFD_CLOEXEC, 0);
  bool ok = lock >= 0 && ::fchmod(fd_, mode_) == 0;
  int error = errno;
  if (::close(fd_) < 0 && ok)
    ok = false, error = errno;
  fd_ = -1;
  if (!ok) {
    errno = error;
    *err = why("cannot finish", temp_path_);
    ::unlink(temp_path_.c_str());
    if (lock >= 0)
      ::close(lock);
    return false;
  }
  bool renamed = ::rename(temp_path_.c_str(), path_.c_str()) == 0;
  if (!renamed) {
    *err = why("cannot rename into place", path_);
    ::unlink(temp_path_.c_str());
  }
  ::close(lock);
  return renamed;
}

static std::string temp_base() {
  const char *env = getenv("TMPDIR");
  return env && *env ? env : "/tmp";
}

void remove_stale_temp_dirs() {
  std::string base = temp_base();
  DIR *d = ::opendir(base.c_str());
  if (!d)
    return;
  std::vector<std::string> prefixes;
  while (struct dirent *e = ::readdir(d)) {
    std::string_view name = e->d_name;
    size_t tag = name.rfind(".tmp-");
    if (name.starts_with("initpack") && tag != std::string_view::npos &&
        tag + 11 == name.size())
      prefixes.emplace_back(name.substr(0, tag + 5));
  }
  ::closedir(d);
  std::sort(prefixes.begin(), prefixes.end());
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end()), prefixes.end());
  for (const std::string &prefix : prefixes)
    remove_stale_temporaries(base, prefix);
}

TempDir::TempDir(const std::string &prefix) {
  std::string base = temp_base();
  static std::once_flag once;
  std::call_once(once, [] { remove_stale_temp_dirs(); });
  std::string tmpl = base + "/" + prefix + ".tmp-XXXXXX";
  LockedTemporary t = make_locked_temporary(tmpl, true);
  if (t.fd < 0)
    // No Context here: FatalError is what Fatal(ctx) throws, and main
    // reports it like any other fatal error.
    throw FatalError(t.lost ? "cannot keep a temporary directory " + tmpl +
                                  ": another process removed each one it made"
                            : "cannot create temporary directory " + tmpl +
                                  ": " + errno_string());
  lock_fd_ = t.fd;
  path_ = t.path;
}

TempDir::~TempDir() {
  std::string err;
  if (!keep_) {
    remove_all(path_, &err);
  } else if (size_t tag = path_.rfind(".tmp-"); tag != std::string::npos) {
    // Out of reach of the next run's clean-up.
    std::string kept = path_;
    kept.replace(tag, 5, ".kept-");
    ::rename(path_.c_str(), kept.c_str());
  }
  if (lock_fd_ >= 0)
    ::close(lock_fd_);
}

} // namespace initpack
