// `initpack resolve PKG…`: the package set a build would install, as a
// table with sizes and a total; --explain says why each package is there.
#include "cli/commands.h"
#include "config/load.h"
#include "context.h"
#include "packages/cache_lock.h"
#include "packages/resolution_cache.h"
#include "packages/resolver.h"

#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

namespace initpack {

namespace {

// apt's units: kB and MB are powers of 1000.
std::string human_size(uint64_t bytes) {
  if (bytes < 1000)
    return fmt::format("{} B", bytes);
  if (bytes < 1000 * 1000)
    return fmt::format("{:.1f} kB", bytes / 1e3);
  return fmt::format("{:.1f} MB", bytes / 1e6);
}

void print_table(const Context &ctx, const std::vector<PackageRef> &pkgs) {
  size_t wname = 7, wver = 7;
  uint64_t total = 0, installed = 0;
  for (const PackageRef &p : pkgs) {
    wname = std::max(wname, p.name.size());
    wver = std::max(wver, p.version.size());
    total += p.size;
    installed += p.installed_size * 1024;
  }
  std::string out =
      fmt::format("{:<{}}  {:<{}}  {:>9}{}\n", "PACKAGE", wname, "VERSION",
                  wver, "SIZE", ctx.explain ? "  WHY" : "");
  for (const PackageRef &p : pkgs)
    out +=
        fmt::format("{:<{}}  {:<{}}  {:>9}{}\n", p.name, wname, p.version, wver,
                    human_size(p.size), ctx.explain ? "  " + p.why : "");
  out += fmt::format("{} packages, {} to download, {} installed\n", pkgs.size(),
                     human_size(total), human_size(installed));
  std::cout << out;
}

// Everything the fetcher gets, for scripts and tests.
void print_json(const std::vector<PackageRef> &pkgs) {
  nlohmann::json out = nlohmann::json::array();
  for (const PackageRef &p : pkgs)
    out.push_back(package_ref_json(p));
  std::cout << out.dump(1) << "\n";
}

} // namespace

namespace {
struct ResolveArgs {
  CliConfig cli;
  std::vector<std::string> packages;
  bool json = false;
};
} // namespace

void register_resolve_command(CLI::App &app, Context &ctx, int *exit_code) {
  auto opts = std::make_shared<ResolveArgs>();
  CLI::App *cmd = app.add_subcommand(
      "resolve", "Resolve packages against the archive and print the set. "
                 "Without PACKAGE arguments: the configured Packages= "
                 "(profiles included). Example: initpack resolve --explain "
                 "systemd udev");
  cmd->add_option("packages", opts->packages,
                  "Packages (NAME or NAME=VERSION); default: Packages=");
  cmd->add_flag("--explain", ctx.explain, "Say why each package is in the set");
  cmd->add_flag("--json", opts->json,
                "Print JSON: name, version, arch, url, sha256, size, "
                "installed_size, why, replaces");
  add_config_options(*cmd, opts->cli);
  cmd->callback([&ctx, opts] {
    load_config(ctx, opts->cli);
    CacheLock lock(ctx);
    const std::vector<std::string> &wanted =
        opts->packages.empty() ? ctx.config.packages : opts->packages;
    if (wanted.empty())
      Fatal(ctx) << "nothing to resolve: name packages or set Packages=";
    std::vector<PackageRef> pkgs = resolve_packages(ctx, wanted);
    if (opts->json)
      print_json(pkgs);
    else
      print_table(ctx, pkgs);
  });
}

} // namespace initpack
