// The PE/UKI reader (inspect, sign, addon) and the Authenticode hash.
#include "output/pe.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char *>(data), size);
  initpack::PeImage img;
  std::string err, digest;
  if (initpack::parse_pe(bytes, &img, &err)) {
    for (const char *name : {".linux", ".initrd", ".cmdline", ".osrel"})
      if (const initpack::PeSection *s = initpack::find_section(img, name))
        initpack::section_contents(*s);
  }
  initpack::authenticode_sha256(bytes, &digest, &err);
  return 0;
}
