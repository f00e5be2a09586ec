// The kernel-module pass against a real (tiny) kernel built by
// fake_kernel.h: rules, closure with libkmod, firmware, hostonly, and the
// modules.* files depmod regenerates for the chosen subset.
#include "context.h"
#include "fake_kernel.h"
#include "kernel/kernel.h"
#include "kernel/modules.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>

using namespace initpack;
using namespace initpack::testing;

namespace {

class ModulesTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    if (!have_fake_kernel_tools())
      return;
    root_ = new TempDir("initpack-fake-kernel");
    build_error_ = build_fake_kernel(root_->path(), /*depmod=*/true);
    if (build_error_.empty())
      build_error_ = build_fake_machine(root_->path());
  }
  static void TearDownTestSuite() {
    delete root_;
    root_ = nullptr;
  }
  void SetUp() override {
    if (!root_)
      GTEST_SKIP() << "needs cc, depmod, xz and zstd";
    ASSERT_EQ(build_error_, "");
  }

  // A context for the fake kernel, hostonly reading the fake machine.
  std::unique_ptr<Context> context(std::vector<std::string> include,
                                   std::vector<std::string> exclude = {}) {
    auto ctx = std::make_unique<Context>();
    ctx->diag.quiet = true;
    ctx->config.kernel_modules_include = std::move(include);
    ctx->config.kernel_modules_exclude = std::move(exclude);
    ctx->config.sysfs_root = root_->path() + "/sys";
    ctx->config.proc_root = root_->path() + "/proc";
    find_installed_kernel(*ctx, root_->path() + "/lib/modules");
    return ctx;
  }
  static std::string modules_dir() {
    return root_->path() + "/lib/modules/" + kFakeVersion;
  }
  static std::map<std::string, ModuleChoice> by_name(const Context &ctx) {
    std::map<std::string, ModuleChoice> m;
    for (const ModuleChoice &c : ctx.modules)
      m[c.name] = c;
    return m;
  }
  static std::string tree_text(const Context &ctx, const std::string &path) {
    const Entry *e = ctx.tree.find(path);
    EXPECT_NE(e, nullptr) << path;
    std::string s, err;
    if (e) {
      EXPECT_TRUE(e->inode->content->read(&s, &err)) << err;
    }
    return s;
  }
  static std::string in_tree(const std::string &rel) {
    return "usr/lib/modules/" + std::string(kFakeVersion) + "/" + rel;
  }

  static TempDir *root_;
  static std::string build_error_;
};

TempDir *ModulesTest::root_ = nullptr;
std::string ModulesTest::build_error_;

// Writes the tree's modules into DIR/lib/modules/KVER and asks modprobe,
// an independent reader of depmod's indexes, what loading `module` takes.
std::string modprobe_show_depends(const Context &ctx, const std::string &dir,
                                  const std::string &module) {
  std::string err;
  for (const auto &[path, e] : ctx.tree.entries()) {
    if (!path.starts_with("usr/lib/modules/") ||
        e.inode->type != NodeType::File)
      continue;
    std::string data, dest = dir + "/" + path.substr(4);
    EXPECT_TRUE(mkdir_p(dirname(dest), &err) &&
                e.inode->content->read(&data, &err) &&
                write_file(dest, data, &err))
        << err;
  }
  Diagnostics diag;
  RunResult r = run_command(diag, {find_program("modprobe"), "-d", dir, "-S",
                                   kFakeVersion, "--show-depends", module});
  EXPECT_TRUE(r.ok()) << r.err;
  // Paths relative to the modules directory, one a line.
  std::string out, prefix = dir + "/lib/modules/" + kFakeVersion + "/";
  size_t pos;
  while ((pos = r.out.find(prefix)) != std::string::npos)
    r.out.erase(pos, prefix.size());
  return r.out;
}

} // namespace

