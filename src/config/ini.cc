#include "config/ini.h"
#include "util/strings.h"

#include <optional>

namespace initpack {

static bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_comment_line(std::string_view line) {
  std::string_view t = trim(line);
  return !t.empty() && (t.front() == '#' || t.front() == ';');
}

// mkosi strips everything from '#' on; we only strip a '#' that follows
// whitespace, so URLs with fragments and values like "a#b" survive.
static std::string_view strip_trailing_comment(std::string_view line) {
  for (size_t i = 1; i < line.size(); i++)
    if (line[i] == '#' && is_space(line[i - 1]))
      return line.substr(0, i);
  return line;
}

// Removes a trailing backslash (systemd line continuation); says whether
// there was one.
static bool take_backslash(std::string_view *s) {
  *s = trim(*s);
  if (s->empty() || s->back() != '\\')
    return false;
  s->remove_suffix(1);
  *s = trim(*s);
  return true;
}

namespace {

class IniParser {
public:
  IniParser(const std::string &path, std::vector<std::string> *errors)
      : path_(path), errors_(errors) {}

  void line(std::string_view raw, int lineno) {
    lineno_ = lineno;
    if (joining_) {
      continue_backslash(raw);
      return;
    }
    if (is_comment_line(raw) || trim(raw).empty())
      return;
    std::string_view l = strip_trailing_comment(raw);
    if (is_space(l.front()) && pending()) {
      append_to_pending(l, "\n");
      return;
    }
    have_pending_ = false;
    std::string_view t = trim(l);
    if (t.front() == '[')
      section_header(t);
    else
      assignment(t);
  }

  std::vector<IniSection> take() { return std::move(sections_); }

private:
  bool pending() const { return have_pending_ && !sections_.empty(); }
  IniEntry &last_entry() { return sections_.back().entries.back(); }

  void error(const std::string &msg) {
    errors_->push_back(path_ + ":" + std::to_string(lineno_) + ": " + msg);
  }

  void continue_backslash(std::string_view raw) {
    if (is_comment_line(raw))
      return; // systemd skips comment lines inside a continuation
    std::string_view part = strip_trailing_comment(raw);
    joining_ = take_backslash(&part);
    if (!have_pending_ || part.empty())
      return;
    std::string &v = last_entry().value;
    if (!v.empty() && v.back() != '\n')
      v += ' ';
    v += part;
  }

  void append_to_pending(std::string_view l, const char *sep) {
    joining_ = take_backslash(&l);
    std::string &v = last_entry().value;
    if (!v.empty())
      v += sep;
    v += l;
  }

  void section_header(std::string_view t) {
    if (t.size() < 2 || t.back() != ']') {
      error("invalid section header '" + std::string(t) + "'");
      return;
    }
    std::string_view name = trim(t.substr(1, t.size() - 2));
    if (name.empty()) {
      error("empty section name '" + std::string(t) + "'");
      return;
    }
    sections_.push_back({std::string(name), lineno_, {}});
  }

  void assignment(std::string_view t) {
    size_t eq = t.find('=');
    if (eq == std::string_view::npos) {
      error("expected Key=Value or [Section], got '" + std::string(t) + "'");
      return;
    }
    std::string key(trim(t.substr(0, eq)));
    if (key.empty()) {
      error("missing setting name before '=' in '" + std::string(t) + "'");
      return;
    }
    if (sections_.empty()) {
      error("setting " + key + "= must be inside a [Section]");
      return;
    }
    std::string_view value = t.substr(eq + 1);
    joining_ = take_backslash(&value);
    sections_.back().entries.push_back({key, std::string(value), lineno_});
    have_pending_ = true;
  }

  const std::string &path_;
  std::vector<std::string> *errors_;
  std::vector<IniSection> sections_;
  int lineno_ = 0;
  bool have_pending_ = false; // the last line was an assignment (or its
                              // continuation) that more lines may extend
  bool joining_ = false;      // the last line ended with a backslash
};

} // namespace

// The whitespace every non-blank line starts with. mkosi dedents a file
// before reading it (textwrap.dedent), so a uniformly indented file is not
// one long continuation.
static std::string_view
common_indent(const std::vector<std::string_view> &lines) {
  std::optional<std::string_view> common;
  for (std::string_view l : lines) {
    if (trim(l).empty())
      continue;
    size_t n = 0;
    while (n < l.size() && is_space(l[n]))
      n++;
    std::string_view indent = l.substr(0, n);
    if (!common) {
      common = indent;
      continue;
    }
    size_t same = 0;
    while (same < common->size() && same < indent.size() &&
           (*common)[same] == indent[same])
      same++;
    common = common->substr(0, same);
  }
  return common.value_or("");
}

std::vector<IniSection> parse_ini(std::string_view text,
                                  const std::string &path,
                                  std::vector<std::string> *errors) {
  std::vector<std::string_view> lines = split_lines(text);
  size_t indent = common_indent(lines).size();
  IniParser parser(path, errors);
  for (size_t i = 0; i < lines.size(); i++) {
    std::string_view l = lines[i];
    parser.line(l.substr(std::min(indent, l.size())), static_cast<int>(i + 1));
  }
  return parser.take();
}

} // namespace initpack
