// The cpio parser of inspect/diff, fed the input in chunks whose sizes come
// from the input's first byte, in both modes (one archive / a stream).
#include "inspect/cpio_reader.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  size_t chunk = 1 + data[0] % 64;
  const char *p = reinterpret_cast<const char *>(data + 1);
  size_t n = size - 1;
  for (bool single : {true, false}) {
    initpack::CpioParser parser(
        single, true,
        [](initpack::CpioMember &, std::string *) { return true; },
        [](std::string *) { return true; });
    std::string err;
    size_t off = 0;
    while (off < n && !parser.done()) {
      size_t used = 0, len = std::min(chunk, n - off);
      if (!parser.feed(p + off, len, &used, &err))
        break;
      off += used;
      if (used < len)
        break;
    }
    parser.finish(&err);
  }
  return 0;
}
