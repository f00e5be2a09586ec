#include "util/strings.h"

namespace initpack {

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos)
      nl = text.size();
    lines.push_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  constexpr std::string_view blanks = " \t\r\n\f\v";
  size_t start = s.find_first_not_of(blanks);
  if (start == std::string_view::npos)
    return {};
  size_t end = s.find_last_not_of(blanks);
  return s.substr(start, end - start + 1);
}

std::string join(const std::vector<std::string> &items, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); i++) {
    if (i)
      out += sep;
    out += items[i];
  }
  return out;
}

} // namespace initpack
