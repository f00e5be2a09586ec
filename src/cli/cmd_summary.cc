// `initpack summary`: the resolved configuration, each setting with its
// value and where it came from (file:line, profile, command line, default).
// --sample and --doc print a sample initpack.conf and initpack.conf(5),
// both generated from the settings table.
#include "cli/commands.h"
#include "config/load.h"
#include "config/profiles.h"
#include "config/summary.h"
#include "context.h"
#include "util/diag.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace initpack {

namespace {
struct SummaryArgs {
  CliConfig cli;
  bool json = false;
  bool sample = false;
  bool doc = false;
  bool profiles = false;
};

// `--profiles`: a line per profile, its name and what it is for.
void print_profiles(Context &ctx, const std::string &override_dir) {
  std::string err;
  std::string dir = find_profiles_dir(override_dir, &err);
  if (dir.empty())
    Fatal(ctx) << err;
  std::vector<std::string> names = available_profiles(dir);
  size_t width = 0;
  for (const std::string &name : names)
    width = std::max(width, name.size());
  for (const std::string &name : names)
    std::cout << fmt::format("{:<{}} {}\n", name, width,
                             profile_description(dir, name));
}
} // namespace

void register_summary_command(CLI::App &app, Context &ctx, int *exit_code) {
  auto opts = std::make_shared<SummaryArgs>();
  CLI::App *cmd = app.add_subcommand(
      "summary", "Print the resolved configuration and where each value "
                 "came from. Example: initpack summary -C ./myconf --json");
  add_config_options(*cmd, opts->cli);
  cmd->add_flag("--json", opts->json, "Print JSON instead of INI-like text");
  cmd->add_flag("--sample", opts->sample,
                "Print a sample initpack.conf with every setting and its "
                "default, then exit");
  cmd->add_flag("--doc", opts->doc,
                "Print the initpack.conf(5) man page (Markdown), then exit");
  cmd->add_flag("--profiles", opts->profiles,
                "Print the available profiles (for Profiles=/--profile), "
                "each with what it is for, then exit");
  cmd->callback([&ctx, opts] {
    if (opts->profiles) {
      print_profiles(ctx, opts->cli.profiles_dir);
      return;
    }
    if (opts->sample) {
      std::cout << render_sample();
      return;
    }
    if (opts->doc) {
      std::cout << render_doc();
      return;
    }
    load_config(ctx, opts->cli);
    if (opts->json)
      std::cout << summary_json(ctx.config).dump(2) << "\n";
    else
      std::cout << render_summary(ctx.config);
  });
}

} // namespace initpack
