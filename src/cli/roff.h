// Man pages in roff from the Markdown initpack already generates for
// doc/ (initpack.conf.5.md) — one source for the page on GitHub and the
// page `man` shows, with no pandoc at build time.
//
// The Markdown is the subset the generators and doc/*.prose.md use:
//   % title lines and <!-- comments -->       dropped
//   # NAME / ## Sub                            .SH / .SS
//   paragraphs (blank-line separated)          .PP, text filled by roff
//   1. item (continued by indented lines)      .IP "1." 4
//   term, then ":   definition" (pandoc)       .TP; further paragraphs of the
//                                              definition indented 4: .IP
//   ``` fenced code ```                        .RS/.nf … .fi/.RE
//   `code`, **bold**                           \fB…\fR
//   \* and other backslash escapes             the character
// Non-ASCII characters become \[uXXXX] so that groff reads the page in any
// locale; '-' in options becomes \- (a real minus: copy-pasteable).
#pragma once

#include <string>
#include <string_view>

namespace initpack {

struct ManHeader {
  std::string name;    // "initpack.conf"
  std::string section; // "5"
  std::string source;  // "initpack 0.1.0"
  std::string manual;  // "File Formats"
  std::string date;    // "2026-12-03": the build's, from SOURCE_DATE_EPOCH
                       // when set (so a package build is reproducible)
};

// The page: a .TH line from `header`, then `markdown` converted.
std::string markdown_to_man(const ManHeader &header, std::string_view markdown);

} // namespace initpack
