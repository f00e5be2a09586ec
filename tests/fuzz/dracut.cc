// The dracut.conf reader (--dracut-config) and the mapping of each option.
#include "config/dracut.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  std::vector<initpack::DracutAssignment> out;
  std::string err;
  if (initpack::parse_dracut_conf(text, &out, &err))
    for (const initpack::DracutAssignment &a : out)
      initpack::dracut_option_settings(a);
  return 0;
}
