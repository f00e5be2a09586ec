// The .deb reader of the unpacker (packages/deb.cc): the outer ar archive,
// debian-binary, control.tar and the data.tar stream in each compression,
// every member's header and name (normalize_member_name), its content, and
// the SHA-256 of the whole file. DebReader reads a path, so the input goes
// to a file of this process first.
#include "packages/deb.h"

#include <cstddef>
#include <cstdint>
#include <fcntl.h>
#include <string>
#include <unistd.h>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const std::string path =
      "/tmp/initpack-fuzz-deb." + std::to_string(getpid());
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0)
    return 0;
  bool written = write(fd, data, size) == static_cast<ssize_t>(size);
  close(fd);
  if (!written)
    return 0;
  initpack::DebReader reader;
  std::string err, bad, sha;
  if (reader.open(path, &err)) {
    initpack::PackageFile f;
    char buf[4096];
    while (reader.next(&f, &bad, &err))
      while (reader.read(buf, sizeof buf, &err) > 0) {
      }
    reader.finish(&sha, &err);
  }
  unlink(path.c_str());
  return 0;
}
