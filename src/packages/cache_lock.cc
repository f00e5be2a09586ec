#include "packages/cache_lock.h"

#include "context.h"
#include "util/fs.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace initpack {

CacheLock::CacheLock(Context &ctx) {
  std::string dir = cache_root(ctx), err;
  if (!mkdir_p(dir, &err))
    Fatal(ctx) << err;
  std::string path = dir + "/lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0)
    Fatal(ctx) << "cannot open " << path << ": " << errno_string();
  if (flock(fd_, LOCK_EX | LOCK_NB) == 0)
    return;
  Warn(ctx) << "waiting for another initpack run that uses " << dir;
  while (flock(fd_, LOCK_EX) < 0)
    if (errno != EINTR)
      Fatal(ctx) << "cannot lock " << path << ": " << errno_string();
}

CacheLock::~CacheLock() {
  if (fd_ >= 0)
    ::close(fd_); // releases the lock
}

} // namespace initpack
