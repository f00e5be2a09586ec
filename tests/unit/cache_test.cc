// The cache's building blocks: sealing and checking files, blobs, stale
// temporaries, manifests and member names.
#include "packages/cache.h"

#include "deb_fixture.h"
#include "packages/manifest.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

using namespace initpack;

namespace {

class PackageCacheTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string err;
    ASSERT_TRUE(cache_.prepare(&err)) << err;
  }
  TempDir dir_{"initpack-cache"};
  PackageCache cache_{dir_.path()};
};

TEST_F(PackageCacheTest, CheckTrustsTheSealAndRehashesOtherwise) {
  std::string path = dir_.path() + "/f", why, err;
  std::string sha = sha256_hex("hello world");
  EXPECT_EQ(cache_.check(path, 11, sha, &why), PackageCache::State::Missing);
  ASSERT_TRUE(write_file(path, "hello world", &err));
  // Unsealed but right: hashed, then sealed.
  EXPECT_EQ(cache_.check(path, 11, sha, &why), PackageCache::State::Valid);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0444u);
  EXPECT_EQ(st.st_mtim.tv_sec, kSealedMtime);

  test::flip_byte(path, 3); // a write breaks the seal
  EXPECT_EQ(cache_.check(path, 11, sha, &why), PackageCache::State::Corrupt);
  EXPECT_EQ(why, path + ": SHA256 mismatch: expected " + sha + ", got " +
                     sha256_hex(test::read_all(path)));
  EXPECT_EQ(cache_.check(path, 12, sha, &why), PackageCache::State::Corrupt);
  EXPECT_EQ(why, path + " has 11 bytes, expected 12");

  // The documented limit: a sealed file is trusted without being read.
  ASSERT_TRUE(PackageCache::seal(path, &err)) << err;
  EXPECT_EQ(cache_.check(path, 11, sha, &why), PackageCache::State::Valid);
}

TEST_F(PackageCacheTest, BlobsAreNamedByTheirContent) {
  std::string sha, err;
  uint64_t size = 0;
  for (int i = 0; i < 2; i++) { // the second copy finds the first
    BlobWriter w(cache_);
    ASSERT_TRUE(w.begin(&err)) << err;
    ASSERT_TRUE(w.write("abc", 3, &err)) << err;
    ASSERT_TRUE(w.write("def", 3, &err)) << err;
    ASSERT_TRUE(w.commit(&sha, &size, &err)) << err;
  }
  EXPECT_EQ(sha, sha256_hex("abcdef"));
  EXPECT_EQ(size, 6u);
  EXPECT_EQ(test::read_all(cache_.blob_path(sha)), "abcdef");
  EXPECT_EQ(cache_.blob_path(sha),
            dir_.path() + "/files/" + sha.substr(0, 2) + "/" + sha);
  // No temporary left, whether the blob was new or already there.
  for (const std::string &name : list_dir(cache_.files_dir()))
    EXPECT_EQ(name.rfind("tmp.", 0), std::string::npos) << name;
  BlobWriter abandoned(cache_);
  ASSERT_TRUE(abandoned.begin(&err));
}

TEST_F(PackageCacheTest, OldTemporariesAreRemoved) {
  std::string err;
  std::string old_tmp = cache_.files_dir() + "/tmp.old";
  std::string new_tmp = cache_.trees_dir() + "/tmp.new";
  ASSERT_TRUE(write_file(old_tmp, "x", &err));
  ASSERT_TRUE(mkdir_p(new_tmp + "/usr", &err));
  struct timespec two_hours_ago[2] = {{0, UTIME_OMIT},
                                      {time(nullptr) - 7200, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, old_tmp.c_str(), two_hours_ago, 0), 0);
  ASSERT_TRUE(cache_.prepare(&err)) << err;
  EXPECT_FALSE(file_exists(old_tmp));
  EXPECT_TRUE(file_exists(new_tmp + "/usr")) << "may belong to a live build";
}

