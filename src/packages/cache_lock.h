// One initpack at a time per cache. Index files, downloads and the unpack
// cache are safe against crashes (everything appears by rename), but two
// runs updating the same InRelease or .part file at once can make one of
// them fail; a lock, as apt has, makes parallel builds (tests, CI)
// simply wait their turn.
#pragma once

namespace initpack {

struct Context;

class CacheLock {
public:
  // Takes the lock on cache_root(ctx)/lock, creating the directory; says
  // so when it has to wait for another run.
  explicit CacheLock(Context &ctx);
  ~CacheLock();
  CacheLock(const CacheLock &) = delete;
  CacheLock &operator=(const CacheLock &) = delete;

private:
  int fd_ = -1;
};

} // namespace initpack