TEST_F(ModulesTest, ClosesOverDependenciesAndSoftdeps) {
  auto ctx = context({"fake_blk"});
  add_kernel_modules(*ctx, "/nonexistent");
  auto m = by_name(*ctx);
  ASSERT_EQ(m.size(), 3u) << explain_modules(ctx->modules);
  EXPECT_EQ(m["fake_blk"].why, "KernelModulesInclude=fake_blk");
  EXPECT_EQ(m["fake_blk"].path, "kernel/drivers/block/fake_blk.ko");
  EXPECT_EQ(m["fake_core"].why, "dependency of fake_blk");
  EXPECT_EQ(m["fake_crc"].why, "softdep pre of fake_blk");
  EXPECT_EQ(m["fake_crc"].path, "kernel/lib/fake_crc.ko.xz");

  // The .ko files come from the kernel's directory, unchanged.
  const Entry *ko = ctx->tree.find(in_tree("kernel/drivers/block/fake_blk.ko"));
  ASSERT_NE(ko, nullptr);
  EXPECT_EQ(ko->inode->content->disk_path,
            modules_dir() + "/kernel/drivers/block/fake_blk.ko");
  EXPECT_FALSE(
      ctx->tree.contains(in_tree("kernel/drivers/misc/fake_unused.ko")));

  // modules.* were regenerated for the three modules alone.
  EXPECT_EQ(
      tree_text(*ctx, in_tree("modules.dep")),
      "kernel/drivers/block/fake_blk.ko: kernel/drivers/fake/fake_core.ko\n"
      "kernel/drivers/fake/fake_core.ko:\n"
      "kernel/lib/fake_crc.ko.xz:\n");
  EXPECT_EQ(tree_text(*ctx, in_tree("modules.order")),
            "kernel/drivers/block/fake_blk.ko\n"
            "kernel/drivers/fake/fake_core.ko\n"
            "kernel/lib/fake_crc.ko\n");
  EXPECT_NE(tree_text(*ctx, in_tree("modules.softdep"))
                .find("softdep fake_blk pre: fake_crc"),
            std::string::npos);
  for (const char *f :
       {"modules.dep.bin", "modules.alias.bin", "modules.symbols.bin",
        "modules.builtin.bin", "modules.builtin", "modules.builtin.modinfo"})
    EXPECT_TRUE(ctx->tree.contains(in_tree(f))) << f;

  TempDir out;
  EXPECT_EQ(modprobe_show_depends(*ctx, out.path(), "fake_blk"),
            "insmod kernel/drivers/fake/fake_core.ko \n"
            "insmod kernel/lib/fake_crc.ko.xz \n"
            "insmod kernel/drivers/block/fake_blk.ko \n");
}

TEST_F(ModulesTest, RegexRulesMatchPathsBelowKernel) {
  auto ctx = context({"^fs/"});
  add_kernel_modules(*ctx, "/nonexistent");
  auto m = by_name(*ctx);
  ASSERT_EQ(m.size(), 3u) << explain_modules(ctx->modules);
  EXPECT_EQ(m["fakefs"].why, "KernelModulesInclude=^fs/");
  EXPECT_EQ(m["fake_lib"].why, "dependency of fakefs");
  EXPECT_EQ(m["fake_lib"].path, "kernel/lib/fake_lib.ko.zst");
  EXPECT_EQ(m["fake_post"].why, "softdep post of fakefs");
}

TEST_F(ModulesTest, NamesAcceptDashesAndBuiltinsCountAsFound) {
  auto ctx = context({"fake-net", "fake_kbd", "^fs/builtinfs/"});
  add_kernel_modules(*ctx, "/nonexistent");
  auto m = by_name(*ctx);
  ASSERT_EQ(m.size(), 1u) << explain_modules(ctx->modules);
  EXPECT_EQ(m["fake_net"].path, "kernel/drivers/net/fake-net.ko");
}

