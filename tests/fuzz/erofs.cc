// The EROFS reader of inspect/diff: the whole input is the image; every
// file's data is decoded (and hashed) and handed to the callback.
#include "inspect/erofs_reader.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view image(reinterpret_cast<const char *>(data), size);
  initpack::InitrdSegment seg;
  std::vector<initpack::InitrdEntry> entries;
  std::string err;
  size_t bytes = 0;
  initpack::read_erofs_bytes(
      image, "fuzz", &seg, &entries, &err,
      [&](const initpack::InitrdEntry &, std::string_view d) {
        bytes += d.size();
      });
  return 0;
}
