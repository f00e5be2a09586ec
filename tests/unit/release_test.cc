#include "packages/index.h"
#include "packages/release.h"
#include "packages/signature.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

const char *kRelease =
    "Origin: Debian\n"
    "Label: Debian\n"
    "Suite: stable\n"
    "Codename: bookworm\n"
    "Date: Sat, 10 Jun 2023 08:54:29 UTC\n"
    "Valid-Until: Sat, 17 Jun 2023 08:54:29 UTC\n"
    "Acquire-By-Hash: yes\n"
    "Architectures: all amd64 arm64\n"
    "Components: main contrib non-free-firmware\n"
    "MD5Sum:\n"
    " 0ed6d4c8891eb86358b94bb35d9e4da4  1484322 contrib/Contents-all\n"
    "SHA256:\n"
    " 1111111111111111111111111111111111111111111111111111111111111111 "
    "  100 main/binary-amd64/Packages\n"
    " 2222222222222222222222222222222222222222222222222222222222222222 "
    "   40 main/binary-amd64/Packages.xz\n"
    " 3333333333333333333333333333333333333333333333333333333333333333 "
    "   50 main/binary-amd64/Packages.gz\n"
    " 4444444444444444444444444444444444444444444444444444444444444444 "
    "   60 contrib/binary-amd64/Packages.gz\n";

TEST(Release, ParsesFieldsDatesAndChecksums) {
  ReleaseFile rel;
  std::string err;
  ASSERT_TRUE(
      parse_release(kRelease, "http://m/dists/bookworm/InRelease", &rel, &err))
      << err;
  EXPECT_EQ(rel.suite, "stable");
  EXPECT_EQ(rel.codename, "bookworm");
  EXPECT_EQ(rel.origin, "Debian");
  EXPECT_EQ(rel.date, 1686387269);
  EXPECT_EQ(rel.valid_until, 1686387269 + 7 * 86400);
  EXPECT_TRUE(rel.acquire_by_hash);
  EXPECT_FALSE(rel.not_automatic);
  EXPECT_EQ(rel.components.size(), 3u);
  ASSERT_EQ(rel.sha256.size(), 4u);
  const ReleaseEntry *e = rel.find("main/binary-amd64/Packages.xz");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->size, 40u);
  EXPECT_EQ(e->sha256, std::string(64, '2'));
  // .xz wins over .gz over plain; a component with only .gz gets that.
  EXPECT_EQ(find_packages_entry(rel, "main", "amd64"), e);
  EXPECT_EQ(find_packages_entry(rel, "contrib", "amd64")->path,
            "contrib/binary-amd64/Packages.gz");
  EXPECT_EQ(find_packages_entry(rel, "non-free", "amd64"), nullptr);
  EXPECT_EQ(find_packages_entry(rel, "main", "arm64"), nullptr);
}

TEST(Release, Errors) {
  ReleaseFile rel;
  std::string err;
  EXPECT_FALSE(parse_release("Suite: x\nMD5Sum:\n abc 1 f\n", "R", &rel, &err));
  EXPECT_EQ(err, "R: no SHA256 checksums (older hashes are not trusted)");
  EXPECT_FALSE(
      parse_release("Suite: x\nDate: yesterday\nSHA256:\n", "R", &rel, &err));
  EXPECT_EQ(err, "R:2: cannot parse Date: yesterday");
  EXPECT_FALSE(
      parse_release("Suite: x\nSHA256:\n"
                    " 1111111111111111111111111111111111111111111111111"
                    "111111111111111 12 a\n"
                    " 12zz 5 b\n",
                    "R", &rel, &err));
  EXPECT_EQ(err, "R:4: malformed SHA256 line (expected 'HEX SIZE PATH')");
  EXPECT_FALSE(parse_release("A: 1\n\nB: 2\n", "R", &rel, &err));
  EXPECT_EQ(err, "R: expected one paragraph, found 2");
}

