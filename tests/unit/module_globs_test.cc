// KernelModules= pattern semantics, against the examples of mkosi(1).
#include "kernel/module_globs.h"

#include <gtest/gtest.h>

using namespace initpack;

TEST(ModuleGlobs, MkosiDocumentedForms) {
  const char *loop = "drivers/block/loop";
  EXPECT_TRUE(module_glob_matches("loop", loop));                // basename
  EXPECT_TRUE(module_glob_matches("block/loop", loop));          // final parts
  EXPECT_TRUE(module_glob_matches("/drivers/block/loop", loop)); // whole path
  EXPECT_FALSE(module_glob_matches("/block/loop", loop));        // anchored
  EXPECT_FALSE(module_glob_matches("lock/loop", loop));     // whole components
  EXPECT_FALSE(module_glob_matches("drivers/block", loop)); // not the module
  EXPECT_TRUE(module_glob_matches("drivers/block/", loop)); // directory
  EXPECT_TRUE(module_glob_matches("/drivers/", loop));
  EXPECT_TRUE(module_glob_matches("block/", loop));
  EXPECT_FALSE(module_glob_matches("/block/", loop));
  EXPECT_TRUE(module_glob_matches("lo?p", loop)); // globs
  EXPECT_TRUE(module_glob_matches("/drivers/*/loop", loop));
  EXPECT_TRUE(module_glob_matches("[kl]oop", loop));
  EXPECT_FALSE(module_glob_matches("/drivers/*", loop)); // '*' stays in one
}

TEST(ModuleGlobs, LastMatchDecides) {
  // "All of crypto except drivers/crypto", which include-wins-over-exclude
  // regexes could not say.
  std::vector<std::string> p = {"crypto/", "-/drivers/crypto/"};
  EXPECT_EQ(module_glob_verdict(p, "crypto/aes_generic"), GlobVerdict::Include);
  EXPECT_EQ(module_glob_verdict(p, "arch/x86/crypto/aesni-intel"),
            GlobVerdict::Include);
  EXPECT_EQ(module_glob_verdict(p, "drivers/crypto/ccp/ccp"),
            GlobVerdict::Exclude);
  EXPECT_EQ(module_glob_verdict(p, "drivers/block/loop"), GlobVerdict::None);
  // A later positive pattern brings one back.
  p.push_back("ccp");
  EXPECT_EQ(module_glob_verdict(p, "drivers/crypto/ccp/ccp"),
            GlobVerdict::Include);
  EXPECT_EQ(
      module_glob_verdict({"default", "host", "-loop"}, "drivers/block/loop"),
      GlobVerdict::Exclude);
}

TEST(ModuleGlobs, PathsLoseKernelPrefixAndSuffixes) {
  EXPECT_EQ(module_glob_path("kernel/drivers/block/loop.ko.zst"),
            "drivers/block/loop");
  EXPECT_EQ(module_glob_path("drivers/md/dm-mod.ko.xz"), "drivers/md/dm-mod");
  EXPECT_EQ(module_glob_path("fs/ext4/ext4.ko"), "fs/ext4/ext4");
}
