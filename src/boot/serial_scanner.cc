#include "boot/serial_scanner.h"

#include <algorithm>

namespace initpack {

size_t SerialScanner::add(Kind kind, std::string text) {
  patterns_.push_back({kind, std::move(text)});
  patterns_.back().search_from = dropped_ + text_.size();
  return patterns_.size() - 1;
}

// A small state machine over ECMA-48 escape sequences, kept across calls
// because a sequence may be split between two reads. Only what consoles
// print is handled: CSI (ESC [ … final byte), OSC (ESC ] … BEL or ESC \),
// charset selection (ESC ( B) and two-byte escapes such as ESC c (reset).
void SerialScanner::append_clean(std::string_view raw) {
  for (char ch : raw) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (esc_) {
    case EscState::None:
      if (c == 0x1b)
        esc_ = EscState::Esc;
      else if (c == '\n' || c == '\t' || (c >= 0x20 && c != 0x7f))
        text_ += ch;
      break;
    case EscState::Esc:
      if (c == '[')
        esc_ = EscState::Csi;
      else if (c == ']')
        esc_ = EscState::Osc;
      else if (c >= 0x20 && c <= 0x2f)
        esc_ = EscState::Charset;
      else
        esc_ = EscState::None;
      break;
    case EscState::Charset:
      esc_ = EscState::None;
      break;
    case EscState::Csi:
      // Parameter and intermediate bytes are 0x20-0x3f; anything else ends
      // the sequence (a final byte, or garbage we also drop).
      if (c < 0x20 || c > 0x3f)
        esc_ = EscState::None;
      break;
    case EscState::Osc:
      if (c == 0x07)
        esc_ = EscState::None;
      else if (c == 0x1b)
        esc_ = EscState::OscEsc;
      break;
    case EscState::OscEsc:
      esc_ = c == '\\' ? EscState::None : EscState::Osc;
      break;
    }
  }
}

std::vector<SerialScanner::Match> SerialScanner::feed(std::string_view raw) {
  append_clean(raw);
  std::vector<Match> found;
  size_t end = dropped_ + text_.size();
  for (size_t i = 0; i < patterns_.size(); i++) {
    Pattern &p = patterns_[i];
    if (p.done || p.text.empty())
      continue;
    for (;;) {
      size_t from = std::max(p.search_from, dropped_) - dropped_;
      size_t at = text_.find(p.text, from);
      if (at == std::string::npos) {
        // Keep the last len-1 bytes searchable: the text may be cut there.
        size_t keep = p.text.size() - 1;
        p.search_from = std::max(p.search_from, end > keep ? end - keep : 0);
        break;
      }
      found.push_back({p.kind, i, dropped_ + at});
      p.search_from = dropped_ + at + p.text.size();
      if (p.kind != Kind::Prompt) {
        p.done = true;
        break;
      }
    }
  }
  std::sort(found.begin(), found.end(),
            [](const Match &a, const Match &b) { return a.offset < b.offset; });

  if (text_.size() > kMaxKept) {
    size_t cut = text_.size() - kMaxKept / 2;
    text_.erase(0, cut);
    dropped_ += cut;
  }
  return found;
}

std::string SerialScanner::line_at(size_t offset, bool *complete) const {
  size_t rel = offset > dropped_ ? offset - dropped_ : 0;
  rel = std::min(rel, text_.size());
  size_t start = rel == 0 ? 0 : text_.rfind('\n', rel - 1);
  start = start == std::string::npos || rel == 0 ? 0 : start + 1;
  size_t end = text_.find('\n', rel);
  *complete = end != std::string::npos;
  if (end == std::string::npos)
    end = text_.size();
  return text_.substr(start, end - start);
}

std::string SerialScanner::tail(size_t count) const {
  size_t pos = text_.size();
  // A trailing newline ends the last line rather than starting an empty one.
  if (pos > 0 && text_[pos - 1] == '\n')
    pos--;
  for (size_t n = 0; n < count && pos > 0; n++) {
    size_t nl = text_.rfind('\n', pos - 1);
    pos = nl == std::string::npos ? 0 : nl;
  }
  if (pos > 0)
    pos++;
  return text_.substr(pos);
}

std::string clean_serial_text(std::string_view raw) {
  SerialScanner s;
  s.feed(raw);
  return s.text();
}

} // namespace initpack
