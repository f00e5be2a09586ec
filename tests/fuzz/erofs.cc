// The EROFS reader of inspect/diff: the whole input is the image; every
// file's data is decoded (and hashed) and handed to the callback. The
// same input goes to the GPT reader (a sysext as a disk image), and each
// partition to the EROFS reader.
#include "inspect/erofs_reader.h"
#include "inspect/gpt_reader.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view image(reinterpret_cast<const char *>(data), size);
  initpack::InitrdSegment seg;
  std::vector<initpack::InitrdEntry> entries;
  std::string err;
  size_t bytes = 0;
  initpack::read_erofs_bytes(image, "fuzz", 0, &seg, &entries, &err,
                             [&](const initpack::InitrdEntry &,
                                 std::string_view d) { bytes += d.size(); });
  std::vector<initpack::GptPartition> parts;
  if (initpack::is_gpt_disk(image) &&
      initpack::read_gpt(image, "fuzz", &parts, &err))
    for (const initpack::GptPartition &p : parts)
      initpack::read_erofs_bytes(image.substr(p.offset, p.size), "fuzz", 1,
                                 &seg, &entries, &err);
  return 0;
}
