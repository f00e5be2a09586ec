// image/initrd_setup.cc: initrd-release, machine-id, static tmpfiles and
// the verified cache of derived files.
#include "context.h"
#include "image/initrd_setup.h"
#include "tree_text.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/subprocess.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace initpack;

namespace {

TEST(InitrdSetup, InitReleaseAndMachineId) {
  Context ctx;
  ctx.tree.add_file("usr/lib/systemd/systemd", Content::from_bytes("ELF"),
                    0755);
  ctx.tree.add_file("usr/lib/os-release", Content::from_bytes("ID=debian\n"));
  ctx.tree.add_symlink("etc/os-release", "../usr/lib/os-release");
  setup_initrd_basics(ctx);
  EXPECT_EQ(ctx.tree.find("init")->inode->symlink_target,
            "usr/lib/systemd/systemd");
  EXPECT_EQ(text_of(ctx.tree, "etc/initrd-release"),
            "ID=debian\nVARIANT=\"initrd (initpack)\"\nVARIANT_ID=initrd\n");
  EXPECT_EQ(text_of(ctx.tree, "etc/machine-id"), "");
  EXPECT_EQ(ctx.tree.find("etc/machine-id")->inode->mode, 0444u);
}

// base-files' postinst makes /var/run and /var/lock links into /run; a
// D-Bus client connects through /var/run/dbus.
TEST(InitrdSetup, VarRunAndVarLockLinkIntoRun) {
  Context ctx;
  ctx.tree.add_file("usr/lib/systemd/systemd", Content::from_bytes("ELF"),
                    0755);
  ctx.tree.add_dir("var/run");
  ctx.tree.add_file("var/run/stale.pid", Content::from_bytes("1\n"));
  ctx.tree.add_dir("var/lock", 01777);
  setup_initrd_basics(ctx);
  EXPECT_EQ(ctx.tree.find("var/run")->inode->symlink_target, "/run");
  EXPECT_EQ(ctx.tree.find("var/lock")->inode->symlink_target, "/run/lock");
  EXPECT_FALSE(ctx.tree.contains("var/run/stale.pid"));
}

TEST(InitrdSetup, NoSystemdIsFatal) {
  Context ctx;
  EXPECT_THROW(setup_initrd_basics(ctx), FatalError);
}

TEST(InitrdSetup, StaticTmpfilesOnly) {
  Context ctx;
  ctx.tree.add_file(
      "usr/lib/tmpfiles.d/t.conf",
      Content::from_bytes("L+ /etc/mtab - - - - ../proc/self/mounts\n"
                          "d /var/lib/systemd 0700 - - -\n"
                          "d /run/foo 0755 - - -\n"
                          "d /var/log/journal/%m - - -\n"
                          "L /var/run - - - - ../run\n"));
  apply_static_tmpfiles(ctx);
  EXPECT_EQ(ctx.tree.find("etc/mtab")->inode->symlink_target,
            "../proc/self/mounts");
  EXPECT_EQ(ctx.tree.find("var/lib/systemd")->inode->mode, 0700u);
  EXPECT_EQ(ctx.tree.find("var/run")->inode->symlink_target, "../run");
  EXPECT_FALSE(ctx.tree.contains("run/foo"));
  EXPECT_FALSE(ctx.tree.contains("var/log/journal"));
}

// The derived cache (ldconfig's ld.so.cache here, with the host's ldconfig
// on a real library) is verified on use: an edited entry is detected and
// built again, and the image gets the real output, not the edit.
TEST(InitrdSetup, EditedDerivedCacheEntryIsBuiltAgain) {
  if (find_program("ldconfig").empty())
    GTEST_SKIP() << "no ldconfig";
  TempDir cache("initpack-cache");
  std::string lib, err;
  ASSERT_TRUE(read_file("/usr/lib/x86_64-linux-gnu/libz.so.1", &lib, &err))
      << err;
  auto build = [&](std::string *warnings) {
    Context ctx;
    ctx.config.cache_directory = cache.path();
    ctx.tree.add_dir("usr/lib/x86_64-linux-gnu");
    ctx.tree.add_symlink("lib", "usr/lib");
    ctx.tree.add_file("usr/lib/x86_64-linux-gnu/libz.so.1",
                      Content::from_bytes(lib), 0644);
    ctx.tree.add_file("etc/ld.so.conf",
                      Content::from_bytes("/usr/lib/x86_64-linux-gnu\n"));
    ::testing::internal::CaptureStderr();
    run_ldconfig(ctx);
    *warnings = ::testing::internal::GetCapturedStderr();
    return text_of(ctx.tree, "etc/ld.so.cache");
  };
  std::string warnings;
  std::string first = build(&warnings);
  ASSERT_NE(first.find("libz.so.1"), std::string::npos);
  std::vector<std::string> entries = list_dir(cache.path() + "/derived");
  ASSERT_EQ(entries.size(), 2u); // ldconfig-KEY and ldconfig-KEY.sha256
  std::string cached =
      cache.path() + "/derived/" +
      (entries[0].ends_with(".sha256") ? entries[1] : entries[0]);
  std::string recorded;
  ASSERT_TRUE(read_file(cached + ".sha256", &recorded, &err)) << err;
  EXPECT_EQ(recorded, sha256_hex(first) + "\n");

  // A warm build takes the verified entry, silently.
  EXPECT_EQ(build(&warnings), first);
  EXPECT_EQ(warnings.find("does not match"), std::string::npos) << warnings;

  std::string edited = first;
  edited[edited.size() / 2] ^= 1;
  ASSERT_TRUE(write_file(cached, edited, &err)) << err;
  EXPECT_EQ(build(&warnings), first);
  EXPECT_NE(warnings.find(cached +
                          ": content does not match its recorded "
                          "SHA-256 (" +
                          sha256_hex(edited) + ", recorded " +
                          sha256_hex(first) + "); building it again"),
            std::string::npos)
      << warnings;
  std::string repaired;
  ASSERT_TRUE(read_file(cached, &repaired, &err)) << err;
  EXPECT_EQ(repaired, first);

  // An entry whose hash is missing is not trusted either.
  ASSERT_TRUE(write_file(cached, edited, &err)) << err;
  ASSERT_EQ(::unlink((cached + ".sha256").c_str()), 0);
  EXPECT_EQ(build(&warnings), first);
}

} // namespace
