// `initpack summary`: the resolved configuration, each setting with its
// value and where it came from (file:line, profile, command line, default).
// --sample and --doc print a sample initpack.conf and initpack.conf(5),
// both generated from the settings table.
#include "cli/commands.h"
#include "config/load.h"
#include "config/summary.h"
#include "context.h"

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
};
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
  cmd->callback([&ctx, opts] {
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
