#include "cli/cli_table.h"

#include "config/load.h"
#include "config/settings.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

// A small app built the way main() builds initpack's.
struct TestApp {
  CLI::App app{"test"};
  CliConfig cli;
  bool json = false, verbose = false;
  std::string out, image, memory = "1G";
  TestApp() {
    app.add_flag("-v,--verbose", verbose, "Be loud");
    CLI::App *build = app.add_subcommand("build", "Build it.\n  example");
    add_config_options(*build, cli);
    build->add_flag("--json", json, "Print JSON\ninstead");
    CLI::App *inspect = app.add_subcommand("inspect", "Look");
    inspect->add_option("image", image, "The image")->required();
    inspect->add_option("--extract", out, "Write out")->option_text("DIR");
    // -m is also the settings' --mirror: a command's own option all the
    // same.
    inspect->add_option("--memory,-m", memory, "Guest memory")
        ->capture_default_str();
    CLI::App *hidden = app.add_subcommand("generate", "Hidden");
    hidden->group("");
  }
};

TEST(CliTable, CommandsOptionsAndSettings) {
  TestApp t;
  std::vector<CliCommand> cmds = cli_commands(t.app);
  ASSERT_EQ(cmds.size(), 3u); // globals, build, inspect; not generate
  EXPECT_EQ(cmds[0].name, "");
  ASSERT_EQ(cmds[0].options.size(), 1u);
  EXPECT_EQ(cmds[0].options[0].names,
            (std::vector<std::string>{"-v", "--verbose"}));
  EXPECT_FALSE(cmds[0].options[0].takes_value);

  const CliCommand &build = cmds[1];
  EXPECT_EQ(build.help, "Build it.");
  EXPECT_EQ(build.details, "  example");
  EXPECT_TRUE(build.config_options);
  // -C and --dracut-config are the command's own; the settings' options
  // are listed once, apart.
  ASSERT_EQ(build.options.size(), 3u);
  EXPECT_EQ(build.options[0].names[1], "--config-dir");
  EXPECT_EQ(build.options[1].names[0], "--dracut-config");
  EXPECT_TRUE(build.options[1].takes_value);
  EXPECT_EQ(build.options[2].help, "Print JSON instead");

  const CliCommand &inspect = cmds[2];
  EXPECT_FALSE(inspect.config_options);
  ASSERT_EQ(inspect.options.size(), 3u);
  EXPECT_TRUE(inspect.options[0].positional);
  EXPECT_EQ(inspect.options[0].metavar, "image");
  EXPECT_EQ(inspect.options[1].metavar, "DIR");
  EXPECT_TRUE(inspect.options[1].wants_dir());
  EXPECT_EQ(inspect.options[2].names,
            (std::vector<std::string>{"-m", "--memory"}));
  EXPECT_EQ(inspect.options[2].help, "Guest memory. Default: 1G.");
}

TEST(CliTable, ConfigOptionsCarryTheirSettingsChoices) {
  std::vector<CliOption> opts = config_options();
  const CliOption *compression = nullptr, *hostonly = nullptr;
  for (const CliOption &o : opts) {
    for (const std::string &n : o.names) {
      if (n == "--compression")
        compression = &o;
      if (n == "--no-hostonly")
        hostonly = &o;
    }
  }
  ASSERT_TRUE(compression && hostonly);
  EXPECT_STREQ(compression->setting->key, "CompressOutput");
  EXPECT_TRUE(compression->takes_value);
  EXPECT_NE(std::find(compression->choices.begin(), compression->choices.end(),
                      "zstd"),
            compression->choices.end());
  EXPECT_FALSE(compression->wants_file());
  EXPECT_FALSE(hostonly->takes_value);
  EXPECT_EQ(hostonly->names,
            (std::vector<std::string>{"--hostonly", "--no-hostonly"}));
}

} // namespace