// As in mkosi, a module name missing from the kernel is a warning (a list
// serves several kernels); Strict=yes makes it an error.
TEST_F(ModulesTest, RulesMatchingNothingAreWarningsOrStrictErrors) {
  auto ctx = context({"fake_blk", "no_such_module", "^nowhere/"});
  ctx->diag.quiet = false;
  ::testing::internal::CaptureStderr();
  add_kernel_modules(*ctx, "/nonexistent");
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(by_name(*ctx).count("fake_blk"), 1u);
  EXPECT_NE(err.find("initpack: warning: KernelModulesInclude=no_such_module: "
                     "no such kernel module in " +
                     modules_dir() + "\n"),
            std::string::npos)
      << err;

  auto strict = context({"fake_blk", "no_such_module", "^nowhere/"});
  strict->diag.strict = true;
  ::testing::internal::CaptureStderr();
  try {
    add_kernel_modules(*strict, "/nonexistent");
    ADD_FAILURE() << "expected FatalError";
  } catch (const FatalError &e) {
    EXPECT_EQ(std::string(e.what()), "2 errors, stopping");
  }
  err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("initpack: error: KernelModulesInclude=no_such_module: "
                     "no such kernel module in " +
                     modules_dir() + " (Strict=yes)\n"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("KernelModulesInclude=^nowhere/: no such kernel module"),
            std::string::npos)
      << err;
}

// KernelModulesLoad= includes the module (with its dependencies) and names
// it, once, in the file systemd-modules-load.service reads.
TEST_F(ModulesTest, KernelModulesLoadIncludesAndListsTheModule) {
  auto ctx = context({"fakefs"});
  ctx->config.kernel_modules_load = {"fake-net", "fake_net", "fake_blk"};
  add_kernel_modules(*ctx, "/nonexistent");
  auto m = by_name(*ctx);
  EXPECT_EQ(m["fake_net"].why, "KernelModulesLoad=fake-net");
  EXPECT_EQ(tree_text(*ctx, "etc/modules-load.d/initpack.conf"),
            "# KernelModulesLoad= (initpack)\nfake_net\nfake_blk\n");

  auto none = context({"fakefs"});
  add_kernel_modules(*none, "/nonexistent");
  EXPECT_EQ(none->tree.find("etc/modules-load.d/initpack.conf"), nullptr);
}

TEST_F(ModulesTest, ExcludeTrimsTheSelectionButNotWhatItNeeds) {
  // An explicit include wins over an exclude (mkosi), and a dependency of
  // a chosen module stays even when excluded.
  auto ctx = context({"fakefs", "fake_crc"}, {"fake_lib", "fake_crc"});
  add_kernel_modules(*ctx, "/nonexistent");
  auto m = by_name(*ctx);
  EXPECT_EQ(m["fake_lib"].why, "dependency of fakefs");
  EXPECT_EQ(m["fake_crc"].why, "KernelModulesInclude=fake_crc");

  // What the host brings is trimmed.
  auto host = context({"host"}, {"drivers/net/"});
  add_kernel_modules(*host, "/nonexistent");
  auto h = by_name(*host);
  EXPECT_TRUE(h.count("fake_blk"));
  EXPECT_FALSE(h.count("fake_net")) << explain_modules(host->modules);
}

