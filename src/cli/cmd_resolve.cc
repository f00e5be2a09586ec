// `initpack resolve PKG…`: the package set a build would install, as a
// table with sizes and a total; --explain says why each package is there.
#include "cli/commands.h"
#include "context.h"
#include "packages/resolver.h"

#include <fmt/format.h>
#include <iostream>
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
    out.push_back({{"name", p.name},
                   {"version", p.version},
                   {"arch", p.arch},
                   {"url", p.url},
                   {"sha256", p.sha256},
                   {"size", p.size},
                   {"installed_size", p.installed_size},
                   {"why", p.why}});
  std::cout << out.dump(1) << "\n";
}

} // namespace

// The archive settings as flags, until the settings table (config branch)
// declares them; kept in one place so it can be swapped for that table.
void add_archive_flags(CLI::App *cmd, Context &ctx) {
  Config &cfg = ctx.config;
  cmd->add_option("--mirror", cfg.mirror, "Archive root URL (Mirror=)");
  cmd->add_option("--security-mirror", cfg.security_mirror,
                  "Archive root of the -security suite (SecurityMirror=)");
  cmd->add_option("--release", cfg.release,
                  "Release, e.g. bookworm: loads it, -updates, -security");
  cmd->add_option("--suite", cfg.suites, "A suite to load (repeatable)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--repositories", cfg.repositories,
                  "Components, e.g. main,non-free-firmware")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_option("--keyring", cfg.keyrings,
                  "Keyring file for gpgv (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--arch", cfg.architecture, "Debian architecture")
      ->capture_default_str();
  cmd->add_option("--cache-dir", cfg.cache_directory, "Cache directory");
  cmd->add_option("--apt-root", cfg.apt_root,
                  "Read ROOT/etc/apt/sources.list{,.d} instead of the host's")
      ->envname("INITPACK_APT_ROOT");
  cmd->add_option("--remove", cfg.remove_packages,
                  "Never install this package (RemovePackages=)")
      ->delimiter(',')
      ->allow_extra_args(false);
  cmd->add_flag("--offline", cfg.offline, "Use only cached indexes");
  cmd->add_flag("--with-recommends", cfg.with_recommends,
                "Install Recommends too");
  cmd->add_flag(
      "--no-check-valid-until",
      [&cfg](int64_t) { cfg.check_valid_until = false; },
      "Accept a Release past its Valid-Until date");
}

void register_resolve_command(CLI::App &app, Context &ctx, int *exit_code) {
  CLI::App *cmd = app.add_subcommand(
      "resolve", "Resolve packages against the archive and print the set");
  auto wanted = std::make_shared<std::vector<std::string>>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("packages", *wanted, "Packages (NAME or NAME=VERSION)")
      ->required();
  cmd->add_flag("--explain", ctx.explain, "Say why each package is in the set");
  cmd->add_flag("--json", *json,
                "Print JSON: name, version, arch, url, sha256, size, "
                "installed_size, why");
  add_archive_flags(cmd, ctx);
  cmd->callback([&ctx, wanted, json, exit_code] {
    std::vector<PackageRef> pkgs = resolve_packages(ctx, *wanted);
    if (*json)
      print_json(pkgs);
    else
      print_table(ctx, pkgs);
    *exit_code = 0;
  });
}

} // namespace initpack
