#include "image/tmpfiles.h"

#include "util/strings.h"

#include <fmt/format.h>
#include <regex>

namespace initpack {

namespace {

// The first `n` fields (double or single quotes group words), then the rest
// of the line as one field: tmpfiles.d's argument may hold blanks.
bool split_fields(std::string_view line, size_t n,
                  std::vector<std::string> *out, std::string *why) {
  out->clear();
  size_t i = 0;
  auto skip_blanks = [&] {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t'))
      i++;
  };
  while (out->size() < n) {
    skip_blanks();
    if (i >= line.size())
      return true;
    std::string field;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
      char q = line[i];
      if (q == '"' || q == '\'') {
        size_t end = line.find(q, i + 1);
        if (end == std::string_view::npos) {
          *why = "unterminated quote";
          return false;
        }
        field += line.substr(i + 1, end - i - 1);
        i = end + 1;
      } else {
        field += line[i++];
      }
    }
    out->push_back(field);
  }
  skip_blanks();
  if (i < line.size())
    out->push_back(std::string(trim(line.substr(i))));
  return true;
}

// Specifiers in a path (systemd.unit(5), tmpfiles.d(5) "Specifiers"). The
// system directories are fixed; the ones naming the running machine or
// user (%m, %b, %H, %h, %U…) make the line a boot-time one.
bool expand_path(const std::string &in, std::string *out, bool *machine,
                 std::string *why) {
  static const std::string kMachine = "aAbBgGhHlmMoqsuUvwW";
  out->clear();
  for (size_t i = 0; i < in.size(); i++) {
    if (in[i] != '%') {
      *out += in[i];
      continue;
    }
    char c = i + 1 < in.size() ? in[++i] : '\0';
    switch (c) {
    case '%':
      *out += '%';
      break;
    case 'T':
      *out += "/tmp";
      break;
    case 'V':
      *out += "/var/tmp";
      break;
    case 'S':
      *out += "/var/lib";
      break;
    case 'C':
      *out += "/var/cache";
      break;
    case 'L':
      *out += "/var/log";
      break;
    case 't':
      *out += "/run";
      break;
    case 'E':
      *out += "/etc";
      break;
    default:
      if (c == '\0' || kMachine.find(c) == std::string::npos) {
        *why = c == '\0'
                   ? "'%' at the end of '" + in + "'"
                   : fmt::format("unknown specifier '%{}' in '{}'", c, in);
        return false;
      }
      *machine = true;
      *out += '%';
      *out += c;
    }
  }
  return true;
}

} // namespace

bool parse_tmpfiles(std::string_view text, const std::string &filename,
                    std::vector<TmpfilesLine> *out, std::string *err) {
  static const std::string kTypes = "fFwdDevqQpLcbCxXrRzZtThHaA";
  static const std::regex mode_re(R"re(-|[~:]?[0-7]{1,4})re");
  int lineno = 0;
  for (std::string_view line : split_lines(text)) {
    lineno++;
    std::string where = fmt::format("{}:{}", filename, lineno);
    auto fail = [&](const std::string &msg) {
      *err = where + ": " + msg;
      return false;
    };
    std::vector<std::string> f;
    std::string why;
    if (!split_fields(line, 6, &f, &why))
      return fail(why);
    if (f.empty() || f[0][0] == '#')
      continue;
    const std::string &type = f[0];
    if (kTypes.find(type[0]) == std::string::npos ||
        type.find_first_not_of("+!-=~^$", 1) != std::string::npos)
      return fail("unknown line type '" + type + "'");
    if (f.size() < 2)
      return fail("missing path");
    TmpfilesLine l;
    l.type = type[0];
    l.modifiers = type.substr(1);
    l.where = where;
    if (!expand_path(f[1], &l.path, &l.needs_machine, &why))
      return fail(why);
    if (!l.path.starts_with("/"))
      return fail("path '" + f[1] + "' is not absolute");
    auto field = [&](size_t i) { return i < f.size() ? f[i] : "-"; };
    l.mode = field(2);
    if (!std::regex_match(l.mode, mode_re))
      return fail("invalid mode '" + l.mode + "'");
    l.user = field(3);
    l.group = field(4);
    l.age = field(5);
    l.argument = field(6) == "-" ? "" : field(6);
    out->push_back(std::move(l));
  }
  return true;
}

} // namespace initpack
