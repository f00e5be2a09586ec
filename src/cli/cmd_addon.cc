// `initpack addon`: a PE addon for systemd-stub (>= 254) carrying an extra
// kernel command line (and, for stubs that take them, an initrd or
// microcode). Placed as <uki>.extra.d/NAME.addon.efi, or in
// /loader/addons/ on the ESP for every UKI; signed like the UKI where
// SecureBoot is on, since the stub loads it through the firmware.
#include "cli/commands.h"
#include "config/load.h"
#include "context.h"
#include "output/sign.h"
#include "output/uki.h"
#include "util/fs.h"

namespace initpack {

namespace {

struct AddonArgs {
  std::string output, stub = kDefaultAddonStub, initrd, ucode;
  std::vector<std::string> cmdline;
};

std::string read_input(Context &ctx, const std::string &option,
                       const std::string &path) {
  std::string data, err;
  if (!path.empty() && !read_file(path, &data, &err))
    Fatal(ctx) << "addon: " << option << " " << path << ": " << err;
  return data;
}

void run_addon(Context &ctx, const AddonArgs &a) {
  if (!a.output.ends_with(".addon.efi"))
    Fatal(ctx) << "addon: --output " << a.output
               << ": systemd-stub only loads files named *.addon.efi";
  std::string stub_bytes = read_input(ctx, "--stub", a.stub), err;
  PeImage addon;
  if (!parse_pe(stub_bytes, &addon, &err))
    Fatal(ctx) << "addon: --stub " << a.stub << ": " << err;
  std::string cmdline;
  for (const std::string &arg : a.cmdline)
    cmdline += (cmdline.empty() ? "" : " ") + arg;
  if (!assemble_addon(addon, cmdline, read_input(ctx, "--initrd", a.initrd),
                      read_input(ctx, "--ucode", a.ucode), &err))
    Fatal(ctx) << "addon: " << err << " (--stub " << a.stub << ")";
  write_pe_file(ctx, addon, a.output);
}

} // namespace

void register_addon_command(CLI::App &app, Context &ctx, int *exit_code) {
  auto a = std::make_shared<AddonArgs>();
  CLI::App *cmd = app.add_subcommand(
      "addon", "Build a systemd-stub addon (NAME.addon.efi) with an extra "
               "kernel command line");
  cmd->add_option("-o,--output", a->output, "The addon to write")->required();
  cmd->add_option("--cmdline", a->cmdline,
                  "Kernel command line words to add (repeatable)");
  cmd->add_option("--initrd", a->initrd,
                  "An initrd to add (stubs that load addon initrds)");
  cmd->add_option("--ucode", a->ucode,
                  "A microcode cpio to add (stubs that load addon .ucode)");
  cmd->add_option("--stub", a->stub,
                  "systemd's addon stub (package systemd-boot-efi >= 254)")
      ->capture_default_str();
  // Signed as the UKI is: the same settings, from the same files.
  auto cli = std::make_shared<CliConfig>();
  add_config_options(
      *cmd, *cli,
      {"SecureBootKey", "SecureBootKeySource", "SecureBootCertificate"});
  cmd->callback([&ctx, a, cli] {
    load_config(ctx, *cli);
    run_addon(ctx, *a);
  });
}

} // namespace initpack
