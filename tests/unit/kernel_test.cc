// The kernel stage's small parts: module rules, version order, and finding
// the kernel (installed or unpacked from a package).
#include "context.h"
#include "fake_kernel.h"
#include "kernel/kernel.h"
#include "kernel/module_rules.h"

#include <gtest/gtest.h>

using namespace initpack;
using namespace initpack::testing;

TEST(ModuleRules, PlainNamesRegexesAndSpecialValues) {
  ModuleRule r;
  std::string err;
  ASSERT_TRUE(parse_module_rule("dm-crypt", "KernelModulesInclude=", &r, &err));
  EXPECT_EQ(r.kind, ModuleRule::Kind::Name);
  EXPECT_TRUE(r.matches("dm_crypt", "drivers/md/dm-crypt.ko"));
  EXPECT_FALSE(r.matches("dm_crypto", "drivers/md/dm-crypto.ko"));

  ASSERT_TRUE(parse_module_rule("^fs/nls/", "x", &r, &err));
  EXPECT_EQ(r.kind, ModuleRule::Kind::Regex);
  EXPECT_TRUE(r.matches("nls_utf8", "fs/nls/nls_utf8.ko"));
  EXPECT_FALSE(r.matches("nls_x", "drivers/fs/nls/nls_x.ko"));

  // Searched, not anchored, as mkosi does: a path fragment is enough.
  ASSERT_TRUE(parse_module_rule("drivers/block/virtio", "x", &r, &err));
  EXPECT_TRUE(r.matches("virtio_blk", "drivers/block/virtio_blk.ko"));
  ASSERT_TRUE(parse_module_rule("/raid[0-9]+\\.ko$", "x", &r, &err));
  EXPECT_TRUE(r.matches("raid456", "drivers/md/raid456.ko"));
  EXPECT_FALSE(r.matches("dm_raid", "drivers/md/dm-raid.ko"));

  ASSERT_TRUE(parse_module_rule("default", "x", &r, &err));
  EXPECT_EQ(r.kind, ModuleRule::Kind::Default);
  ASSERT_TRUE(parse_module_rule("host", "x", &r, &err));
  EXPECT_EQ(r.kind, ModuleRule::Kind::Host);
}

TEST(ModuleRules, BadRegexNamesTheSetting) {
  ModuleRule r;
  std::string err;
  EXPECT_FALSE(
      parse_module_rule("drivers/(md", "KernelModulesInclude=", &r, &err));
  EXPECT_EQ(err.rfind("KernelModulesInclude=: invalid regular expression "
                      "'drivers/(md': ",
                      0),
            0u)
      << err;
}

TEST(ModuleRules, ListFileWithCommentsAndErrors) {
  std::vector<ModuleRule> rules;
  std::string err;
  ASSERT_TRUE(parse_module_rule_list("# storage\nnvme   # NVMe\n\n  ^fs/nls/\n"
                                     "[#]x\n",
                                     "list", &rules, &err))
      << err;
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].name, "nvme");
  EXPECT_EQ(rules[0].origin, "list:2");
  EXPECT_EQ(rules[1].text, "^fs/nls/");
  EXPECT_EQ(rules[2].text, "[#]x");

  rules.clear();
  EXPECT_FALSE(
      parse_module_rule_list("nvme\nahci sd_mod\n", "l", &rules, &err));
  EXPECT_EQ(err, "l:2: one rule per line expected\n  ahci sd_mod");
  EXPECT_FALSE(parse_module_rule_list("nvme\n\ndefault\n", "l", &rules, &err));
  EXPECT_EQ(err, "l:3: 'default' cannot be used inside a list\n  default");
  EXPECT_FALSE(parse_module_rule_list("a(\n", "l", &rules, &err));
  EXPECT_EQ(err.rfind("l:1: invalid regular expression 'a(': ", 0), 0u) << err;
}

TEST(ModuleRules, ShippedDefaultListParses) {
  std::vector<ModuleRule> rules;
  std::string err;
  ASSERT_TRUE(load_module_rule_list(default_module_list_path(""), &rules, &err))
      << err;
  EXPECT_GT(rules.size(), 50u);
}

TEST(ModuleRules, FileNamesDropCompressionAndKernelPrefix) {
  std::string name, match;
  ASSERT_TRUE(
      module_file_names("kernel/drivers/md/dm-crypt.ko.zst", &name, &match));
  EXPECT_EQ(name, "dm_crypt");
  EXPECT_EQ(match, "drivers/md/dm-crypt.ko");
  ASSERT_TRUE(module_file_names("updates/dkms/zfs.ko.xz", &name, &match));
  EXPECT_EQ(name, "zfs");
  EXPECT_EQ(match, "updates/dkms/zfs.ko");
  EXPECT_FALSE(module_file_names("kernel/x/readme.txt", &name, &match));
  EXPECT_FALSE(module_file_names("modules.dep", &name, &match));
}

TEST(KernelVersions, ComparesDigitRunsAsNumbers) {
  EXPECT_GT(compare_kernel_versions("6.1.0-26-amd64", "6.1.0-9-amd64"), 0);
  EXPECT_GT(compare_kernel_versions("6.10.0-1-amd64", "6.9.12-amd64"), 0);
  EXPECT_LT(compare_kernel_versions("6.1.0-0.deb11.13-amd64", "6.1.0-26-amd64"),
            0);
  EXPECT_EQ(compare_kernel_versions("6.1.0-26-amd64", "6.1.0-26-amd64"), 0);
  EXPECT_LT(compare_kernel_versions("6.1", "6.1.1"), 0);
}

