// initpack-stage1's parsers: its config (written by the builder, read by
// stage 1), the kernel command line, and the superblocks it reads to find
// and verify the stage-2 image — on images made by mkfs.ext4, mkfs.vfat,
// our EROFS writer and our verity code.
#include "output/erofs/erofs.h"
#include "output/verity.h"
#include "output_test_util.h"
#include "stage1/stage1.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

using namespace initpack;
using namespace initpack::stage1;
using namespace initpack::testing;

namespace {

const std::string kHash(64, 'a');

std::string first_block(const std::string &path) {
  std::string data, err;
  EXPECT_TRUE(read_file(path, &data, &err)) << err;
  data.resize(4096, '\0');
  return data;
}

} // namespace

TEST(Stage1Config, RoundTripsAndRejectsBadLines) {
  Config c;
  c.location = "LABEL=ESP:/initpack/stage2.erofs";
  c.roothash = kHash;
  c.modules = {"virtio_blk.ko", "erofs.ko"};
  c.timeout_seconds = 5;
  Config back;
  std::string err;
  ASSERT_TRUE(parse_config(format_config(c), &back, &err)) << err;
  EXPECT_EQ(back.location, c.location);
  EXPECT_EQ(back.roothash, c.roothash);
  EXPECT_EQ(back.modules, c.modules);
  EXPECT_EQ(back.timeout_seconds, 5);

  EXPECT_FALSE(parse_config("location=/dev/vdb\nroothash=12\n", &back, &err));
  EXPECT_EQ(err, "line 2: roothash is not 64 hex digits");
  EXPECT_FALSE(parse_config("# c\n\nlocation=vdb\n", &back, &err));
  EXPECT_EQ(err, "line 3: 'vdb' is not initrd, /dev/NAME, LABEL=NAME or "
                 "PARTLABEL=NAME (optionally followed by :/PATH)");
  EXPECT_FALSE(parse_config("module=../x.ko\n", &back, &err));
  EXPECT_EQ(err, "line 1: module must be a file name");
  EXPECT_FALSE(parse_config("colour=blue\n", &back, &err));
  EXPECT_EQ(err, "line 1: unknown key 'colour'");
}

TEST(Stage1Config, CommandLineCannotReplaceABakedRootHash) {
  Config c;
  c.location = "LABEL=initpack-stage2";
  std::string err, other(64, 'b');
  ASSERT_TRUE(apply_cmdline("console=ttyS0 initpack.stage2=/dev/vdc "
                            "initpack.roothash=" +
                                kHash + " initpack.timeout=3 quiet\n",
                            &c, &err))
      << err;
  EXPECT_EQ(c.location, "/dev/vdc");
  EXPECT_EQ(c.roothash, kHash); // none was baked in: the command line's
  EXPECT_EQ(c.timeout_seconds, 3);
  ASSERT_TRUE(apply_cmdline("initpack.roothash=" + other, &c, &err));
  EXPECT_EQ(c.roothash, kHash);
  EXPECT_FALSE(apply_cmdline("initpack.roothash=xyz", &c, &err));
  EXPECT_EQ(err, "initpack.roothash= is not 64 hex digits");
  EXPECT_FALSE(apply_cmdline("initpack.stage2=sda", &c, &err));
}

TEST(Stage1Location, Forms) {
  Location l;
  std::string err;
  ASSERT_TRUE(parse_location("initrd", &l, &err));
  EXPECT_TRUE(l.in_initrd);
  ASSERT_TRUE(parse_location("PARTLABEL=usr-a", &l, &err));
  EXPECT_EQ(l.device, "PARTLABEL=usr-a");
  EXPECT_EQ(l.path, "");
  ASSERT_TRUE(parse_location("LABEL=ESP:/EFI/initpack/stage2.erofs", &l, &err));
  EXPECT_EQ(l.device, "LABEL=ESP");
  EXPECT_EQ(l.path, "/EFI/initpack/stage2.erofs");
  EXPECT_FALSE(parse_location("LABEL=", &l, &err));
}

TEST(Stage1Probe, LabelsOfRealFileSystems) {
  TempDir dir("stage1-probe");
  std::string img = dir.path() + "/fs.img";
  if (!find_program("mkfs.ext4").empty()) {
    ASSERT_TRUE(run({"truncate", "-s", "8M", img}).ok());
    ASSERT_TRUE(
        run({find_program("mkfs.ext4"), "-q", "-L", "rootfs", img}).ok());
    Probe p = probe_superblock(first_block(img));
    EXPECT_EQ(p.type, "ext4");
    EXPECT_EQ(p.label, "rootfs");
  }
  for (const char *fat : {"16", "32"}) {
    if (find_program("mkfs.vfat").empty())
      break;
    unlink(img.c_str());
    ASSERT_TRUE(run({"truncate", "-s", "40M", img}).ok());
    RunResult r =
        run({find_program("mkfs.vfat"), "-F", fat, "-n", "MYESP", img});
    ASSERT_TRUE(r.ok()) << r.err;
    Probe p = probe_superblock(first_block(img));
    EXPECT_EQ(p.type, "vfat") << fat;
    EXPECT_EQ(p.label, "MYESP") << fat;
  }
  EXPECT_EQ(probe_superblock(std::string(4096, '\0')).type, "");
}

// Our EROFS label and size, then the verity superblock stage 1 reads
// where the image ends.
TEST(Stage1Probe, ErofsImageAndItsHashTree) {
  TempDir dir("stage1-probe");
  std::string img = dir.path() + "/stage2.img";
  Tree t = sample_tree();
  ErofsOptions opts;
  opts.volume_name = "initpack-stage2";
  int fd = open(img.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0);
  ErofsResult result;
  VerityInfo verity;
  std::string err;
  ASSERT_TRUE(write_erofs(t, fd, opts, &result, &err)) << err;
  ASSERT_TRUE(append_verity(fd, result.size, &verity, &err)) << err;
  close(fd);

  std::string data;
  ASSERT_TRUE(read_file(img, &data, &err));
  Probe p = probe_superblock(data.substr(0, 4096));
  EXPECT_EQ(p.type, "erofs");
  EXPECT_EQ(p.label, "initpack-stage2");
  EXPECT_EQ(p.erofs_blocks * 4096, result.size);

  VeritySuper sb;
  ASSERT_TRUE(
      parse_verity_superblock(data.substr(result.size, 4096), &sb, &err))
      << err;
  EXPECT_EQ(sb.data_blocks, p.erofs_blocks);
  EXPECT_EQ(sb.salt_hex, verity.salt);
  EXPECT_FALSE(parse_verity_superblock(data.substr(0, 4096), &sb, &err));
  EXPECT_EQ(err, "no dm-verity superblock");
}
