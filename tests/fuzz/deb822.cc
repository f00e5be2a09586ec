// deb822 paragraphs (apt's .sources, Release) and the Release parser on top.
#include "util/deb822.h"
#include "packages/release.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  std::vector<initpack::Deb822Paragraph> paragraphs;
  std::string err;
  initpack::parse_deb822(text, "fuzz", &paragraphs, &err);
  initpack::ReleaseFile release;
  initpack::parse_release(text, "fuzz", &release, &err);
  time_t t;
  initpack::parse_release_date(text, &t);
  return 0;
}
