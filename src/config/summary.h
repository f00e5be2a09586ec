// Views of the settings table: the resolved configuration as
// `initpack summary` prints it, a sample initpack.conf, and the
// initpack.conf(5) man page. All come from settings() so they never drift
// from the code.
#pragma once

#include "config/config.h"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace initpack {

// Every setting as "Key=value  # where it came from", grouped in
// [Section]s (so the text reads as a config file), then the applied
// profiles and the files read.
std::string render_summary(const Config &c);
nlohmann::json summary_json(const Config &c);

// A commented initpack.conf with every setting at its default
// (`initpack summary --sample`).
std::string render_sample();

// initpack.conf(5) in pandoc Markdown (`initpack summary --doc`); the
// generated copy is committed as doc/initpack.conf.5.md.
std::string render_doc();

} // namespace initpack
