// initpack: build Linux initrds directly from distribution packages.
#include "cli/commands.h"
#include "config/suggest.h"
#include "context.h"

#include <algorithm>
#include <iostream>

using namespace initpack;

// "initpack biuld": the first word that is not an option, when it names no
// command, with the closest command's name ("" when none is close).
static std::string command_typo(const CLI::App &app, int argc, char **argv,
                                std::string *near) {
  std::vector<std::string> names;
  for (const CLI::App *sub : app.get_subcommands({}))
    names.push_back(sub->get_name());
  for (int i = 1; i < argc; i++) {
    std::string_view arg = argv[i];
    if (arg.starts_with('-'))
      continue;
    if (std::find(names.begin(), names.end(), arg) != names.end())
      return "";
    *near = closest_match(arg, names);
    // Swapped letters ("biuld") are two edits: too many for closest_match
    // on a short word, but the same letters.
    std::string sorted(arg);
    std::sort(sorted.begin(), sorted.end());
    for (const std::string &n : names)
      if (std::string t = n;
          near->empty() && (std::sort(t.begin(), t.end()), t == sorted))
        *near = n;
    return std::string(arg);
  }
  return "";
}

int main(int argc, char **argv) {
  Context ctx;
  int exit_code = 0;

  CLI::App app{"initpack " INITPACK_VERSION
               " — build Linux initrds directly from distribution packages.\n"
               "\n"
               "Typical use:\n"
               "  initpack build                      generic initrd for the "
               "newest kernel in /lib/modules\n"
               "  initpack build --kernel-package linux-image-amd64\n"
               "                                      kernel and modules from "
               "the archive (vmlinuz written too)\n"
               "  initpack qemu --kernel vmlinuz --initrd initrd.img --drive "
               "root.img\n"
               "  initpack inspect initrd.img         list an initrd, like "
               "lsinitrd\n"};
  app.require_subcommand(1);
  // Subcommands inherit it: -v, -q and --timings work after the command
  // too ("initpack summary --hostonly -v").
  app.fallthrough();
  app.set_version_flag("--version", INITPACK_VERSION);
  app.add_flag("-v,--verbose", ctx.diag.verbose,
               "Print each step and every external command run");
  app.add_flag("-q,--quiet", ctx.diag.quiet, "Print only errors");
  app.add_flag("--timings", ctx.show_timings, "Print the time of each pass");
  register_build_command(app, ctx, &exit_code);
  register_summary_command(app, ctx, &exit_code);
  register_inspect_command(app, ctx, &exit_code);
  register_diff_command(app, ctx, &exit_code);

  register_qemu_command(app, ctx, &exit_code);
  register_resolve_command(app, ctx, &exit_code);
  register_modules_command(app, ctx, &exit_code);
  register_sign_command(app, ctx, &exit_code);
  register_addon_command(app, ctx, &exit_code);
  register_credential_command(app, ctx, &exit_code);
  register_generate_command(app, ctx, &exit_code);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    std::string near;
    if (std::string typo = command_typo(app, argc, argv, &near);
        !typo.empty()) {
      std::cerr << "initpack: unknown command '" << typo << "'"
                << (near.empty() ? "" : "; did you mean " + near + "?")
                << " (initpack --help lists the commands)\n";
      return 2;
    }
    return app.exit(e);
  } catch (const FatalError &e) {
    std::cerr << "initpack: " << e.what() << "\n";
    exit_code = 1;
  } catch (const std::exception &e) {
    // Nothing should throw anything else; if a library does, say what and
    // fail cleanly rather than abort.
    std::cerr << "initpack: internal error: " << e.what() << "\n";
    exit_code = 1;
  }
  if (ctx.show_timings)
    ctx.timings.print(std::cerr);
  return exit_code;
}
