// `initpack modules`: runs the kernel-module pass alone, with the same
// configuration `build` reads (files, profiles, the KernelModules* flags),
// and writes what it would put in an image (usr/lib/modules/KVER,
// usr/lib/firmware) into a directory, for inspection with modprobe -d,
// modinfo or ls; --explain prints why each module is in.
#include "cli/commands.h"
#include "config/load.h"
#include "context.h"
#include "kernel/kernel.h"
#include "kernel/modules.h"
#include "util/fs.h"

#include <iostream>
#include <memory>
#include <unistd.h>

namespace initpack {

namespace {

struct ModulesArgs {
  CliConfig cli;
  std::string modules_root = "/lib/modules";
  std::string unpacked_kernel;
  std::string host_firmware_dir = "/lib/firmware";
  std::string dest;
};

// Writes the tree's entries below the given prefixes into `dir`.
void write_tree_part(Context &ctx, const std::string &dir,
                     const std::vector<std::string> &prefixes) {
  std::string err;
  for (const auto &[path, e] : ctx.tree.entries()) {
    bool wanted = false;
    for (const std::string &p : prefixes)
      wanted |= path == p || path.starts_with(p + "/");
    if (!wanted)
      continue;
    std::string dest = dir + "/" + path;
    bool ok = true;
    std::string data;
    switch (e.inode->type) {
    case NodeType::Dir:
      ok = mkdir_p(dest, &err);
      break;
    case NodeType::Symlink:
      ok = mkdir_p(dirname(dest), &err) &&
           (symlink(e.inode->symlink_target.c_str(), dest.c_str()) == 0 ||
            (err = errno_string(), false));
      break;
    case NodeType::File:
      ok = mkdir_p(dirname(dest), &err) &&
           e.inode->content->read(&data, &err) &&
           write_file(dest, data, &err, e.inode->mode);
      break;
    default:
      break;
    }
    if (!ok)
      Fatal(ctx) << "cannot write " << dest << ": " << err;
  }
}

} // namespace

void register_modules_command(CLI::App &app, Context &ctx, int *exit_code) {
  auto opts = std::make_shared<ModulesArgs>();
  CLI::App *cmd = app.add_subcommand(
      "modules",
      "Choose the kernel modules an image would get and write them to a "
      "directory. Example: initpack modules --module-include nvme "
      "--explain --dest /tmp/m");
  add_config_options(*cmd, opts->cli);
  auto group = "Kernel modules";
  cmd->add_option("--modules-root", opts->modules_root,
                  "Where installed kernels' modules are")
      ->capture_default_str()
      ->group(group);
  cmd->add_option("--unpacked-kernel", opts->unpacked_kernel,
                  "A linux-image package unpacked in DIR (depmod runs there "
                  "when needed), instead of an installed kernel")
      ->group(group);
  cmd->add_option("--host-firmware-dir", opts->host_firmware_dir,
                  "Firmware of this machine, used in hostonly mode")
      ->capture_default_str()
      ->group(group);
  cmd->add_flag("--explain", ctx.explain, "Print why each module is in")
      ->group(group);
  cmd->add_option("--dest", opts->dest,
                  "Directory to write usr/lib/modules and usr/lib/firmware to")
      ->group(group);
  cmd->callback([&ctx, opts] {
    load_config(ctx, opts->cli);
    if (!opts->unpacked_kernel.empty())
      use_unpacked_kernel(ctx, opts->unpacked_kernel);
    else if (!ctx.config.kernel_package.empty())
      Fatal(ctx) << "initpack modules does not download kernel packages "
                    "(KernelPackage="
                 << ctx.config.kernel_package
                 << "): unpack one and pass --unpacked-kernel DIR";
    else
      find_installed_kernel(ctx, opts->modules_root);
    add_kernel_modules(ctx, opts->host_firmware_dir);
    if (ctx.explain)
      std::cout << explain_modules(ctx.modules);
    if (!opts->dest.empty())
      write_tree_part(ctx, opts->dest, {"usr/lib/modules", "usr/lib/firmware"});
    if (!ctx.diag.quiet)
      std::cerr << ctx.modules.size() << " modules, "
                << ctx.tree.content_bytes() << " bytes, for kernel "
                << ctx.kernel.version << "\n";
  });
}

} // namespace initpack
