// dm-verity trees against veritysetup(8): the same salt and UUID must give
// byte-identical hash areas and root hashes, `veritysetup verify` must
// accept our trees, and a changed data byte must fail verification.
#include "output/verity.h"
#include "output_test_util.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace initpack;
using namespace initpack::testing;

namespace {

std::string random_blocks(size_t blocks, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(blocks * 4096, '\0');
  for (char &c : s)
    c = char(rng());
  return s;
}

struct Image {
  TempDir dir{"verity-test"};
  std::string path = dir.path() + "/img";
  uint64_t data_size = 0;

  explicit Image(const std::string &data) : data_size(data.size()) {
    std::string err;
    EXPECT_TRUE(write_file(path, data, &err)) << err;
  }
  VerityInfo append() {
    VerityInfo info;
    std::string err;
    int fd = open(path.c_str(), O_RDWR);
    EXPECT_GE(fd, 0);
    EXPECT_TRUE(append_verity(fd, data_size, &info, &err)) << err;
    close(fd);
    return info;
  }
  RunResult verify(const std::string &root) {
    return run({find_program("veritysetup"), "verify", path, path, root,
                "--hash-offset=" + std::to_string(data_size)});
  }
};

std::string field(const std::string &dump, const std::string &name) {
  size_t at = dump.find(name + ":");
  if (at == std::string::npos)
    return "";
  size_t start = dump.find_first_not_of(" \t", at + name.size() + 1);
  return dump.substr(start, dump.find('\n', start) - start);
}

class VeritySizes : public ::testing::TestWithParam<size_t> {};

} // namespace

// 1 block has no tree; 128 fill one hash block exactly; 129 need a second
// level; 16385 need three.
TEST_P(VeritySizes, MatchesVeritysetupByteForByte) {
  REQUIRE_TOOL("veritysetup");
  size_t blocks = GetParam();
  std::string data = random_blocks(blocks, uint32_t(blocks));
  Image ours(data);
  VerityInfo info = ours.append();
  EXPECT_EQ(info.data_blocks, blocks);
  EXPECT_EQ(info.hash_offset, data.size());
  EXPECT_EQ(info.root_hash.size(), 64u);

  RunResult v = ours.verify(info.root_hash);
  EXPECT_TRUE(v.ok()) << v.out << v.err;

  Image theirs(data);
  RunResult f =
      run({find_program("veritysetup"), "format", theirs.path, theirs.path,
           "--hash-offset=" + std::to_string(data.size()),
           "--salt=" + info.salt, "--uuid=" + info.uuid});
  ASSERT_TRUE(f.ok()) << f.out << f.err;
  EXPECT_EQ(field(f.out, "Root hash"), info.root_hash);
  std::string a, b, err;
  ASSERT_TRUE(read_file(ours.path, &a, &err)) << err;
  ASSERT_TRUE(read_file(theirs.path, &b, &err)) << err;
  EXPECT_EQ(a.size(), data.size() + info.hash_size);
  EXPECT_EQ(a.size(), b.size());
  EXPECT_TRUE(a == b) << "hash areas differ";
}

INSTANTIATE_TEST_SUITE_P(Blocks, VeritySizes,
                         ::testing::Values(1, 2, 128, 129, 16385));

TEST(Verity, TamperedDataFailsVerification) {
  REQUIRE_TOOL("veritysetup");
  std::string data = random_blocks(300, 7);
  Image img(data);
  VerityInfo info = img.append();
  ASSERT_TRUE(img.verify(info.root_hash).ok());

  int fd = open(img.path.c_str(), O_RDWR);
  ASSERT_GE(fd, 0);
  char byte = char(data[200 * 4096 + 17] ^ 1);
  ASSERT_EQ(pwrite(fd, &byte, 1, 200 * 4096 + 17), 1);
  close(fd);
  RunResult v = img.verify(info.root_hash);
  EXPECT_FALSE(v.ok());
  EXPECT_NE((v.out + v.err).find("Verification failed at position 819200"),
            std::string::npos)
      << v.out << v.err;
}

TEST(Verity, SameDataSameTreeAndSeparateHashFile) {
  std::string data = random_blocks(40, 3);
  Image a(data), b(data);
  VerityInfo ia = a.append(), ib = b.append();
  EXPECT_EQ(ia.root_hash, ib.root_hash);
  EXPECT_EQ(ia.salt, ib.salt);

  // The same tree in a file of its own, at offset 0.
  std::string hash_path = a.dir.path() + "/hash";
  int data_fd = open(b.path.c_str(), O_RDONLY);
  int hash_fd = open(hash_path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(data_fd, 0);
  ASSERT_GE(hash_fd, 0);
  VerityInfo sep;
  std::string err;
  ASSERT_TRUE(write_verity(data_fd, data.size(), hash_fd, 0, VerityOptions{},
                           &sep, &err))
      << err;
  close(data_fd);
  close(hash_fd);
  EXPECT_EQ(sep.root_hash, ia.root_hash);
  EXPECT_EQ(sep.table("/dev/vda", "/dev/vdb"),
            "0 320 verity 1 /dev/vda /dev/vdb 4096 4096 40 1 sha256 " +
                ia.root_hash + " " + ia.salt);
  if (!find_program("veritysetup").empty()) {
    RunResult v = run({find_program("veritysetup"), "verify", a.path, hash_path,
                       sep.root_hash});
    EXPECT_TRUE(v.ok()) << v.out << v.err;
  }
}

TEST(Verity, RejectsPartialBlocks) {
  Image img(std::string(5000, 'x'));
  int fd = open(img.path.c_str(), O_RDWR);
  VerityInfo info;
  std::string err;
  EXPECT_FALSE(append_verity(fd, 5000, &info, &err));
  close(fd);
  EXPECT_EQ(err, "verity needs a non-empty image of whole 4096-byte blocks");
}
