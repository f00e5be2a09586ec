// Unit enablement without systemctl: each unit named in EnableUnits= is
// wired up the way `systemctl enable` would from its [Install] section
// (WantedBy=, RequiredBy=, UpheldBy=, Alias=, Also=, DefaultInstance=).
// An explicit list, not preset-all: presets enable far more than an initrd
// wants (FACTS.md).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct Context;

struct InstallSection {
  std::vector<std::string> wanted_by, required_by, upheld_by, alias, also;
  std::string default_instance;
};

// Reads the [Install] section of a unit file's text.
InstallSection parse_install_section(std::string_view unit_text);

// The pass: Fatal when a unit named in Config::enable_units does not exist.
void enable_units(Context &ctx);

} // namespace initpack
