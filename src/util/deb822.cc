#include "util/deb822.h"
#include "util/strings.h"

#include <cctype>

namespace initpack {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size())
    return false;
  for (size_t i = 0; i < a.size(); i++)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i])))
      i++;
    size_t start = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i])))
      i++;
    if (i > start)
      out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

const Deb822Field *Deb822Paragraph::find(std::string_view name) const {
  for (const Deb822Field &f : fields)
    if (iequals(f.name, name))
      return &f;
  return nullptr;
}

std::string Deb822Paragraph::get(std::string_view name) const {
  const Deb822Field *f = find(name);
  return f ? f->value : std::string();
}

bool parse_deb822(std::string_view text, const std::string &file,
                  std::vector<Deb822Paragraph> *out, std::string *err) {
  out->clear();
  bool in_paragraph = false;
  int lineno = 0;
  for (std::string_view line : split_lines(text)) {
    lineno++;
    if (!line.empty() && line[0] == '#')
      continue;
    if (trim(line).empty()) {
      in_paragraph = false;
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (!in_paragraph) {
        *err = file + ":" + std::to_string(lineno) +
               ": continuation line outside a field: " + std::string(line);
        return false;
      }
      std::string_view cont = trim(line);
      std::string &value = out->back().fields.back().value;
      value += '\n';
      if (cont != ".")
        value += cont;
      continue;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0 ||
        trim(line.substr(0, colon)).size() != colon) {
      *err = file + ":" + std::to_string(lineno) +
             ": expected 'Field: value', got: " + std::string(line);
      return false;
    }
    if (!in_paragraph) {
      out->emplace_back();
      out->back().line = lineno;
      in_paragraph = true;
    }
    out->back().fields.push_back({std::string(line.substr(0, colon)),
                                  std::string(trim(line.substr(colon + 1))),
                                  lineno});
  }
  return true;
}

} // namespace initpack
