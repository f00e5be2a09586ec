// The command line as data, read back from the CLI11 app main() builds:
// each visible command with its options, and for an option that comes from
// the settings table (config/settings.h) its setting, so the allowed
// values are known. initpack(1) and the shell completions are generated
// from this, so neither can drift from what the parser accepts.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace initpack {

struct Setting;

struct CliOption {
  std::vector<std::string> names; // "-o", "--output"; empty: positional
  std::string metavar;            // "FILE", "DIR ...", "TEXT"; "" for flags
  std::string help;               // one line
  bool takes_value = false;
  bool positional = false;
  const Setting *setting = nullptr; // a configuration option's setting
  std::vector<std::string> choices; // the values it accepts, when known
  bool wants_file() const;          // the value names a file or directory
  bool wants_dir() const;
};

struct CliCommand {
  std::string name;               // "" for the global options
  std::string help;               // one line
  std::string details;            // further lines of --help, as laid out there
  std::vector<CliOption> options; // without the settings' options
  bool config_options = false;    // takes every setting's option too
};

// The global options first (name ""), then the visible commands in the
// order they were registered. Hidden commands (empty group) are left out,
// and so is -h/--help, which every command has.
std::vector<CliCommand> cli_commands(const CLI::App &app);

// Every setting's command-line option, in the settings table's order.
std::vector<CliOption> config_options();

} // namespace initpack
