// The INI parser under every configuration file and profile.
#include "config/ini.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view text(reinterpret_cast<const char *>(data), size);
  std::vector<std::string> errors;
  initpack::parse_ini(text, "fuzz.conf", &errors);
  return 0;
}
