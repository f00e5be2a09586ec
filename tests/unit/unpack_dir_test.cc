// unpack_to_directory(): a real .deb unpacked as files, checked with
// lstat(2): the merged-/usr links, modes, owners, links and hardlinks.
#include "packages/unpack.h"

#include "deb_fixture.h"
#include "packages/cache.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace initpack;
using test::make_deb;
using test::read_all;
using test::ref_for;

namespace {

const char *kKernelish = R"(
mkdir -p lib/modules/6.1.0-test/kernel/drivers bin usr/bin var/spool/k
printf 'module a\n' > lib/modules/6.1.0-test/kernel/drivers/a.ko
printf 'module b\n' > lib/modules/6.1.0-test/kernel/drivers/b.ko
ln lib/modules/6.1.0-test/kernel/drivers/b.ko lib/modules/6.1.0-test/b-alias.ko
printf 'tool\n' > bin/tool; chmod 4755 bin/tool
printf 'owned\n' > usr/bin/owned; chown 1234:5678 usr/bin/owned
chmod 0640 usr/bin/owned
ln -s ../../bin/tool usr/bin/link
chmod 1777 var/spool/k
)";

struct stat lstat_of(const std::string &path) {
  struct stat st = {};
  EXPECT_EQ(lstat(path.c_str(), &st), 0) << path;
  return st;
}

std::string readlink_of(const std::string &path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  return n < 0 ? "" : std::string(buf, n);
}

class UnpackDirTest : public ::testing::Test {
protected:
  void SetUp() override { ctx_.config.cache_directory = cache_.path(); }
  TempDir cache_{"initpack-cache"}, debs_{"initpack-debs"};
  Context ctx_;
};

TEST_F(UnpackDirTest, WritesRealFilesThroughMergedUsr) {
  PackageRef p = ref_for(make_deb(debs_.path(), "kernelish", "1.0", kKernelish),
                         "kernelish");
  std::string dir = unpack_to_directory(ctx_, p);
  EXPECT_EQ(dir, PackageCache(cache_.path()).tree_path(p.sha256));

  for (const char *link : {"bin", "sbin", "lib", "lib64"}) {
    EXPECT_TRUE(S_ISLNK(lstat_of(dir + "/" + link).st_mode)) << link;
    EXPECT_EQ(readlink_of(dir + "/" + link), std::string("usr/") + link);
  }
  std::string mod = dir + "/usr/lib/modules/6.1.0-test";
  EXPECT_EQ(read_all(mod + "/kernel/drivers/a.ko"), "module a\n");
  EXPECT_EQ(read_all(dir + "/lib/modules/6.1.0-test/kernel/drivers/a.ko"),
            "module a\n");
  struct stat b = lstat_of(mod + "/kernel/drivers/b.ko");
  struct stat alias = lstat_of(mod + "/b-alias.ko");
  EXPECT_EQ(b.st_ino, alias.st_ino);
  EXPECT_EQ(b.st_nlink, 2u);

  struct stat tool = lstat_of(dir + "/usr/bin/tool");
  EXPECT_TRUE(S_ISREG(tool.st_mode));
  EXPECT_EQ(tool.st_mode & 07777, 04755u);
  EXPECT_EQ(read_all(dir + "/usr/bin/tool"), "tool\n");
  EXPECT_EQ(readlink_of(dir + "/usr/bin/link"), "../../bin/tool");
  EXPECT_EQ(lstat_of(dir + "/var/spool/k").st_mode & 07777, 01777u);
  struct stat owned = lstat_of(dir + "/usr/bin/owned");
  EXPECT_EQ(owned.st_mode & 07777, 0640u);
  if (geteuid() == 0) {
    EXPECT_EQ(owned.st_uid, 1234u);
    EXPECT_EQ(owned.st_gid, 5678u);
  }
  EXPECT_EQ(list_dir(cache_.path() + "/trees"),
            std::vector<std::string>{basename(dir)});

  // Cached by the .deb's SHA-256: a second call does not need the .deb.
  ASSERT_EQ(unlink(p.deb_path.c_str()), 0);
  Context again;
  again.config.cache_directory = cache_.path();
  EXPECT_EQ(unpack_to_directory(again, p), dir);
}

TEST_F(UnpackDirTest, DamagedDebLeavesNoDirectory) {
  PackageRef p = ref_for(make_deb(debs_.path(), "kernelish", "1.0", kKernelish),
                         "kernelish");
  test::flip_byte(p.deb_path, read_all(p.deb_path).size() / 2);
  try {
    unpack_to_directory(ctx_, p);
    FAIL() << "no error";
  } catch (const FatalError &e) {
    EXPECT_NE(std::string(e.what()).find("kernelish: " + p.deb_path +
                                         ": SHA256 mismatch"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(list_dir(cache_.path() + "/trees"), std::vector<std::string>{});
}

} // namespace
