// initpack(1) and initpack.conf(5) as roff, generated at build time by
// `initpack generate man1|man5` (CMakeLists.txt) and installed to
// share/man. initpack(1) is the prose of doc/initpack.1.prose.md with the
// commands and options read from the CLI11 app; initpack.conf(5) is
// `initpack summary --doc` (config/summary.h) converted.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace initpack {

// initpack(1) in Markdown: the prose, with each command's options, the
// global options and the configuration options in place of "@COMMANDS@".
std::string render_cli_doc(const CLI::App &app);

// `date` goes into the pages' title line (YYYY-MM-DD).
std::string man1_page(const CLI::App &app, const std::string &date);
std::string man5_page(const std::string &date);

} // namespace initpack