// KernelModules= (mkosi's ordered globs): the last matching pattern
// decides, over everything selected; a pattern matching nothing warns.
TEST_F(ModulesTest, KernelModulesGlobsAreOrderedAndHaveTheLastWord) {
  auto ctx = context({});
  ctx->config.kernel_modules = {"drivers/", "-drivers/net/", "-fake_unused",
                                "fake_unused", "-drivers/block/fake_blk"};
  add_kernel_modules(*ctx, "/nonexistent");
  auto m = by_name(*ctx);
  EXPECT_EQ(m["fake_unused"].why, "KernelModules=drivers/");
  EXPECT_EQ(m["fake_core"].why, "KernelModules=drivers/");
  EXPECT_FALSE(m.count("fake_net")) << explain_modules(ctx->modules);
  EXPECT_FALSE(m.count("fake_blk")) << explain_modules(ctx->modules);
  EXPECT_FALSE(m.count("fakefs")); // no default list: a positive glob given

  // An exclusion trims what KernelModulesInclude= and the host bring too,
  // and "host" is a word, not a pattern.
  auto host = context({"fakefs"});
  host->config.kernel_modules = {"host", "-/fs/fakefs/fakefs", "-drivers/net/"};
  add_kernel_modules(*host, "/nonexistent");
  auto h = by_name(*host);
  EXPECT_TRUE(h.count("fake_blk")) << explain_modules(host->modules);
  EXPECT_FALSE(h.count("fakefs"));
  EXPECT_FALSE(h.count("fake_net"));

  // Missing: a warning naming the pattern, not an error.
  auto missing = context({});
  missing->config.kernel_modules = {"fake_blk", "no_such_module*", "fake_kbd"};
  missing->diag.quiet = false;
  ::testing::internal::CaptureStderr();
  add_kernel_modules(*missing, "/nonexistent");
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("initpack: warning: KernelModules=no_such_module*: no "
                     "such kernel module in " +
                     modules_dir()),
            std::string::npos)
      << err;
  EXPECT_EQ(err.find("fake_kbd"), std::string::npos) << err; // built in
  EXPECT_TRUE(by_name(*missing).count("fake_blk"));
}

TEST_F(ModulesTest, HostonlyFollowsDevicesAndTheRootFileSystem) {
  auto ctx = context({});
  ctx->config.hostonly = true;
  add_kernel_modules(*ctx, "/nonexistent");
  auto m = by_name(*ctx);
  EXPECT_EQ(m.size(), 7u) << explain_modules(ctx->modules);
  EXPECT_EQ(m["fake_blk"].why,
            "host device /sys/devices/pci0000:00/0000:00:04.0");
  EXPECT_EQ(m["fake_net"].why,
            "host device /sys/devices/pci0000:00/0000:00:05.0");
  EXPECT_EQ(m["fakefs"].why, "file system of / (fakefs on /dev/vda1)");
  for (const char *dep : {"fake_core", "fake_crc", "fake_lib", "fake_post"})
    EXPECT_TRUE(m.count(dep)) << dep;
  EXPECT_FALSE(m.count("fake_unused"));
}

TEST_F(ModulesTest, DefaultListComesFromTheProfilesButNotInHostonlyMode) {
  TempDir profiles;
  std::string err;
  ASSERT_TRUE(mkdir_p(profiles.path() + "/default", &err));
  ASSERT_TRUE(write_file(profiles.path() + "/default/kernel-modules.list",
                         "# test list\nfake_unused\nnot_in_this_kernel\n",
                         &err));
  auto generic = context({"default"});
  generic->config.profiles_dir = profiles.path();
  add_kernel_modules(*generic, "/nonexistent");
  auto g = by_name(*generic);
  ASSERT_EQ(g.size(), 1u) << explain_modules(generic->modules);
  EXPECT_EQ(g["fake_unused"].why, "default list rule 'fake_unused'");

  auto host = context({"default"});
  host->config.profiles_dir = profiles.path();
  host->config.hostonly = true;
  add_kernel_modules(*host, "/nonexistent");
  auto h = by_name(*host);
  EXPECT_FALSE(h.count("fake_unused")) << explain_modules(host->modules);
  EXPECT_TRUE(h.count("fake_blk"));
}

