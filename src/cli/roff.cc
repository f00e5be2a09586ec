#include "cli/roff.h"

#include "util/strings.h"

#include <cctype>
#include <fmt/format.h>
#include <vector>

namespace initpack {

namespace {

// One UTF-8 sequence starting at s[*i] as \[uXXXX]; *i moves past it.
std::string unicode_escape(std::string_view s, size_t *i) {
  unsigned char c = s[*i];
  int len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  uint32_t cp = len == 1 ? c : c & (0x7f >> len);
  for (int k = 1; k < len && *i + k < s.size(); k++)
    cp = cp << 6 | (static_cast<unsigned char>(s[*i + k]) & 0x3f);
  *i += len - 1;
  return fmt::format("\\[u{:04X}]", cp);
}

// Plain text for roff. In code spans every '-' is a minus; in prose only
// those that start a word ("--suite"), not "x86-64".
std::string escape_text(std::string_view s, bool code) {
  std::string out;
  for (size_t i = 0; i < s.size(); i++) {
    char c = s[i];
    if (c == '\\')
      out += "\\e";
    else if (c == '-' && (code || i == 0 || !isalnum((unsigned char)s[i - 1])))
      out += "\\-";
    else if (static_cast<unsigned char>(c) >= 0x80)
      out += unicode_escape(s, &i);
    else
      out += c;
  }
  return out;
}

// `code`, **bold**, backslash escapes; the rest through escape_text.
std::string inline_text(std::string_view s) {
  std::string out, plain;
  auto flush = [&] {
    out += escape_text(plain, false);
    plain.clear();
  };
  for (size_t i = 0; i < s.size(); i++) {
    bool word_start = i == 0 || s[i - 1] == ' ' || s[i - 1] == '(';
    size_t close;
    if (s[i] == '\\' && i + 1 < s.size() && ispunct((unsigned char)s[i + 1])) {
      plain += s[++i];
    } else if (s[i] == '`' &&
               (close = s.find('`', i + 1)) != std::string_view::npos) {
      flush();
      out +=
          "\\fB" + escape_text(s.substr(i + 1, close - i - 1), true) + "\\fR";
      i = close;
    } else if (word_start && s.substr(i).starts_with("**") &&
               i + 2 < s.size() && isalnum((unsigned char)s[i + 2]) &&
               (close = s.find("**", i + 2)) != std::string_view::npos) {
      flush();
      out +=
          "\\fB" + escape_text(s.substr(i + 2, close - i - 2), false) + "\\fR";
      i = close + 1;
    } else {
      plain += s[i];
    }
  }
  flush();
  return out;
}

bool is_numbered_item(std::string_view line, std::string_view *number,
                      std::string_view *rest) {
  size_t n = 0;
  while (n < line.size() && isdigit((unsigned char)line[n]))
    n++;
  if (n == 0 || !line.substr(n).starts_with(". "))
    return false;
  *number = line.substr(0, n + 1);
  *rest = trim(line.substr(n + 2));
  return true;
}

// The block structure, line by line.
class Converter {
public:
  std::string run(std::string_view markdown) {
    std::vector<std::string_view> lines = split_lines(markdown);
    for (size_t i = 0; i < lines.size(); i++) {
      std::string_view next = i + 1 < lines.size() ? lines[i + 1] : "";
      line(lines[i], next);
    }
    return out_;
  }

private:
  enum class Block { None, Heading, Para, Item, Definition };

  void emit(const std::string &s) { out_ += s + "\n"; }

  // A text line, broken at spaces to at most 80 bytes where it can be
  // (man page sources are read in 80 columns; roff refills them anyway).
  void emit_text(const std::string &s) {
    size_t start = 0;
    while (s.size() - start > 80) {
      size_t cut = s.rfind(' ', start + 80);
      if (cut == std::string::npos || cut <= start)
        cut = s.find(' ', start + 80);
      if (cut == std::string::npos)
        break;
      emit(line_start(s.substr(start, cut - start)));
      start = cut + 1;
    }
    emit(line_start(s.substr(start)));
  }

