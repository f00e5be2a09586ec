// Loading the configuration: files, drop-ins, profiles and the command line
// become ctx.config.
//
// Files, lowest precedence first (the "config directories"):
//   /usr/lib/initpack, /usr/local/lib/initpack, /run/initpack, /etc/initpack
//   (or $INITPACK_SYSTEM_CONFIG_DIRS, ':'-separated), then each -C DIR in
//   command-line order. In each: initpack.conf and initpack.conf.d/*.conf,
//   and mkosi's files (config/mkosi.h). The mkosi-initrd directories
//   /usr/lib/mkosi-initrd … /etc/mkosi-initrd come before initpack's.
// Order of reading:
//   0. every directory's mkosi configuration, in directory order, each in
//      mkosi's order (so initpack's own files override it);
//   1. every directory's initpack.conf, in directory order (all are read,
//      so a later one adds to an earlier one instead of replacing it);
//   2. the drop-ins of all directories as one list sorted by file name
//      (byte order), as systemd does: a drop-in masks any drop-in of the
//      same name in an earlier directory, and an empty file or a symlink to
//      /dev/null masks without adding anything.
// A file applies only when its [Match] sections hold (config/match.h).
// Files named by --dracut-config (config/dracut.h) come before all of
// these, so initpack's own files override what they say.
//
// Then profiles: "default" first, then each Profiles= name in order, a
// profile's own Profiles= before the profile itself; each profile.conf is
// read like a config file. Profiles form the bottom layer: the replayed
// order is defaults, profiles, files, command line. Lists append (an empty
// assignment resets everything below it), scalars take the last value, so
// the command line wins. Each profile's tree/ directory goes first in
// ExtraTrees, so the user's trees overlay it.
//
// Finally SourceDateEpoch= falls back to $SOURCE_DATE_EPOCH.
#pragma once

#include "config/config.h"

#include <CLI/CLI.hpp>

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct Context;

// What the command line gave, filled by the options add_config_options
// registers. Must stay at one address once registered.
struct CliConfig {
  std::vector<std::string> config_dirs; // -C DIR, in order
  // --dracut-config PATH: dracut.conf files or directories (config/dracut.h)
  std::vector<std::string> dracut_configs;
  // INI key -> the raw values given on the command line, in order.
  std::map<std::string, std::vector<std::string>> values;

  // Where to look. Tests set these so they never read the real /etc.
  // Unset: $INITPACK_SYSTEM_CONFIG_DIRS (':'-separated), else the standard
  // list above.
  std::optional<std::vector<std::string>> system_config_dirs;
  // Empty: $INITPACK_PROFILES_DIR, else the installed profiles, else the
  // source tree's (see config/profiles.h).
  std::string profiles_dir;
  // Release= matches the host's VERSION_CODENAME from here while no
  // release is configured. Empty: the codename of the first suite of the
  // apt sources under AptRoot= (from the command line), else that root's
  // etc/os-release or usr/lib/os-release.
  std::string os_release;
};

// Registers -C and the flag of every setting in the table on `cmd` (or
// only of the settings `only` names), with help text and the setting's
// section as the help group.
void add_config_options(CLI::App &cmd, CliConfig &cli,
                        std::initializer_list<std::string_view> only = {});

// Files + profiles + command line -> ctx.config.
// Every problem is reported with Error(ctx), then the run stops at a
// checkpoint if there were any.
void load_config(Context &ctx, const CliConfig &cli);

// $SOURCE_DATE_EPOCH, parsed as SourceDateEpoch= is (the one place that
// reads it): nullopt when unset or empty; false with *err on a bad value.
bool source_date_epoch_from_environment(std::optional<int64_t> *out,
                                        std::string *err);

// The work of load_config without a Context, for tests: the resolved
// configuration, with every problem appended to *errors, the names of
// the files it read (and skipped or masked) to *notes and the settings it
// ignores (mkosi's, config/mkosi.h) to *warnings.
Config resolve_config(const CliConfig &cli, std::vector<std::string> *errors,
                      std::vector<std::string> *notes = nullptr,
                      std::vector<std::string> *warnings = nullptr);

// The standard system configuration directories, lowest precedence first.
std::vector<std::string> standard_config_dirs();

} // namespace initpack