TEST(Release, DateForms) {
  time_t t = 0;
  EXPECT_TRUE(parse_release_date("Sat, 10 Jun 2023 08:54:29 UTC", &t));
  EXPECT_EQ(t, 1686387269);
  EXPECT_TRUE(parse_release_date("10 Jun 2023 08:54:29 GMT", &t));
  EXPECT_EQ(t, 1686387269);
  EXPECT_TRUE(parse_release_date("Sat, 10 Jun 2023 10:54:29 +0200", &t));
  EXPECT_EQ(t, 1686387269);
  EXPECT_TRUE(parse_release_date("Sat, 10 Jun 2023 03:54:29 -0500", &t));
  EXPECT_EQ(t, 1686387269);
  EXPECT_FALSE(parse_release_date("Sat, 10 Juni 2023 08:54:29 UTC", &t));
  EXPECT_FALSE(parse_release_date("Sat, 10 Jun 2023 08:54 UTC", &t));
  EXPECT_FALSE(parse_release_date("Sat, 10 Jun 2023 08:54:29 CEST", &t));
  EXPECT_EQ(format_release_date(1686387269), "2023-06-10 08:54:29 UTC");
}

TEST(Release, ChecksSuiteAndDates) {
  ReleaseFile rel;
  std::string err;
  ASSERT_TRUE(parse_release(kRelease, "U", &rel, &err)) << err;
  SuiteSource src;
  src.suite = "bookworm";
  time_t during = rel.date + 3600;
  EXPECT_TRUE(check_release(rel, src, "U", during, &err)) << err;
  src.suite = "stable"; // the Suite: matches too
  EXPECT_TRUE(check_release(rel, src, "U", during, &err)) << err;
  src.suite = "trixie";
  EXPECT_FALSE(check_release(rel, src, "U", during, &err));
  EXPECT_EQ(err,
            "U: is for suite 'stable' (codename 'bookworm'), not 'trixie'");

  src.suite = "bookworm";
  EXPECT_FALSE(check_release(rel, src, "U", rel.valid_until + 1, &err));
  EXPECT_EQ(err, "U: expired: Valid-Until 2023-06-17 08:54:29 UTC is in the "
                 "past (now 2023-06-17 08:54:30 UTC); the mirror is stale or "
                 "replays an old index (--no-check-valid-until / "
                 "CheckValidUntil=no to accept it)");
  EXPECT_FALSE(check_release(rel, src, "U", rel.date - 60, &err));
  EXPECT_EQ(err, "U: not valid yet: dated 2023-06-10 08:54:29 UTC, but the "
                 "clock says 2023-06-10 08:53:29 UTC");
  src.check_valid_until = false;
  EXPECT_TRUE(check_release(rel, src, "U", rel.valid_until + 1, &err));
}

TEST(Release, ArchiveDirName) {
  EXPECT_EQ(archive_dir_name("http://deb.example/debian"),
            "deb.example_debian");
  EXPECT_EQ(archive_dir_name("http://127.0.0.1:8080/"), "127.0.0.1:8080");
}

TEST(Signature, DearmorDecodesBase64Body) {
  std::string bin, err;
  ASSERT_TRUE(dearmor("junk before\n"
                      "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
                      "Comment: a header\n"
                      "\n"
                      "aGVs\n"
                      "bG8=\n"
                      "=XXXX\n"
                      "-----END PGP PUBLIC KEY BLOCK-----\n"
                      "-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
                      "\n"
                      "IQ==\n"
                      "-----END PGP PUBLIC KEY BLOCK-----\n",
                      &bin, &err))
      << err;
  EXPECT_EQ(bin, "hello!");
  ASSERT_TRUE(
      dearmor("-----BEGIN PGP X-----\n\naGk=-----END PGP X-----", &bin, &err));
  EXPECT_EQ(bin, "hi");
  ASSERT_TRUE(dearmor(std::string("\x99\x01\x0d", 3), &bin, &err));
  EXPECT_EQ(bin, std::string("\x99\x01\x0d", 3)); // binary: unchanged
  EXPECT_FALSE(
      dearmor("-----BEGIN PGP PUBLIC KEY BLOCK-----\nno end\n", &bin, &err));
  EXPECT_EQ(err, "malformed ASCII armor (no blank line after the header or no "
                 "END line)");
}

} // namespace
