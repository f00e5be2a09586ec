// GPT disks as sfdisk (util-linux) lays them out, holding an EROFS image
// our writer made: read_initrd_bytes lists the EROFS partition as a
// segment at its offset and skips the others; a table or partition
// outside the image is refused with its offset.
#include "inspect/gpt_reader.h"
#include "inspect/initrd_reader.h"
#include "output/erofs/erofs.h"
#include "output/erofs/format.h"
#include "output_test_util.h"

#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace initpack;
using namespace initpack::testing;

namespace {

// A 2 MiB disk: partition 1 (LBA 2048-2111) empty, "usr-x86-64-verity";
// partition 2 (LBA 2112-2239) the EROFS image, "usr-x86-64".
std::string make_disk(const std::string &erofs) {
  TempDir dir("gpt-test");
  std::string disk = dir.path() + "/disk.raw", bytes, err;
  int fd = open(disk.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  EXPECT_GE(fd, 0);
  EXPECT_EQ(ftruncate(fd, 2 << 20), 0);
  close(fd);
  RunOptions opts;
  opts.stdin_data =
      "label: gpt\n"
      "start=2048, size=64, type=77ff5f63-e7b6-4633-acf4-1565b864c0e6, "
      "name=\"usr-x86-64-verity\"\n"
      "start=2112, size=128, type=8484680c-9521-48c6-9c11-b0720656f69e, "
      "name=\"usr-x86-64\"\n";
  RunResult r = run({find_program("sfdisk"), "-q", disk}, opts);
  EXPECT_TRUE(r.ok()) << r.err;
  EXPECT_TRUE(read_file(disk, &bytes, &err)) << err;
  EXPECT_LE(erofs.size(), 128u * 512);
  bytes.replace(2112 * 512, erofs.size(), erofs);
  return bytes;
}

std::string erofs_image() {
  TempDir dir("gpt-test");
  std::string path = dir.path() + "/image.erofs", bytes, err;
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  ErofsOptions opts;
  opts.mtime = 1700000000;
  EXPECT_TRUE(write_erofs(sample_tree(), fd, opts, nullptr, &err)) << err;
  close(fd);
  EXPECT_TRUE(read_file(path, &bytes, &err)) << err;
  return bytes;
}

} // namespace

TEST(GptReader, ListsTheErofsPartition) {
  REQUIRE_TOOL("sfdisk");
  std::string disk = make_disk(erofs_image());
  ASSERT_TRUE(is_gpt_disk(disk));
  std::vector<GptPartition> parts;
  std::string err;
  ASSERT_TRUE(read_gpt(disk, "disk", &parts, &err)) << err;
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[1].number, 2u);
  EXPECT_EQ(parts[1].offset, 2112u * 512);
  EXPECT_EQ(parts[1].size, 128u * 512);
  EXPECT_EQ(parts[1].name, "usr-x86-64");

  std::vector<InitrdSegment> segs;
  std::vector<InitrdEntry> entries;
  ASSERT_TRUE(read_initrd_bytes(disk, "disk", &segs, &entries, &err)) << err;
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0].compression, "erofs");
  EXPECT_EQ(segs[0].offset, 2112u * 512);
  EXPECT_EQ(segs[0].detail,
            "partition 2 usr-x86-64, 13 inodes, 0 compressed files, 61440 "
            "bytes after it");
  ASSERT_EQ(entries.size(), 14u);
  EXPECT_EQ(entries.back().path, "usr/bin/su");
  EXPECT_EQ(entries.back().segment, 0);
}

TEST(GptReader, RefusesPartitionsOutsideTheImage) {
  REQUIRE_TOOL("sfdisk");
  std::string disk = make_disk(erofs_image());
  std::vector<InitrdSegment> segs;
  std::vector<InitrdEntry> entries;
  std::string err;
  // Cut in the middle of partition 1: its entry (the first, at LBA 2)
  // now points past the end.
  std::string cut = disk.substr(0, 2080 * 512);
  EXPECT_FALSE(read_initrd_bytes(cut, "disk", &segs, &entries, &err));
  EXPECT_EQ(err, "disk: offset 1024: GPT: partition 1 (LBA 2048-2111) lies "
                 "outside the image");
  // A disk whose partitions hold no EROFS image.
  std::string empty = make_disk("");
  EXPECT_FALSE(read_initrd_bytes(empty, "disk", &segs, &entries, &err));
  EXPECT_EQ(err, "disk: a GPT disk without an EROFS partition (2 partitions)");
  // Damage inside the partition names the disk, the partition and where:
  // a superblock claiming more blocks than the partition holds.
  std::string bad = disk;
  uint32_t blocks = 100;
  memcpy(&bad[2112 * 512 + 1024 + offsetof(erofs::SuperBlock, blocks)], &blocks,
         sizeof blocks);
  EXPECT_FALSE(read_initrd_bytes(bad, "disk", &segs, &entries, &err));
  EXPECT_EQ(err, "disk (partition 2 at offset 1081344): offset 65536: "
                 "truncated: the superblock gives 100 blocks (409600 bytes), "
                 "the file has 65536");
}
