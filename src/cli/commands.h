// Each subcommand lives in its own cmd_*.cc and registers itself on the
// CLI11 app here. A command's callback does the work and stores its exit
// code in *exit_code; FatalError escaping it becomes exit code 1 in main().
#pragma once

#include <CLI/CLI.hpp>

namespace initpack {

struct Context;

// initpack summary: the resolved configuration (cli/cmd_summary.cc).
void register_summary_command(CLI::App &app, Context &ctx, int *exit_code);
void add_inspect_command(CLI::App &app, Context &ctx, int *exit_code);
void add_diff_command(CLI::App &app, Context &ctx, int *exit_code);
void register_qemu_command(CLI::App &app, Context &ctx, int *exit_code);
// initpack resolve: the package set, with --explain (cli/cmd_resolve.cc).
void register_resolve_command(CLI::App &app, Context &ctx, int *exit_code);
// initpack modules: the kernel-module pass alone (cli/cmd_modules.cc).
void register_modules_command(CLI::App &app, Context &ctx, int *exit_code);

// initpack sign / addon: SecureBoot signatures and stub addons
// (cli/cmd_sign.cc, cli/cmd_addon.cc).
void register_sign_command(CLI::App &app, Context &ctx, int *exit_code);
void register_addon_command(CLI::App &app, Context &ctx, int *exit_code);
// initpack credential: systemd credentials for the initrd
// (cli/cmd_credential.cc).
void register_credential_command(CLI::App &app, Context &ctx, int *exit_code);

// initpack build (cli/cmd_build.cc).
void register_build_command(CLI::App &app, Context &ctx, int *exit_code);

} // namespace initpack
