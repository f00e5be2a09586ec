#include "util/apt_sources.h"
#include "util/deb822.h"
#include "util/fs.h"

#include <gtest/gtest.h>

using namespace initpack;

namespace {

using Strings = std::vector<std::string>;

TEST(Deb822, FieldsContinuationsCommentsAndParagraphs) {
  std::vector<Deb822Paragraph> paras;
  std::string err;
  ASSERT_TRUE(parse_deb822("# comment\n"
                           "Types: deb\n"
                           "URIs: http://a/b\n"
                           "Key: first\n"
                           " second\n"
                           " .\n"
                           "\tthird\n"
                           "\n\n"
                           "Other: x\n",
                           "f.sources", &paras, &err))
      << err;
  ASSERT_EQ(paras.size(), 2u);
  EXPECT_EQ(paras[0].line, 2);
  EXPECT_EQ(paras[0].get("types"), "deb");
  EXPECT_EQ(paras[0].get("Key"), "first\nsecond\n\nthird");
  EXPECT_EQ(paras[0].find("Key")->line, 4);
  EXPECT_EQ(paras[1].get("Other"), "x");
  EXPECT_EQ(paras[1].find("Types"), nullptr);
}

TEST(Deb822, MalformedLinesNameFileAndLine) {
  std::vector<Deb822Paragraph> paras;
  std::string err;
  EXPECT_FALSE(
      parse_deb822("Types: deb\nno colon here\n", "x.sources", &paras, &err));
  EXPECT_EQ(err, "x.sources:2: expected 'Field: value', got: no colon here");
  EXPECT_FALSE(parse_deb822("\n continued\n", "y", &paras, &err));
  EXPECT_EQ(err, "y:2: continuation line outside a field:  continued");
}

TEST(AptSources, OneLineFormWithOptions) {
  std::vector<AptSource> out;
  std::string err;
  ASSERT_TRUE(parse_one_line_sources(
      "# the archive\n"
      "deb [ arch=amd64,i386 signed-by=/k/a.gpg check-valid-until=no ] "
      "http://m/debian bookworm main contrib # trailing\n"
      "deb-src http://m/debian bookworm main\n"
      "\n"
      "deb [arch-=i386 arch+=arm64] http://s/debian-security "
      "bookworm-security main\n",
      "/etc/apt/sources.list", &out, &err))
      << err;
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].origin, "/etc/apt/sources.list:2");
  EXPECT_EQ(out[0].uris, Strings{"http://m/debian"});
  EXPECT_EQ(out[0].suites, Strings{"bookworm"});
  EXPECT_EQ(out[0].components, (Strings{"main", "contrib"}));
  EXPECT_EQ(out[0].architectures, (Strings{"amd64", "i386"}));
  EXPECT_EQ(out[0].signed_by, Strings{"/k/a.gpg"});
  EXPECT_EQ(out[0].check_valid_until, false);
  EXPECT_EQ(out[1].origin, "/etc/apt/sources.list:5");
  EXPECT_EQ(out[1].architectures, Strings{"arm64"});
  EXPECT_FALSE(out[1].check_valid_until.has_value());
}

TEST(AptSources, OneLineErrors) {
  std::vector<AptSource> out;
  std::string err;
  EXPECT_FALSE(
      parse_one_line_sources("deb http://m/debian\n", "a.list", &out, &err));
  EXPECT_EQ(err, "a.list:1: expected URI and suite after 'deb'");
  EXPECT_FALSE(
      parse_one_line_sources("rpm http://m/ x\n", "a.list", &out, &err));
  EXPECT_EQ(err, "a.list:1: unknown type 'rpm' (expected deb or deb-src)");
  EXPECT_FALSE(parse_one_line_sources("deb [arch=amd64 http://m/ x main\n",
                                      "a.list", &out, &err));
  EXPECT_EQ(err, "a.list:1: malformed option 'http://m/' (expected key=value)");
  EXPECT_FALSE(
      parse_one_line_sources("deb [arch=amd64\n", "a.list", &out, &err));
  EXPECT_EQ(err, "a.list:1: unterminated '[' option list");
  EXPECT_FALSE(parse_one_line_sources("deb [signed-by=rel.gpg] http://m/ x\n",
                                      "a.list", &out, &err));
  EXPECT_EQ(err, "a.list:1: Signed-By must be an absolute path, got rel.gpg");
}

TEST(AptSources, Deb822FormSkipsDisabledAndSourceOnly) {
  std::vector<AptSource> out;
  std::string err;
  ASSERT_TRUE(parse_deb822_sources("Types: deb deb-src\n"
                                   "URIs: http://a/debian http://b/debian\n"
                                   "Suites: bookworm bookworm-updates\n"
                                   "Components: main non-free-firmware\n"
                                   "Architectures: amd64\n"
                                   "Signed-By: /usr/share/keyrings/one.gpg,\n"
                                   " /usr/share/keyrings/two.gpg\n"
                                   "Check-Valid-Until: yes\n"
                                   "\n"
                                   "Types: deb\n"
                                   "URIs: http://off/debian\n"
                                   "Suites: x\n"
                                   "Components: main\n"
                                   "Enabled: no\n"
                                   "\n"
                                   "Types: deb-src\n"
                                   "URIs: http://src/debian\n"
                                   "Suites: x\n"
                                   "Components: main\n",
                                   "d.sources", &out, &err))
      << err;
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].origin, "d.sources:1");
  EXPECT_EQ(out[0].uris, (Strings{"http://a/debian", "http://b/debian"}));
  EXPECT_EQ(out[0].suites, (Strings{"bookworm", "bookworm-updates"}));
  EXPECT_EQ(out[0].components, (Strings{"main", "non-free-firmware"}));
  EXPECT_EQ(out[0].signed_by, (Strings{"/usr/share/keyrings/one.gpg",
                                       "/usr/share/keyrings/two.gpg"}));
  EXPECT_EQ(out[0].check_valid_until, true);
}

