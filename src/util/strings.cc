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

std::vector<std::string> split_any(std::string_view text,
                                   std::string_view seps) {
  std::vector<std::string> items;
  while (!text.empty()) {
    size_t end = text.find_first_of(seps);
    std::string_view item = trim(text.substr(0, end));
    if (!item.empty())
      items.emplace_back(item);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return items;
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

std::string to_hex(std::string_view bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string escape_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  auto octal = [&](unsigned char c) {
    out += '\\';
    out += static_cast<char>('0' + (c >> 6));
    out += static_cast<char>('0' + ((c >> 3) & 7));
    out += static_cast<char>('0' + (c & 7));
  };
  for (size_t i = 0; i < name.size(); i++) {
    auto c = static_cast<unsigned char>(name[i]);
    auto next =
        i + 1 < name.size() ? static_cast<unsigned char>(name[i + 1]) : 0;
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else if (c == '\r')
      out += "\\r";
    else if (c < 0x20 || c == 0x7f)
      octal(c);
    else if (c == 0xc2 && next >= 0x80 && next <= 0x9f) { // U+0080..U+009F
      octal(c);
      octal(next);
      i++;
    } else
      out += static_cast<char>(c);
  }
  return out;
}

} // namespace initpack
