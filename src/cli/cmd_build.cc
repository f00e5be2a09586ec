// `initpack build`: configuration → image.
#include "build.h"
#include "cli/commands.h"
#include "config/load.h"
#include "context.h"
#include "packages/cache_lock.h"

#include <memory>

namespace initpack {

void register_build_command(CLI::App &app, Context &ctx, int *exit_code) {
  auto cli = std::make_shared<CliConfig>();
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
  cmd->add_flag("--explain", ctx.explain,
                "Say why each package and kernel module is in the image");
  cmd->add_flag("--keep-temp", ctx.keep_temp,
                "Keep temporary directories (as $TMPDIR/initpack-*.kept-*, for "
                "debugging)");
  cmd->callback([&ctx, cli] {
    load_config(ctx, *cli);
    CacheLock lock(ctx);
    build_image(ctx);
  });
}

} // namespace initpack
