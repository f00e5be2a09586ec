// unpack_packages() with real .debs built by dpkg-deb: the exact tree, the
// merged-/usr links, the unpack cache (warm builds, corrupt blobs), and
// packages that clash.
#include "packages/unpack.h"

#include "deb_fixture.h"
#include "packages/cache.h"
#include "packages/manifest.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace initpack;
using test::make_deb;
using test::ref_for;

namespace {

// alpha: a bit of everything an unpacker must keep.
const char *kAlphaScript = R"(
mkdir -p usr/bin bin lib usr/lib/alpha var/spool/alpha
printf 'tool v1\n' > usr/bin/tool; chmod 0755 usr/bin/tool
printf 'legacy\n' > bin/legacy; chmod 0755 bin/legacy
printf 'suid\n' > usr/bin/suid; chmod 4755 usr/bin/suid
printf 'owned\n' > usr/lib/alpha/owned
chown 1234:5678 usr/lib/alpha/owned; chmod 0640 usr/lib/alpha/owned
ln -s tool usr/bin/link
printf 'shared inode\n' > usr/lib/alpha/a; ln usr/lib/alpha/a usr/lib/alpha/b
printf 'lib\n' > lib/libalpha.so.1
chmod 1777 var/spool/alpha
)";

// One line per path: type, mode, owner, origin, and the symlink target or
// the file's content (read back from the cache).
std::string describe(const Tree &tree) {
  static const char *types[] = {"file",     "dir",  "symlink", "chardev",
                                "blockdev", "fifo", "socket"};
  std::string out;
  for (const auto &[path, e] : tree.entries()) {
    const Inode &i = *e.inode;
    out += fmt::format("{} {} {:04o} {}:{} {}", path.empty() ? "/" : path,
                       types[static_cast<int>(i.type)], i.mode, i.uid, i.gid,
                       e.origin);
    if (i.type == NodeType::Symlink)
      out += " -> " + i.symlink_target;
    if (i.type == NodeType::File) {
      std::string data, err;
      EXPECT_TRUE(i.content->read(&data, &err)) << err;
      EXPECT_EQ(i.content->sha256, sha256_hex(data)) << path;
      out += " " + nlohmann::json(data).dump();
    }
    out += "\n";
  }
  return out;
}

// "drwxr-xr-x" as tar and ls print it.
std::string ls_mode(const Inode &i, bool hardlink) {
  std::string s = hardlink                      ? "h"
                  : i.type == NodeType::Dir     ? "d"
                  : i.type == NodeType::Symlink ? "l"
                                                : "-";
  const char *rwx = "rwxrwxrwx";
  for (int b = 0; b < 9; b++)
    s += (i.mode & (0400 >> b)) ? rwx[b] : '-';
  auto special = [&](int pos, uint32_t bit, char set, char set_noexec) {
    if (i.mode & bit)
      s[pos] = s[pos] == '-' ? set_noexec : set;
  };
  special(3, 04000, 's', 'S');
  special(6, 02000, 's', 'S');
  special(9, 01000, 't', 'T');
  return s;
}

class UnpackTest : public ::testing::Test {
protected:
  void SetUp() override { ctx_.config.cache_directory = cache_.path(); }

  // A fresh run over the same cache.
  std::unique_ptr<Context> new_ctx() {
    auto ctx = std::make_unique<Context>();
    ctx->config.cache_directory = cache_.path();
    return ctx;
  }

  // Runs unpack_packages; returns the error text ("" when it succeeded)
  // with everything printed to stderr.
  std::string unpack(Context &ctx, const std::vector<PackageRef> &pkgs) {
    ::testing::internal::CaptureStderr();
    std::string what;
    try {
      unpack_packages(ctx, pkgs);
    } catch (const FatalError &e) {
      what = e.what();
    }
    std::string err = ::testing::internal::GetCapturedStderr();
    return what.empty() ? "" : err + what;
  }

  PackageRef alpha() {
    return ref_for(make_deb(debs_.path(), "alpha", "1.0", kAlphaScript),
                   "alpha");
  }

  TempDir cache_{"initpack-cache"}, debs_{"initpack-debs"};
  Context ctx_;
  PackageCache cache{cache_.path()};
};

