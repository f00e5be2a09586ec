// Watches a guest's serial console as it arrives and reports the first
// occurrence of each text a boot test waits for: the success marker, a
// failure text (kernel panic, systemd's emergency mode), or a prompt to
// answer. Bytes come in arbitrary chunks, so a marker may be split across
// reads; systemd colours its status lines with ANSI escapes and the serial
// line ends lines with "\r\n". The scanner matches on a cleaned copy of the
// stream (escapes and carriage returns removed), so "\e[0;1;39mYou are in\e[0m
// emergency mode" still matches "You are in emergency mode".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

class SerialScanner {
public:
  enum class Kind { Expect, Fail, Prompt };

  struct Match {
    Kind kind;
    size_t pattern; // index as returned by add()
    size_t offset;  // where the text starts in the cleaned stream
  };

  // Registers a text to look for; returns its index. Expect and Fail texts
  // are reported once; a Prompt is reported each time it appears again
  // (a passphrase prompt repeats after a wrong answer).
  size_t add(Kind kind, std::string text);
  const std::string &pattern_text(size_t index) const {
    return patterns_[index].text;
  }

  // Appends raw serial bytes; returns the new matches ordered by offset.
  std::vector<Match> feed(std::string_view raw);

  // The cleaned stream so far (the newest kMaxKept bytes of it).
  const std::string &text() const { return text_; }
  // The cleaned line holding `offset`, without its newline; *complete tells
  // whether its newline has arrived yet.
  std::string line_at(size_t offset, bool *complete) const;
  // The last `count` cleaned lines, for a failure report.
  std::string tail(size_t count) const;

  // Cleaned text older than this is dropped, so a guest printing in a loop
  // until the timeout cannot exhaust memory.
  static constexpr size_t kMaxKept = 1 << 20;

private:
  struct Pattern {
    Kind kind;
    std::string text;
    size_t search_from = 0; // absolute offset in the cleaned stream
    bool done = false;
  };
  enum class EscState { None, Esc, Charset, Csi, Osc, OscEsc };

  void append_clean(std::string_view raw);

  std::vector<Pattern> patterns_;
  std::string text_;
  size_t dropped_ = 0; // cleaned bytes dropped from the front of text_
  EscState esc_ = EscState::None;
};

// Removes ANSI escape sequences, carriage returns and other control
// characters (except newline and tab) from a complete piece of text.
std::string clean_serial_text(std::string_view raw);

} // namespace initpack
