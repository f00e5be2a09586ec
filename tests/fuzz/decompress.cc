// Every stream decoder the initrd reader uses, on whatever the input's
// magic says (and on every format, whatever it says), output capped so a
// bomb only costs time.
#include "codec/decompress.h"

#include <cstddef>
#include <cstdint>

using initpack::StreamFormat;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view in(reinterpret_cast<const char *>(data), size);
  uint64_t produced = 0;
  auto sink = [&](const char *, size_t n, std::string *err) {
    produced += n;
    if (produced > (64u << 20)) {
      *err = "too much output";
      return false;
    }
    return true;
  };
  for (StreamFormat f :
       {initpack::detect_stream(in), StreamFormat::Gzip, StreamFormat::Bzip2,
        StreamFormat::Lzma, StreamFormat::Xz, StreamFormat::Lz4,
        StreamFormat::Zstd}) {
    if (f == StreamFormat::Unknown || f == StreamFormat::Cpio ||
        f == StreamFormat::Lzo)
      continue;
    initpack::StreamInfo info;
    std::string err;
    produced = 0;
    initpack::decompress_stream(f, in, sink, &info, &err);
  }
  return 0;
}
