// util/hash.cc: SHA-256.
#include "util/fs.h"
#include "util/hash.h"

#include <gtest/gtest.h>

using namespace initpack;

TEST(Hash, Sha256KnownVector) {
  EXPECT_EQ(sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Hash, Sha256FileReadsTheWholeFile) {
  TempDir dir;
  std::string path = dir.path() + "/big", err, hex;
  std::string data(200000, 'x'); // more than one read block
  ASSERT_TRUE(write_file(path, data, &err)) << err;
  ASSERT_TRUE(sha256_file(path, &hex, &err)) << err;
  EXPECT_EQ(hex, sha256_hex(data));
  EXPECT_FALSE(sha256_file(dir.path() + "/missing", &hex, &err));
  EXPECT_EQ(err, "cannot open " + dir.path() +
                     "/missing: No such file or directory");
}
