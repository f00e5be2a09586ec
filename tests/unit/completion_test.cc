#include "cli/completion.h"

#include "config/load.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

struct TestApp {
  CLI::App app{"test"};
  CliConfig cli;
  bool verbose = false;
  std::string image, dir, memory;
  TestApp() {
    app.add_flag("-v,--verbose", verbose, "Be loud");
    add_config_options(*app.add_subcommand("build", "Build it"), cli);
    CLI::App *inspect = app.add_subcommand("inspect", "Look at it's [parts]");
    inspect->add_option("image", image, "The image")->required();
    inspect->add_option("--extract", dir, "Write out")->option_text("DIR");
    app.add_subcommand("generate", "Hidden")->group("");
  }
};

TEST(Completion, BashCasesFromTheTables) {
  TestApp t;
  std::string s = bash_completion(t.app);
  EXPECT_NE(s.find("    build|inspect) cmd=${COMP_WORDS[i]}; break ;;\n"),
            std::string::npos)
      << s;
  EXPECT_NE(s.find("      --compression|--compress-output) _initpack_value "
                   "words zstd xz gzip lz4 none; return ;;\n"),
            std::string::npos);
  EXPECT_NE(s.find("      --extract) _initpack_value dirs; return ;;\n"),
            std::string::npos);
  // inspect's positional completes files.
  EXPECT_NE(s.find("[[ $cur == -* ]] || { _initpack_value files; return; }"),
            std::string::npos);
  EXPECT_EQ(s.find("generate)"), std::string::npos);
  EXPECT_EQ(s.find("|generate"), std::string::npos);
  EXPECT_NE(s.find("complete -F _initpack initpack\n"), std::string::npos);
}

TEST(Completion, ZshSpecsAreQuotedForArguments) {
  TestApp t;
  std::string s = zsh_completion(t.app);
  EXPECT_TRUE(s.starts_with("#compdef initpack\n"));
  EXPECT_NE(s.find("'*'{-o+,--output=}'["), std::string::npos) << s;
  EXPECT_NE(s.find(":FORMAT:(cpio erofs uki sysext confext)'"),
            std::string::npos);
  EXPECT_NE(s.find("'*'--extract='[Write out]:DIR:_files -/'"),
            std::string::npos);
  EXPECT_NE(s.find("'*'{-v,--verbose}'[Be loud]'"), std::string::npos);
  // A quote ends the shell word, brackets and colons the spec.
  EXPECT_NE(s.find("'inspect:Look at it'\\''s \\[parts\\]'"),
            std::string::npos);
  EXPECT_EQ(s.find("'generate:"), std::string::npos);
  EXPECT_EQ(s.find("_initpack_generate"), std::string::npos);
}

} // namespace
