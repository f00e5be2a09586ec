// `initpack build`: configuration → image.
#include "build.h"
#include "cli/commands.h"
#include "config/load.h"
#include "context.h"
#include "packages/cache_lock.h"

#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

namespace initpack {

// The last line of a build, on stderr (stdout stays for --explain).
static void print_summary(Context &ctx, const BuildResult &r) {
  if (ctx.diag.quiet)
    return;
  std::cerr << fmt::format(
      "{}: {:.1f} MB ({}), {} packages, {} paths, {} modules for {}, "
      "{:.1f} s\n",
      r.output, r.bytes / 1e6,
      compression_name(ctx.config.encoding.compression), ctx.packages.size(),
      ctx.tree.size(), ctx.modules.size(), ctx.kernel.version, r.seconds);
}

// --json: the same facts, and every pass's time, for scripts.
static void print_json(Context &ctx, const BuildResult &r) {
  nlohmann::ordered_json j;
  j["output"] = r.output;
  j["bytes"] = r.bytes;
  j["format"] = std::string(format_name(ctx.config.format));
  j["compression"] =
      std::string(compression_name(ctx.config.encoding.compression));
  j["kernel_version"] = ctx.kernel.version;
  j["kernel_image"] = r.kernel_image.empty()
                          ? nlohmann::ordered_json()
                          : nlohmann::ordered_json(r.kernel_image);
  j["packages"] = ctx.packages.size();
  j["modules"] = ctx.modules.size();
  j["paths"] = ctx.tree.size();
  j["seconds"] = r.seconds;
  nlohmann::ordered_json passes = nlohmann::ordered_json::array();
  for (const Timings::Record &t : ctx.timings.records)
    passes.push_back(
        {{"pass", t.name}, {"depth", t.depth}, {"seconds", t.seconds}});
  j["timings"] = passes;
  std::cout << j.dump(2) << "\n";
}

void register_build_command(CLI::App &app, Context &ctx, int *exit_code) {
  auto cli = std::make_shared<CliConfig>();
  auto json = std::make_shared<bool>(false);
  CLI::App *cmd = app.add_subcommand(
      "build",
      "Build an initrd from distribution packages.\n"
      "Examples:\n"
      "  initpack build                      generic initrd for the newest "
      "kernel in /lib/modules\n"
      "  initpack build --hostonly           only what this machine needs\n"
      "  initpack build --kernel-package linux-image-amd64\n"
      "                                      kernel and modules from the "
      "archive; writes vmlinuz too\n"
      "  initpack build --profile lvm --profile luks -o "
      "/boot/initrd.img-$(uname -r)");
  add_config_options(*cmd, *cli);
  CLI::Option *explain =
      cmd->add_flag("--explain", ctx.explain,
                    "Say why each package and kernel module is in the image");
  cmd->add_flag("--json", *json,
                "Print the result as JSON on stdout: output path, size, "
                "format, kernel, counts and the time of each pass")
      ->excludes(explain);
  cmd->add_flag("--keep-temp", ctx.keep_temp,
                "Keep temporary directories (as $TMPDIR/initpack-*.kept-*, for "
                "debugging)");
  cmd->callback([&ctx, cli, json] {
    load_config(ctx, *cli);
    CacheLock lock(ctx);
    BuildResult r = build_image(ctx);
    if (*json)
      print_json(ctx, r);
    else
      print_summary(ctx, r);
  });
}

} // namespace initpack
