#include "inspect/extract.h"

#include "util/diag.h"
#include "util/fs.h"

#include <cerrno>
#include <fcntl.h>
#include <linux/openat2.h>
#include <set>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace initpack {

namespace {

// glibc 2.36 has no wrapper for openat2 (Linux 5.6+).
int openat2_in_root(int root, const std::string &path, uint64_t flags) {
  struct open_how how = {};
  how.flags = flags;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return int(syscall(SYS_openat2, root, path.empty() ? "." : path.c_str(), &how,
                     sizeof how));
}

struct Fd {
  int fd;
  explicit Fd(int f) : fd(f) {}
  ~Fd() {
    if (fd >= 0)
      ::close(fd);
  }
};

std::string parent_of(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

std::string base_of(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

} // namespace

Extractor::~Extractor() {
  if (root_ >= 0)
    ::close(root_);
}

bool Extractor::open(std::string *err) {
  if (!mkdir_p(dir_, err))
    return false;
  root_ = ::open(dir_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_ < 0) {
    *err = "cannot open " + dir_ + ": " + errno_string();
    return false;
  }
  as_root_ = geteuid() == 0;
  return true;
}

// An O_PATH descriptor for a directory inside the destination, creating
// missing ones (0755) when asked, as `cpio -d` does.
int Extractor::open_dir(const std::string &path, bool create,
                        std::string *err) {
  int fd = openat2_in_root(root_, path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0 || errno != ENOENT || !create || path.empty()) {
    if (fd < 0)
      *err = "cannot open directory " + path + " in " + dir_ + ": " +
             errno_string();
    return fd;
  }
  Fd parent(open_dir(parent_of(path), true, err));
  if (parent.fd < 0)
    return -1;
  if (mkdirat(parent.fd, base_of(path).c_str(), 0755) < 0 && errno != EEXIST) {
    *err = "cannot create directory " + path + ": " + errno_string();
    return -1;
  }
  return open_dir(path, false, err);
}

// Clears the way for a new entry, as the kernel's clean_path() does: a
// different kind of file goes; a directory stays for a directory.
bool Extractor::make_room(int parent, const std::string &base, bool keep_dir,
                          std::string *err) {
  struct stat st;
  if (fstatat(parent, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0)
    return true;
  if (S_ISDIR(st.st_mode) && keep_dir)
    return true;
  if (unlinkat(parent, base.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) <
      0) {
    *err = "cannot replace " + base + ": " + errno_string();
    return false;
  }
  return true;
}

void Extractor::set_owner_time(int parent, const std::string &base,
                               const InitrdEntry &e) {
  if (as_root_ &&
      fchownat(parent, base.c_str(), e.uid, e.gid, AT_SYMLINK_NOFOLLOW) < 0)
    warnings_.push_back(e.path + ": cannot set the owner: " + errno_string());
  struct timespec t[2] = {{time_t(e.mtime), 0}, {time_t(e.mtime), 0}};
  utimensat(parent, base.c_str(), t, AT_SYMLINK_NOFOLLOW);
}

bool Extractor::write_file(int parent, const std::string &base,
                           const InitrdEntry &e, std::string_view data,
                           std::string *err) {
  Fd fd(openat(parent, base.c_str(),
               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (fd.fd < 0) {
    *err = "cannot create: " + errno_string();
    return false;
  }
  for (size_t done = 0; done < data.size();) {
    ssize_t n = ::write(fd.fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      *err = "cannot write: " + errno_string();
      return false;
    }
    done += n;
  }
  // chown before chmod: chown clears the setuid and setgid bits.
  if (as_root_ && fchown(fd.fd, e.uid, e.gid) < 0) {
    *err = "cannot change owner: " + errno_string();
    return false;
  }
  struct timespec t[2] = {{time_t(e.mtime), 0}, {time_t(e.mtime), 0}};
  if (fchmod(fd.fd, e.mode & 07777) < 0 || futimens(fd.fd, t) < 0) {
    *err = "cannot set mode or time: " + errno_string();
    return false;
  }
  return true;
}

bool Extractor::add(const InitrdEntry &e, std::string_view data,
                    std::string *err) {
  if (e.path == ".")
    return true; // the destination's own mode and owner stay as they are
  if (e.unsafe_path) {
    *err = "refusing to extract '" + e.raw_name + "': it climbs out of " + dir_;
    return false;
  }
  std::string base = base_of(e.path);
  Fd parent(open_dir(parent_of(e.path), true, err));
  if (parent.fd < 0)
    return false;
  bool is_dir = S_ISDIR(e.mode);
  if (!make_room(parent.fd, base, is_dir, err)) {
    *err = e.path + ": " + *err;
    return false;
  }
  int r = 0;
  switch (e.mode & S_IFMT) {
  case S_IFDIR:
    r = mkdirat(parent.fd, base.c_str(), 0700);
    if (r < 0 && errno == EEXIST)
      r = 0;
    dirs_.push_back({e.path, e.mode, e.uid, e.gid, e.mtime});
    break;
  case S_IFREG:
    if (!e.hardlink.empty() && files_.count(e.hardlink)) {
      Fd old(open_dir(parent_of(e.hardlink), false, err));
      if (old.fd < 0 || linkat(old.fd, base_of(e.hardlink).c_str(), parent.fd,
                               base.c_str(), 0) < 0) {
        *err =
            e.path + ": cannot link to " + e.hardlink + ": " + errno_string();
        return false;
      }
    } else if (!write_file(parent.fd, base, e, data, err)) {
      *err = e.path + ": " + *err;
      return false;
    }
    files_.insert(e.path);
    return true;
  case S_IFLNK:
    r = symlinkat(e.link_target.c_str(), parent.fd, base.c_str());
    break;
  case S_IFCHR:
  case S_IFBLK:
  case S_IFIFO:
  case S_IFSOCK:
    r = mknodat(parent.fd, base.c_str(), e.mode,
                makedev(e.rdev_major, e.rdev_minor));
    if (r < 0 && errno == EPERM) {
      warnings_.push_back(
          e.path + ": cannot create a device node here: " + errno_string());
      return true;
    }
    if (r == 0 && fchmodat(parent.fd, base.c_str(), e.mode & 07777, 0) < 0)
      warnings_.push_back(e.path + ": cannot set the mode: " + errno_string());
    break;
  default:
    *err = e.path + ": unknown file type in mode " + std::to_string(e.mode);
    return false;
  }
  if (r < 0) {
    *err = e.path + ": cannot create: " + errno_string();
    return false;
  }
  if (!is_dir)
    set_owner_time(parent.fd, base, e);
  return true;
}

bool Extractor::finish(std::string *err) {
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
    std::string ignored;
    Fd parent(open_dir(parent_of(it->path), false, &ignored));
    std::string base = base_of(it->path);
    struct stat st;
    if (parent.fd < 0 ||
        fstatat(parent.fd, base.c_str(), &st, AT_SYMLINK_NOFOLLOW) < 0 ||
        !S_ISDIR(st.st_mode))
      continue; // replaced by a later entry
    if (as_root_ && fchownat(parent.fd, base.c_str(), it->uid, it->gid,
                             AT_SYMLINK_NOFOLLOW) < 0)
      warnings_.push_back(it->path +
                          ": cannot set the owner: " + errno_string());
    if (fchmodat(parent.fd, base.c_str(), it->mode & 07777, 0) < 0) {
      *err = it->path + ": cannot set mode: " + errno_string();
      return false;
    }
    struct timespec t[2] = {{time_t(it->mtime), 0}, {time_t(it->mtime), 0}};
    utimensat(parent.fd, base.c_str(), t, AT_SYMLINK_NOFOLLOW);
  }
  return true;
}

} // namespace initpack