TEST(AptSources, Deb822InlineSignedByKeyBlock) {
  std::vector<AptSource> out;
  std::string err;
  ASSERT_TRUE(parse_deb822_sources("Types: deb\n"
                                   "URIs: http://a/debian\n"
                                   "Suites: stable\n"
                                   "Components: main\n"
                                   "Signed-By:\n"
                                   " -----BEGIN PGP PUBLIC KEY BLOCK-----\n"
                                   " .\n"
                                   " mDMEZ0123\n"
                                   " =abcd\n"
                                   " -----END PGP PUBLIC KEY BLOCK-----\n",
                                   "k.sources", &out, &err))
      << err;
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].signed_by.empty());
  EXPECT_EQ(out[0].signed_by_key, "\n-----BEGIN PGP PUBLIC KEY BLOCK-----\n"
                                  "\nmDMEZ0123\n=abcd\n"
                                  "-----END PGP PUBLIC KEY BLOCK-----");
}

TEST(AptSources, Deb822Errors) {
  std::vector<AptSource> out;
  std::string err;
  EXPECT_FALSE(parse_deb822_sources("URIs: http://a/\nSuites: x\n", "e.sources",
                                    &out, &err));
  EXPECT_EQ(err, "e.sources:1: entry has no Types field");
  EXPECT_FALSE(parse_deb822_sources("Types: deb\nURIs: http://a/\nSuites: x\n"
                                    "Enabled: maybe\n",
                                    "e.sources", &out, &err));
  EXPECT_EQ(err, "e.sources:4: Enabled must be yes or no, got maybe");
  EXPECT_FALSE(
      parse_deb822_sources("Types: deb\nSuites: x\n", "e.sources", &out, &err));
  EXPECT_EQ(err, "e.sources:1: entry needs URIs and Suites");
  EXPECT_FALSE(parse_deb822_sources(
      "Types: deb\nURIs: http://a/\nSuites: x\n"
      "Signed-By: 0123456789ABCDEF0123456789ABCDEF01234567\n",
      "e.sources", &out, &err));
  EXPECT_EQ(err, "e.sources:1: Signed-By key fingerprints "
                 "(0123456789ABCDEF0123456789ABCDEF01234567) are not "
                 "supported; name keyring files instead");
}

TEST(AptSources, FileNamesAptReads) {
  EXPECT_TRUE(is_apt_sources_file_name("debian.sources"));
  EXPECT_TRUE(is_apt_sources_file_name("my_repo-1.list"));
  EXPECT_FALSE(is_apt_sources_file_name("google.list.disabled-by-farm"));
  EXPECT_FALSE(is_apt_sources_file_name("x.sources.save"));
  EXPECT_FALSE(is_apt_sources_file_name("x.list~"));
  EXPECT_FALSE(is_apt_sources_file_name("bad name.list"));
  EXPECT_FALSE(is_apt_sources_file_name(".list"));
}

TEST(AptSources, ReadsARootLikeApt) {
  TempDir root;
  std::string err, etc = root.path() + "/etc/apt";
  ASSERT_TRUE(mkdir_p(etc + "/sources.list.d", &err)) << err;
  ASSERT_TRUE(
      write_file(etc + "/sources.list", "deb http://one/ a main\n", &err));
  ASSERT_TRUE(write_file(etc + "/sources.list.d/b.sources",
                         "Types: deb\nURIs: http://two/\nSuites: b\n"
                         "Components: main\n",
                         &err));
  ASSERT_TRUE(write_file(etc + "/sources.list.d/c.list.disabled",
                         "deb http://ignored/ c main\n", &err));
  ASSERT_TRUE(write_file(etc + "/sources.list.d/a.list",
                         "deb http://three/ c main\n", &err));
  std::vector<AptSource> out;
  ASSERT_TRUE(read_apt_sources(root.path(), &out, &err)) << err;
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].uris[0], "http://one/");
  EXPECT_EQ(out[1].uris[0], "http://three/"); // a.list before b.sources
  EXPECT_EQ(out[2].uris[0], "http://two/");
  EXPECT_EQ(out[2].origin, etc + "/sources.list.d/b.sources:1");

  ASSERT_TRUE(write_file(etc + "/sources.list.d/z.list", "deb broken\n", &err));
  EXPECT_FALSE(read_apt_sources(root.path(), &out, &err));
  EXPECT_EQ(err, etc + "/sources.list.d/z.list:1: expected URI and suite "
                       "after 'deb'");
}

} // namespace