  // A line starting with '.' or '\'' would be a request.
  static std::string line_start(std::string s) {
    return s.starts_with('.') || s.starts_with('\'') ? "\\&" + s : s;
  }

  // A new paragraph, unless a heading just opened one or nothing came yet
  // (a .PP there is a no-op that mandoc -Tlint warns about).
  void paragraph(const char *macro) {
    if (block_ != Block::Heading && block_ != Block::None)
      emit(macro);
  }

  void line(std::string_view l, std::string_view next) {
    if (in_comment_) {
      in_comment_ = l.find("-->") == std::string_view::npos;
      return;
    }
    if (in_code_) {
      if (l.starts_with("```")) {
        emit(".fi");
        emit(".RE");
        in_code_ = false;
        block_ = Block::Para;
      } else {
        emit(line_start(escape_text(l, true)));
      }
      return;
    }
    std::string_view t = trim(l);
    if (t.empty()) {
      blank_ = true;
      return;
    }
    bool new_para = blank_;
    blank_ = false;
    if (l == "%" || l.starts_with("% "))
      return;
    if (t.starts_with("<!--")) {
      in_comment_ = t.find("-->") == std::string_view::npos;
      return;
    }
    if (l.starts_with("```")) {
      paragraph(".PP");
      emit(".RS 4");
      emit(".nf");
      in_code_ = true;
      return;
    }
    if (l.starts_with("# ") || l.starts_with("## ")) {
      bool sub = l.starts_with("## ");
      emit((sub ? ".SS " : ".SH ") + heading(t.substr(sub ? 3 : 2)));
      block_ = Block::Heading;
      in_name_ = !sub && trim(t.substr(2)) == "NAME";
      return;
    }
    std::string_view number, rest;
    if (is_numbered_item(l, &number, &rest)) {
      emit(".IP " + std::string(number) + " 4");
      emit_text(inline_text(rest));
      block_ = Block::Item;
      return;
    }
    if (next.starts_with(":   ") && l[0] != ' ') {
      emit(".TP");
      emit_text(inline_text(t));
      block_ = Block::Definition;
      return;
    }
    if (l.starts_with(":   ")) {
      emit_text(inline_text(trim(t.substr(1))));
      return;
    }
    bool indented = l.starts_with("   ");
    if (indented && (block_ == Block::Item || block_ == Block::Definition)) {
      if (new_para)
        emit(".IP");
      emit_text(inline_text(t));
      return;
    }
    if (new_para || block_ != Block::Para)
      paragraph(".PP");
    std::string text = inline_text(t);
    // whatis(1) and lexgrog read NAME as "name \- summary".
    const std::string dash = " \\[u2014] ";
    if (size_t p = text.find(dash); in_name_ && p != std::string::npos)
      text.replace(p, dash.size(), " \\- ");
    emit_text(text);
    block_ = Block::Para;
  }

  // .SH arguments with spaces are quoted; "[Distribution] section" is fine.
  static std::string heading(std::string_view text) {
    std::string s = inline_text(text);
    return s.find(' ') == std::string::npos ? s : "\"" + s + "\"";
  }

  std::string out_;
  Block block_ = Block::None;
  bool blank_ = false, in_code_ = false, in_comment_ = false;
  bool in_name_ = false; // in the NAME section
};

} // namespace

std::string markdown_to_man(const ManHeader &h, std::string_view markdown) {
  std::string upper;
  for (char c : h.name)
    upper += static_cast<char>(toupper((unsigned char)c));
  std::string out = fmt::format(
      ".\\\" Generated by initpack from its option and settings tables; do "
      "not edit.\n.TH \"{}\" \"{}\" \"{}\" \"{}\" \"{}\"\n",
      escape_text(upper, false), h.section, h.date,
      escape_text(h.source, false), escape_text(h.manual, false));
  return out + Converter().run(markdown);
}

} // namespace initpack
