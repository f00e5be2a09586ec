// Each subcommand lives in its own cmd_NAME.cc, with its options in a
// NAMEArgs struct, and is added to the CLI11 app by register_NAME_command.
// A callback that ends normally means exit code 0 (main's initial value);
// only commands with another answer (diff, inspect, qemu) set *exit_code.
// A FatalError escaping a callback becomes exit code 1 in main().
#pragma once

#include <CLI/CLI.hpp>

namespace initpack {

struct Context;

// initpack summary: the resolved configuration (cli/cmd_summary.cc).
void register_summary_command(CLI::App &app, Context &ctx, int *exit_code);
// initpack inspect / diff: read images (cli/cmd_inspect.cc, cmd_diff.cc).
void register_inspect_command(CLI::App &app, Context &ctx, int *exit_code);
void register_diff_command(CLI::App &app, Context &ctx, int *exit_code);
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

// initpack generate man1|man5, hidden: what the build generates from the
// option tables (cli/cmd_generate.cc).
void register_generate_command(CLI::App &app, Context &ctx, int *exit_code);

// initpack build (cli/cmd_build.cc).
void register_build_command(CLI::App &app, Context &ctx, int *exit_code);

} // namespace initpack