TEST_F(UnpackTest, UnpacksTheExactTreeThroughMergedUsr) {
  ASSERT_EQ(unpack(ctx_, {alpha()}), "");
  EXPECT_EQ(describe(ctx_.tree), R"(/ dir 0755 0:0 initpack
bin symlink 0777 0:0 initpack:merged-usr -> usr/bin
lib symlink 0777 0:0 initpack:merged-usr -> usr/lib
lib64 symlink 0777 0:0 initpack:merged-usr -> usr/lib64
sbin symlink 0777 0:0 initpack:merged-usr -> usr/sbin
usr dir 0755 0:0 initpack:merged-usr
usr/bin dir 0755 0:0 initpack:merged-usr
usr/bin/legacy file 0755 0:0 alpha "legacy\n"
usr/bin/link symlink 0777 0:0 alpha -> tool
usr/bin/suid file 4755 0:0 alpha "suid\n"
usr/bin/tool file 0755 0:0 alpha "tool v1\n"
usr/lib dir 0755 0:0 initpack:merged-usr
usr/lib/alpha dir 0755 0:0 alpha
usr/lib/alpha/a file 0644 0:0 alpha "shared inode\n"
usr/lib/alpha/b file 0644 0:0 alpha "shared inode\n"
usr/lib/alpha/owned file 0640 1234:5678 alpha "owned\n"
usr/lib/libalpha.so.1 file 0644 0:0 alpha "lib\n"
usr/lib64 dir 0755 0:0 initpack:merged-usr
usr/sbin dir 0755 0:0 initpack:merged-usr
var dir 0755 0:0 alpha
var/spool dir 0755 0:0 alpha
var/spool/alpha dir 1777 0:0 alpha
)");
  EXPECT_EQ(ctx_.tree.find("usr/lib/alpha/a")->inode,
            ctx_.tree.find("usr/lib/alpha/b")->inode);
  EXPECT_NE(ctx_.tree.find("usr/bin/tool")->inode,
            ctx_.tree.find("usr/bin/suid")->inode);
}

TEST_F(UnpackTest, AgreesWithDpkgDebListing) {
  std::string deb = make_deb(debs_.path(), "alpha", "1.0", kAlphaScript);
  ASSERT_EQ(unpack(ctx_, {ref_for(deb, "alpha")}), "");
  Diagnostics diag;
  RunResult r = run_command(diag, {"dpkg-deb", "-c", deb});
  ASSERT_TRUE(r.ok()) << r.err;
  std::istringstream in(r.out);
  std::string perms, owner, size, date, time, path, line;
  int lines = 0;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    l >> perms >> owner >> size >> date >> time >> path;
    if (path == "./")
      continue;
    std::string resolved, err;
    ASSERT_TRUE(ctx_.tree.resolve(path, perms[0] == 'd', &resolved, &err));
    const Entry *e = ctx_.tree.find(resolved);
    ASSERT_NE(e, nullptr) << path;
    EXPECT_EQ(ls_mode(*e->inode, perms[0] == 'h'), perms) << path;
    std::string ids = fmt::format("{}/{}", e->inode->uid, e->inode->gid);
    EXPECT_EQ(ids == "0/0" ? "root/root" : ids, owner) << path;
    lines++;
  }
  EXPECT_EQ(lines, 17);
}

TEST_F(UnpackTest, DataTarCompressionsAllUnpackAlike) {
  std::string want;
  for (const char *z : {"xz", "zstd", "gzip", "none"}) {
    Context ctx;
    ctx.config.cache_directory = cache_.path() + "/" + z;
    std::string deb =
        make_deb(debs_.path() + "/" + z, "alpha", "1.0", kAlphaScript, z);
    ASSERT_EQ(unpack(ctx, {ref_for(deb, "alpha")}), "") << z;
    if (want.empty())
      want = describe(ctx.tree);
    EXPECT_EQ(describe(ctx.tree), want) << z;
  }
}