TEST(FindInstalledKernel, NewestByVersionNotByName) {
  TempDir t;
  std::string err;
  for (const char *v : {"6.1.0-9-amd64", "6.1.0-26-amd64", "6.10.0-1-amd64"})
    ASSERT_TRUE(mkdir_p(t.path() + "/lib/modules/" + v + "/kernel", &err));
  // A leftover of a removed kernel: no modules, must not win.
  ASSERT_TRUE(mkdir_p(t.path() + "/lib/modules/7.0.0-1-amd64", &err));
  ASSERT_TRUE(mkdir_p(t.path() + "/boot", &err));
  ASSERT_TRUE(write_file(t.path() + "/boot/vmlinuz-6.10.0-1-amd64", "k", &err));
  Context ctx;
  find_installed_kernel(ctx, t.path() + "/lib/modules");
  EXPECT_EQ(ctx.kernel.version, "6.10.0-1-amd64");
  EXPECT_EQ(ctx.kernel.modules_dir, t.path() + "/lib/modules/6.10.0-1-amd64");
  EXPECT_EQ(ctx.kernel.image_path, t.path() + "/boot/vmlinuz-6.10.0-1-amd64");

  Context pinned;
  pinned.config.kernel_version = "6.1.0-9-amd64";
  find_installed_kernel(pinned, t.path() + "/lib/modules");
  EXPECT_EQ(pinned.kernel.version, "6.1.0-9-amd64");
  EXPECT_EQ(pinned.kernel.image_path, "");
}

TEST(FindInstalledKernel, MissingKernelSaysHowToFix) {
  TempDir t;
  std::string err;
  ASSERT_TRUE(mkdir_p(t.path() + "/6.1.0-9-amd64/kernel", &err));
  Context ctx;
  ctx.config.kernel_version = "6.1.0-26-amd64";
  try {
    find_installed_kernel(ctx, t.path());
    FAIL() << "expected FatalError";
  } catch (const FatalError &e) {
    EXPECT_EQ(
        std::string(e.what()),
        "kernel 6.1.0-26-amd64 (KernelVersion=) is not installed in " +
            t.path() +
            " (found: 6.1.0-9-amd64): install linux-image-6.1.0-26-amd64, "
            "or use --kernel-package to take it from the archive");
  }
  Context none;
  try {
    find_installed_kernel(none, t.path() + "/nonexistent");
    FAIL() << "expected FatalError";
  } catch (const FatalError &e) {
    EXPECT_NE(std::string(e.what()).find("--kernel-package"),
              std::string::npos);
  }
}

TEST(UseUnpackedKernel, RunsDepmodOnceWhenThePackageHasNoIndex) {
  if (!have_fake_kernel_tools())
    GTEST_SKIP() << "needs cc, depmod, xz and zstd";
  TempDir t;
  ASSERT_EQ(build_fake_kernel(t.path(), /*depmod=*/false), "");
  std::string dir = t.path() + "/lib/modules/" + kFakeVersion;
  ASSERT_FALSE(file_exists(dir + "/modules.dep.bin"));
  Context ctx;
  use_unpacked_kernel(ctx, t.path());
  EXPECT_EQ(ctx.kernel.version, kFakeVersion);
  EXPECT_EQ(ctx.kernel.modules_dir, dir);
  EXPECT_EQ(ctx.kernel.image_path,
            t.path() + "/boot/vmlinuz-" + std::string(kFakeVersion));
  std::string dep, err;
  ASSERT_TRUE(read_file(dir + "/modules.dep", &dep, &err)) << err;
  EXPECT_NE(dep.find("kernel/drivers/block/fake_blk.ko: "
                     "kernel/drivers/fake/fake_core.ko\n"),
            std::string::npos)
      << dep;
  EXPECT_TRUE(file_exists(dir + "/modules.dep.bin"));
}

TEST(UseUnpackedKernel, FindsUsrLibModulesAndRejectsNonKernels) {
  if (!have_fake_kernel_tools())
    GTEST_SKIP() << "needs cc, depmod, xz and zstd";
  TempDir t;
  std::string err;
  // Trixie's layout: modules under usr/lib/modules, no lib -> usr/lib.
  ASSERT_EQ(build_fake_kernel(t.path() + "/usr", false), "");
  ASSERT_TRUE(mkdir_p(t.path() + "/boot", &err));
  ASSERT_EQ(::rename((t.path() + "/usr/boot/vmlinuz-" + kFakeVersion).c_str(),
                     (t.path() + "/boot/vmlinuz-" + kFakeVersion).c_str()),
            0);
  Context ctx;
  use_unpacked_kernel(ctx, t.path());
  EXPECT_EQ(ctx.kernel.modules_dir,
            t.path() + "/usr/lib/modules/" + std::string(kFakeVersion));
  EXPECT_TRUE(file_exists(ctx.kernel.modules_dir + "/modules.dep.bin"));

  TempDir empty;
  Context bad;
  EXPECT_THROW(use_unpacked_kernel(bad, empty.path()), FatalError);
}