TEST_F(ModulesTest, FirmwareKeepsWhatModulesNameAndDropsTheRest) {
  auto ctx = context({"fake_blk", "fake_net"});
  ctx->config.firmware_packages = {"firmware-fake"};
  Tree &t = ctx->tree;
  const std::string fw = "usr/lib/firmware/fake/";
  t.add_file(fw + "blk-v2.bin", Content::from_bytes("blk"), 0644,
             "firmware-fake");
  t.add_symlink(fw + "blk.bin", "blk-v2.bin", "firmware-fake");
  t.add_file(fw + "net-1.bin.zst", Content::from_bytes("n1"), 0644,
             "firmware-fake");
  t.add_file(fw + "other.bin", Content::from_bytes("o"), 0644, "firmware-fake");
  t.add_file("usr/lib/firmware/unrelated/x.bin", Content::from_bytes("x"), 0644,
             "firmware-fake");
  t.add_file("usr/lib/firmware/regulatory.db", Content::from_bytes("r"), 0644,
             "wireless-regdb");
  ctx->diag.quiet = false;
  ::testing::internal::CaptureStderr();
  add_kernel_modules(*ctx, "/nonexistent");
  std::string err = ::testing::internal::GetCapturedStderr();

  EXPECT_TRUE(t.contains(fw + "blk.bin"));
  EXPECT_TRUE(t.contains(fw + "blk-v2.bin"));
  EXPECT_TRUE(t.contains(fw + "net-1.bin.zst"));
  EXPECT_FALSE(t.contains(fw + "other.bin"));
  EXPECT_FALSE(t.contains("usr/lib/firmware/unrelated"));
  EXPECT_TRUE(t.contains("usr/lib/firmware/regulatory.db")); // other package
  auto m = by_name(*ctx);
  EXPECT_EQ(m["fake_blk"].firmware, std::vector<std::string>{"fake/blk.bin"});
  EXPECT_EQ(m["fake_net"].firmware, std::vector<std::string>{"fake/net-*.bin"});
  EXPECT_NE(err.find("1 firmware files named by the chosen modules are not in "
                     "the image"),
            std::string::npos)
      << err;
  EXPECT_NE(err.find("\n  fake_core: fake/core.bin"), std::string::npos) << err;
}

TEST_F(ModulesTest, HostonlyTakesMissingFirmwareFromTheHost) {
  TempDir host;
  std::string err;
  ASSERT_TRUE(mkdir_p(host.path() + "/fake", &err));
  ASSERT_TRUE(write_file(host.path() + "/fake/core.bin", "core-fw", &err));
  auto ctx = context({"fake_blk"});
  ctx->config.hostonly = true;
  add_kernel_modules(*ctx, host.path());
  const Entry *e = ctx->tree.find("usr/lib/firmware/fake/core.bin");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->inode->content->disk_path, host.path() + "/fake/core.bin");
  EXPECT_EQ(by_name(*ctx)["fake_core"].firmware,
            std::vector<std::string>{"fake/core.bin"});
}

TEST_F(ModulesTest, TheImagesModprobeConfigCountsNotTheHosts) {
  auto ctx = context({"fake_blk"});
  ctx->tree.add_file("usr/lib/modprobe.d/fake.conf",
                     Content::from_bytes("softdep fake_blk post: fake_lib\n"));
  // /etc overrides /usr/lib by file name.
  ctx->tree.add_file(
      "etc/modprobe.d/fake.conf",
      Content::from_bytes("softdep fake_blk post: fake_unused\n"));
  add_kernel_modules(*ctx, "/nonexistent");
  auto m = by_name(*ctx);
  EXPECT_EQ(m["fake_unused"].why, "softdep post of fake_blk");
  EXPECT_FALSE(m.count("fake_lib")) << explain_modules(ctx->modules);
}

TEST_F(ModulesTest, SameInputsGiveTheSameBytes) {
  auto a = context({"fake_blk", "^fs/"});
  auto b = context({"^fs/", "fake_blk"});
  add_kernel_modules(*a, "/nonexistent");
  add_kernel_modules(*b, "/nonexistent");
  int compared = 0;
  for (const auto &[path, e] : a->tree.entries()) {
    if (e.inode->type != NodeType::File)
      continue;
    EXPECT_EQ(tree_text(*a, path), tree_text(*b, path)) << path;
    compared++;
  }
  EXPECT_GT(compared, 15);
  EXPECT_EQ(a->tree.size(), b->tree.size());
  EXPECT_EQ(explain_modules(a->modules), explain_modules(b->modules));
}