TEST_F(UnpackTest, WarmBuildReadsOnlyTheManifest) {
  PackageRef p = alpha();
  ASSERT_EQ(unpack(ctx_, {p}), "");
  EXPECT_TRUE(file_exists(cache.manifest_path(p.sha256)));
  // Without the .deb, only the cache can provide the files.
  ASSERT_EQ(::unlink(p.deb_path.c_str()), 0);
  auto warm = new_ctx();
  ASSERT_EQ(unpack(*warm, {p}), "");
  EXPECT_EQ(describe(warm->tree), describe(ctx_.tree));
  EXPECT_EQ(warm->tree.find("usr/lib/alpha/a")->inode,
            warm->tree.find("usr/lib/alpha/b")->inode);
  const Content &c = *warm->tree.find("usr/bin/tool")->inode->content;
  EXPECT_EQ(c.disk_path, cache.blob_path(sha256_hex("tool v1\n")));
  struct stat st;
  ASSERT_EQ(stat(c.disk_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0444u);
  EXPECT_EQ(st.st_mtim.tv_sec, kSealedMtime);
}

TEST_F(UnpackTest, CorruptOrMissingBlobIsUnpackedAgain) {
  PackageRef p = alpha();
  ASSERT_EQ(unpack(ctx_, {p}), "");
  std::string tool = cache.blob_path(sha256_hex("tool v1\n"));
  std::string suid = cache.blob_path(sha256_hex("suid\n"));
  test::flip_byte(tool, 2);
  auto ctx = new_ctx();
  ::testing::internal::CaptureStderr();
  unpack_packages(*ctx, {p});
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("alpha: cached unpacked copy is damaged (" + tool +
                     ": SHA256 mismatch"),
            std::string::npos)
      << err;
  EXPECT_EQ(test::read_all(tool), "tool v1\n");
  EXPECT_EQ(describe(ctx->tree), describe(ctx_.tree));

  ASSERT_EQ(::unlink(suid.c_str()), 0);
  ctx = new_ctx();
  ::testing::internal::CaptureStderr();
  unpack_packages(*ctx, {p});
  err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find(suid + " (usr/bin/suid) is missing"), std::string::npos)
      << err;
  EXPECT_EQ(test::read_all(suid), "suid\n");
}

TEST_F(UnpackTest, DamagedManifestIsRebuilt) {
  PackageRef p = alpha();
  ASSERT_EQ(unpack(ctx_, {p}), "");
  std::string err;
  ASSERT_TRUE(
      write_file(cache.manifest_path(p.sha256), "{\"format\":2,", &err));
  auto ctx = new_ctx();
  unpack(*ctx, {p}); // warns, then unpacks the .deb
  EXPECT_EQ(describe(ctx->tree), describe(ctx_.tree));
  Manifest m;
  EXPECT_TRUE(read_manifest(cache.manifest_path(p.sha256), &m, &err)) << err;
  EXPECT_EQ(m.files.size(), 18u); // 17 and "./"
}

// The cache is verified, not trusted: a manifest edited to make a file
// setuid and to add one is detected on use and rebuilt from the .deb.
TEST_F(UnpackTest, EditedManifestIsDetectedAndRebuilt) {
  PackageRef p = alpha();
  ASSERT_EQ(unpack(ctx_, {p}), "");
  std::string path = cache.manifest_path(p.sha256), err;
  std::string text = test::read_all(path);
  std::string from = R"("path":"usr/bin/tool","type":"file","mode":"0755")";
  ASSERT_NE(text.find(from), std::string::npos) << text;
  text.replace(text.find(from), from.size(),
               R"("path":"usr/bin/tool","type":"file","mode":"4755")");
  text.replace(text.rfind("\n]}"), 3,
               ",\n{\"path\":\"usr/bin/evil\",\"type\":\"symlink\","
               "\"uid\":0,\"gid\":0,\"target\":\"/tmp/x\"}\n]}");
  chmod(path.c_str(), 0644);
  ASSERT_TRUE(write_file(path, text, &err)) << err;
  auto ctx = new_ctx();
  ::testing::internal::CaptureStderr();
  unpack_packages(*ctx, {p});
  std::string out = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(out.find("alpha: cached unpacked copy is damaged (" + path +
                     ": content does not match its content_sha256 (edited "
                     "or damaged)); unpacking the .deb again"),
            std::string::npos)
      << out;
  EXPECT_EQ(describe(ctx->tree), describe(ctx_.tree));
  EXPECT_EQ(ctx->tree.find("usr/bin/evil"), nullptr);
  EXPECT_NE(test::read_all(path).find(from), std::string::npos);
}

TEST_F(UnpackTest, DamagedDebIsRefusedWhenRead) {
  PackageRef p = alpha();
  std::string cached = cache.deb_path(p.sha256);
  std::string err;
  ASSERT_TRUE(mkdir_p(dirname(cached), &err));
  ASSERT_TRUE(write_file(cached, test::read_all(p.deb_path), &err));
  test::flip_byte(cached, test::read_all(cached).size() - 10);
  p.deb_path = cached;
  std::string out = unpack(ctx_, {p});
  EXPECT_NE(
      out.find("alpha: " + cached + ": SHA256 mismatch: expected " + p.sha256),
      std::string::npos)
      << out;
  EXPECT_FALSE(file_exists(cached)) << "a damaged .deb stays in the cache";
  EXPECT_FALSE(file_exists(cache.manifest_path(p.sha256)));
}