TEST(Manifest, RoundTripsEveryKindOfMember) {
  Manifest m{"pkg", "1.0-1", std::string(64, 'a'), {}};
  PackageFile f;
  f.path = "usr/bin/x";
  f.mode = 04755;
  f.uid = 1;
  f.gid = 2;
  f.size = 3;
  f.sha256 = std::string(64, 'b');
  m.files.push_back(f);
  PackageFile h = f;
  h.path = "usr/bin/y";
  h.hardlink = true;
  h.link = "usr/bin/x";
  m.files.push_back(h);
  PackageFile l;
  l.type = NodeType::Symlink;
  l.path = "usr/bin/z";
  l.link = "../../x y";
  m.files.push_back(l);
  PackageFile d;
  d.type = NodeType::Dir;
  d.path = "var/tmp";
  d.mode = 01777;
  m.files.push_back(d);
  PackageFile c;
  c.type = NodeType::CharDev;
  c.path = "dev/null";
  c.mode = 0666;
  c.rdev_major = 1;
  c.rdev_minor = 3;
  m.files.push_back(c);

  std::string json = manifest_to_json(m);
  EXPECT_NE(
      json.find(
          R"({"path":"usr/bin/x","type":"file","mode":"4755","uid":1,"gid":2,"size":3,"sha256":"bbbb)"),
      std::string::npos)
      << json;
  Manifest back;
  std::string err;
  ASSERT_TRUE(manifest_from_json(json, &back, &err)) << err;
  EXPECT_EQ(manifest_to_json(back), json);
  EXPECT_TRUE(back.files[1].hardlink);
  EXPECT_EQ(back.files[2].link, "../../x y");
  EXPECT_EQ(back.files[3].mode, 01777u);
  EXPECT_EQ(back.files[4].rdev_minor, 3u);
}

TEST(Manifest, RefusesWhatItCannotTrust) {
  Manifest m;
  std::string err;
  EXPECT_FALSE(manifest_from_json(R"({"format":1})", &m, &err));
  EXPECT_EQ(err, "manifest format 1, expected 2");
  EXPECT_FALSE(manifest_from_json(
      R"({"format":2,"package":"p","version":"1","deb_sha256":"x","files":[
{"path":"../etc/x","type":"dir","mode":"0755","uid":0,"gid":0}]})",
      &m, &err));
  EXPECT_EQ(err, "bad path \"../etc/x\": member name contains '..'");
  EXPECT_FALSE(manifest_from_json("{\"format\":2,", &m, &err));
  // Valid JSON, but not what was written: a setuid bit added by hand.
  Manifest good{"p", "1", std::string(64, 'a'), {}};
  PackageFile f;
  f.path = "usr/bin/x";
  f.mode = 0755;
  f.sha256 = std::string(64, 'b');
  good.files.push_back(f);
  std::string json = manifest_to_json(good);
  ASSERT_TRUE(manifest_from_json(json, &m, &err)) << err;
  json.replace(json.find("\"0755\""), 6, "\"4755\"");
  EXPECT_FALSE(manifest_from_json(json, &m, &err));
  EXPECT_EQ(err,
            "content does not match its content_sha256 (edited or damaged)");
}

TEST(MemberName, NormalisesAndRefusesUnsafeNames) {
  std::string out, why;
  ASSERT_TRUE(normalize_member_name("./usr//bin/./x", &out, &why));
  EXPECT_EQ(out, "usr/bin/x");
  ASSERT_TRUE(normalize_member_name("./", &out, &why));
  EXPECT_EQ(out, "");
  ASSERT_TRUE(normalize_member_name("usr/..x", &out, &why)); // just a name
  EXPECT_FALSE(normalize_member_name("/etc/passwd", &out, &why));
  EXPECT_EQ(why, "absolute member name");
  EXPECT_FALSE(normalize_member_name("usr/../../etc", &out, &why));
  EXPECT_EQ(why, "member name contains '..'");
  EXPECT_FALSE(normalize_member_name("usr/lib/..", &out, &why));
  EXPECT_FALSE(normalize_member_name("usr/bin/x\n-rwsr-xr-x", &out, &why));
  EXPECT_EQ(why, "member name contains a newline");
}

} // namespace
