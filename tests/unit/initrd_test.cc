// output/initrd.cc: the early cpio, then the compressed main archive,
// written atomically.
#include "context.h"
#include "inspect/initrd_reader.h"
#include "output/initrd.h"
#include "output_test_util.h"

#include <cstdlib>
#include <gtest/gtest.h>

using namespace initpack;
using namespace initpack::testing;

namespace {

bool read_back(const std::string &path, std::vector<InitrdSegment> *segs,
               std::vector<InitrdEntry> *entries) {
  std::string err;
  bool ok = read_initrd(path, segs, entries, &err);
  EXPECT_TRUE(ok) << err;
  return ok;
}

} // namespace

TEST(Output, WritesEarlyCpioThenCompressedMain) {
  TempDir dir;
  Context ctx;
  ctx.config.encoding = {Compression::Xz, 6};
  ctx.config.source_date_epoch = 1234567890;
  EarlyCpio early{{{"kernel/x86/microcode/GenuineIntel.bin", "intel"}}};
  std::string path = dir.path() + "/initrd.img";
  write_initrd(ctx, sample_tree(), path, &early);
  std::vector<InitrdSegment> segs;
  std::vector<InitrdEntry> entries;
  ASSERT_TRUE(read_back(path, &segs, &entries));
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0].compression, "none");
  EXPECT_EQ(segs[1].compression, "xz");
  EXPECT_EQ(segs[1].detail, "check CRC32");
  EXPECT_EQ(entries.size(), 5u + 14u);
  for (const InitrdEntry &e : entries)
    EXPECT_EQ(e.mtime, 1234567890u) << e.path;
  // No temporary file is left beside the output.
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"initrd.img"});
}

// $SOURCE_DATE_EPOCH is read once, by load_config (config_load_test.cc);
// the writer takes SourceDateEpoch= and checks it fits a cpio header.
TEST(Output, SourceDateEpochMustFitACpioHeader) {
  TempDir dir;
  Context ctx;
  ctx.config.encoding = {Compression::Lz4, 9};
  std::string path = dir.path() + "/initrd.img";
  ctx.config.source_date_epoch = 1000;
  write_initrd(ctx, sample_tree(), path);
  std::vector<InitrdSegment> segs;
  std::vector<InitrdEntry> entries;
  ASSERT_TRUE(read_back(path, &segs, &entries));
  EXPECT_EQ(entries.at(3).mtime, 1000u);

  ctx.config.source_date_epoch = int64_t(1) << 33;
  EXPECT_THROW(write_initrd(ctx, sample_tree(), path), FatalError);
}

// A failure half way (a package file vanished) leaves the previous image
// untouched and no temporary file behind.
TEST(Output, FailureKeepsTheOldImage) {
  TempDir dir;
  std::string path = dir.path() + "/initrd.img", err, data;
  ASSERT_TRUE(write_file(path, "previous image", &err));
  Tree t = sample_tree();
  t.add_file("usr/lib/gone", Content::from_disk(dir.path() + "/missing", 10));
  Context ctx;
  try {
    write_initrd(ctx, t, path);
    ADD_FAILURE() << "no error for a missing file";
  } catch (const FatalError &e) {
    EXPECT_EQ(std::string(e.what()),
              "cannot write " + path + ": usr/lib/gone: cannot open " +
                  dir.path() + "/missing: No such file or directory");
  }
  ASSERT_TRUE(read_file(path, &data, &err));
  EXPECT_EQ(data, "previous image");
  EXPECT_EQ(list_dir(dir.path()), std::vector<std::string>{"initrd.img"});
}