TEST_F(UnpackTest, ClashingPackagesAreReportedNamingBoth) {
  PackageRef a = alpha();
  // beta: another tool, a symlink where alpha has a file (bin/legacy lands
  // on usr/bin/legacy), and a different owner on an identical file.
  PackageRef b = ref_for(make_deb(debs_.path(), "beta", "2.0", R"(
mkdir -p usr/bin usr/lib usr/lib/alpha
printf 'tool v2\n' > usr/bin/tool
ln -s tool usr/bin/legacy
printf 'lib\n' > usr/lib/libalpha.so.1; chown 7:7 usr/lib/libalpha.so.1
)"),
                         "beta", "2.0");
  // zeta: its /bin/tool is alpha's /usr/bin/tool on a merged-/usr system.
  PackageRef z = ref_for(make_deb(debs_.path(), "zeta", "1.0", R"(
mkdir -p bin
printf 'tool v3\n' > bin/tool; chmod 0755 bin/tool
)"),
                         "zeta");
  std::string out = unpack(ctx_, {z, b, a});
  EXPECT_NE(out.find("beta: usr/bin/tool: also shipped by alpha, with "
                     "different content"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("beta: usr/bin/legacy: also shipped by alpha, with a "
                     "file and a symlink"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("beta: usr/lib/libalpha.so.1: also shipped by alpha, "
                     "with different modes or owners (0644 0:0 and 0644 7:7)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("zeta: bin/tool (usr/bin/tool): also shipped by alpha, "
                     "with different content"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("4 errors, stopping"), std::string::npos) << out;
}

// dpkg lets a package overwrite the files of one it Replaces:, whichever
// is unpacked first; a directory stays a directory all the same.
TEST_F(UnpackTest, ReplacesLetsTheReplacingPackagesFileWin) {
  PackageRef a = alpha();
  // delta: another tool, a symlink where alpha has bin/legacy.
  PackageRef d = ref_for(make_deb(debs_.path(), "delta", "2.0", R"(
mkdir -p usr/bin
printf 'tool v2\n' > usr/bin/tool
ln -s tool usr/bin/legacy
)"),
                         "delta", "2.0");
  d.replaces = {"alpha"};
  for (auto order : {std::vector<PackageRef>{a, d}, {d, a}}) {
    auto ctx = new_ctx();
    ASSERT_EQ(unpack(*ctx, order), "");
    const Entry *tool = ctx->tree.find("usr/bin/tool");
    ASSERT_TRUE(tool);
    EXPECT_EQ(tool->origin, "delta");
    std::string data, err;
    ASSERT_TRUE(tool->inode->content->read(&data, &err)) << err;
    EXPECT_EQ(data, "tool v2\n");
    EXPECT_EQ(ctx->tree.find("usr/bin/legacy")->inode->symlink_target, "tool");
    EXPECT_EQ(ctx->tree.find("usr/bin/suid")->origin, "alpha");
  }
  // alpha Replaces delta instead: alpha's files stay, in both orders.
  a.replaces = {"delta"};
  d.replaces.clear();
  for (auto order : {std::vector<PackageRef>{a, d}, {d, a}}) {
    auto ctx = new_ctx();
    ASSERT_EQ(unpack(*ctx, order), "");
    EXPECT_EQ(ctx->tree.find("usr/bin/tool")->origin, "alpha");
    EXPECT_EQ(ctx->tree.find("usr/bin/legacy")->inode->type, NodeType::File);
  }
  // Replaces: does not let a file take the place of a directory.
  PackageRef e = ref_for(make_deb(debs_.path(), "epsilon", "1.0", R"(
mkdir -p usr/lib
printf 'x\n' > usr/lib/alpha
)"),
                         "epsilon");
  e.replaces = {"alpha"};
  a.replaces.clear();
  std::string out = unpack(ctx_, {a, e});
  EXPECT_NE(out.find("epsilon: usr/lib/alpha: also shipped by alpha, with a "
                     "directory and a file"),
            std::string::npos)
      << out;
}

TEST_F(UnpackTest, SharedDirectoriesAndIdenticalFilesAreFine) {
  PackageRef a = alpha();
  // gamma ships alpha's tool, identical, under /bin (merged into usr/bin).
  PackageRef g = ref_for(make_deb(debs_.path(), "gamma", "1.0", R"(
mkdir -p bin usr/lib/alpha usr/share/gamma
printf 'tool v1\n' > bin/tool; chmod 0755 bin/tool
printf 'g\n' > usr/share/gamma/g
)"),
                         "gamma");
  ASSERT_EQ(unpack(ctx_, {g, a}), "");
  EXPECT_EQ(ctx_.tree.find("usr/bin/tool")->origin, "alpha");
  EXPECT_EQ(ctx_.tree.find("usr/share/gamma/g")->origin, "gamma");
  EXPECT_FALSE(ctx_.tree.contains("bin/tool"));
}

// Bytes under a directory, as `du -sb` counts file sizes.
uint64_t bytes_under(const std::string &dir) {
  Diagnostics diag;
  RunResult r = run_command(diag, {"du", "-sb", dir});
  return std::stoull(r.out);
}

TEST_F(UnpackTest, AnUnpackBombIsRefusedBeforeItFillsTheCache) {
  // 40 MiB of zeros in a .deb of a few KiB whose index says 4 KiB.
  PackageRef p =
      ref_for(make_deb(debs_.path(), "bomb", "1.0",
                       "mkdir -p usr/share\n"
                       "printf small > usr/share/small\n"
                       "head -c 41943040 /dev/zero > usr/share/zeros\n",
                       "gzip"),
              "bomb");
  EXPECT_LT(p.size, 200000u);
  p.installed_size = 4;
  std::string out = unpack(ctx_, {p});
  uint64_t limit = 4 * 1024 * 2 + (16 << 20);
  EXPECT_NE(out.find(fmt::format(
                "bomb: data.tar unpacks to more than {} bytes (at "
                "usr/share/zeros), far beyond its Installed-Size of 4 KiB: "
                "refused as an unpack bomb",
                limit)),
            std::string::npos)
      << out;
  EXPECT_FALSE(file_exists(cache.manifest_path(p.sha256)));
  EXPECT_LT(bytes_under(cache_.path()), 1u << 20) << "bytes written";
}

TEST_F(UnpackTest, ASecondDataTarIsRefused) {
  std::string deb = test::craft_deb(
      debs_.path() + "/two.deb", {{"./usr/", 'd', ""}, {"./usr/a", 'f', "a"}},
      {{"./usr/b", 'f', "hidden"}});
  PackageRef p = ref_for(deb, "two");
  std::string out = unpack(ctx_, {p});
  EXPECT_NE(out.find("two: " + deb +
                     ": a second data.tar member ('data.tar.gz'): not a "
                     "valid Debian package"),
            std::string::npos)
      << out;
  EXPECT_FALSE(file_exists(cache.manifest_path(p.sha256)));
}

// A crafted package declares a directory another package populated (so
// the directory becomes "its own"), then ships a file or a hardlink at the
// same path: dpkg refuses to overwrite the other package's files, so do we.
TEST_F(UnpackTest, ReplacingADirectoryWithOtherPackagesFilesIsRefused) {
  PackageRef victim =
      ref_for(test::craft_deb(debs_.path() + "/alpha.deb",
                              {{"./usr/share/x/f", 'f', "victim"}}),
              "alpha");
  PackageRef file = ref_for(test::craft_deb(debs_.path() + "/evil.deb",
                                            {{"./usr/share/x/", 'd', ""},
                                             {"./usr/share/x", 'f', "evil"}}),
                            "evil");
  std::string out = unpack(ctx_, {file, victim});
  EXPECT_NE(out.find("evil: usr/share/x: trying to overwrite a directory "
                     "holding usr/share/x/f of alpha with a file"),
            std::string::npos)
      << out;

  PackageRef link =
      ref_for(test::craft_deb(debs_.path() + "/hard.deb",
                              {{"./usr/share/x/", 'd', ""},
                               {"./etc/y", 'f', "data"},
                               {"./usr/share/x", 'h', "./etc/y"}}),
              "hard");
  auto ctx = new_ctx();
  out = unpack(*ctx, {link, victim});
  EXPECT_NE(out.find("hard: usr/share/x: trying to overwrite a directory "
                     "holding usr/share/x/f of alpha with a hardlink"),
            std::string::npos)
      << out;

  // The same hardlink without declaring the directory: alpha's directory,
  // so the two packages clash on the path, Replaces: or not.
  PackageRef plain =
      ref_for(test::craft_deb(debs_.path() + "/plain.deb",
                              {{"./etc/y", 'f', "data"},
                               {"./usr/share/x", 'h', "./etc/y"}}),
              "plain");
  plain.replaces = {"alpha"};
  ctx = new_ctx();
  out = unpack(*ctx, {plain, victim});
  EXPECT_NE(out.find("plain: usr/share/x: also shipped by alpha, with a "
                     "directory and a file"),
            std::string::npos)
      << out;
}

} // namespace
