#include "cli/man_page.h"

#include "config/settings.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

TEST(ManPage, CliDocHasProseCommandsAndEveryConfigOption) {
  CLI::App app{"test"};
  bool flag = false;
  std::string image;
  app.add_flag("--timings", flag, "Print times");
  app.add_subcommand("inspect", "List an initrd")
      ->add_option("image", image, "The initrd")
      ->required();
  std::string doc = render_cli_doc(app);
  EXPECT_NE(doc.find("# NAME\n"), std::string::npos);
  EXPECT_EQ(doc.find("@COMMANDS@"), std::string::npos);
  EXPECT_NE(doc.find("## inspect\n\n**initpack inspect** [OPTIONS] image\n\n"
                     "List an initrd\n\n`image`\n:   The initrd\n"),
            std::string::npos)
      << doc;
  EXPECT_NE(doc.find("`--timings`\n:   Print times\n"), std::string::npos);
  // After the commands: the prose's EXIT STATUS.
  EXPECT_LT(doc.find("# COMMANDS"), doc.find("# EXIT STATUS"));
  for (const Setting &s : settings())
    EXPECT_NE(doc.find("[" + std::string(s.section) + "] `" + s.key + "=`"),
              std::string::npos)
        << s.key;
}

TEST(ManPage, BothPagesAreRoff) {
  CLI::App app{"test"};
  std::string m1 = man1_page(app, "2026-12-03");
  std::string m5 = man5_page("2026-12-03");
  EXPECT_NE(m1.find(".TH \"INITPACK\" \"1\" \"2026-12-03\""),
            std::string::npos);
  EXPECT_NE(m5.find(".TH \"INITPACK.CONF\" \"5\" \"2026-12-03\""),
            std::string::npos);
  EXPECT_NE(m1.find(".SH \"CONFIGURATION OPTIONS\""), std::string::npos);
  EXPECT_NE(m5.find("\\fBCompressOutput=\\fR"), std::string::npos);
  // No Markdown left over.
  for (const std::string &page : {m1, m5}) {
    EXPECT_EQ(page.find("```"), std::string::npos);
    EXPECT_EQ(page.find("\n# NAME"), std::string::npos);
    EXPECT_EQ(page.find("\n:   "), std::string::npos);
    EXPECT_EQ(page.find("\n\n"), std::string::npos) << "blank line in roff";
  }
}

} // namespace
