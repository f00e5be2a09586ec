// The EROFS reader, on images our own writer makes: every kind of node,
// inline and block data, LZ4 and LZ4HC clusters, extended inodes; and on
// damaged ones (truncated, bytes changed, crafted loops and overlaps),
// which must give an error naming the image and an offset, never a crash.
// tests/e2e/inspect_erofs.sh compares with fsck.erofs on a real image.
#include "inspect/erofs_reader.h"
#include "output/erofs/erofs.h"
#include "output/erofs/format.h"
#include "output_test_util.h"

#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace initpack;
using namespace initpack::testing;

namespace {

constexpr uint32_t kEpoch = 1700000000;

std::string write_image(const Tree &t, ErofsOptions opts = {},
                        ErofsResult *result = nullptr) {
  TempDir dir("erofs-reader-test");
  std::string path = dir.path() + "/image.erofs", bytes, err;
  opts.mtime = kEpoch;
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  EXPECT_GE(fd, 0);
  EXPECT_TRUE(write_erofs(t, fd, opts, result, &err)) << err;
  close(fd);
  EXPECT_TRUE(read_file(path, &bytes, &err)) << err;
  return bytes;
}

struct Read {
  bool ok = false;
  std::string err;
  InitrdSegment seg;
  std::vector<InitrdEntry> entries;
  std::map<std::string, std::string> data; // path -> bytes given to on_data
};

Read read(std::string_view image) {
  Read r;
  r.ok = read_erofs_bytes(
      image, "img", 0, &r.seg, &r.entries, &r.err,
      [&](const InitrdEntry &e, std::string_view d) { r.data[e.path] = d; });
  return r;
}

// One line per entry: what a listing shows, plus the content's hash.
std::string listing(const Read &r) {
  std::string s;
  for (const InitrdEntry &e : r.entries) {
    s += fmt::format("{} {} {}:{} {} {} {}", mode_string(e.mode), e.nlink,
                     e.uid, e.gid, e.size, e.mtime, e.path);
    if (!e.link_target.empty())
      s += " -> " + e.link_target;
    if (!e.hardlink.empty())
      s += " (link to " + e.hardlink + ")";
    if (S_ISCHR(e.mode) || S_ISBLK(e.mode))
      s += fmt::format(" rdev {},{}", e.rdev_major, e.rdev_minor);
    if (S_ISREG(e.mode))
      s += " " + e.data_sha256.substr(0, 8);
    s += "\n";
  }
  return s;
}

Tree big_tree() {
  Tree t = sample_tree();
  t.add_file("data/text", Content::from_bytes(text_data(200000, 5)));
  t.add_file("data/tail", Content::from_bytes(text_data(12300, 3)));
  std::string noise(9000, '\0');
  std::mt19937 rng(7);
  for (char &c : noise)
    c = char(rng());
  t.add_file("data/noise", Content::from_bytes(noise));
  auto disk = std::make_shared<Inode>();
  disk->type = NodeType::BlockDev;
  disk->mode = 0660;
  disk->rdev_major = 259;
  disk->rdev_minor = 300;
  t.add_node("dev/nvme0n1", disk, "test");
  return t;
}

void expect_same_data(const Tree &t, const Read &r) {
  ASSERT_TRUE(r.ok) << r.err;
  for (const auto &[path, entry] : t.entries()) {
    if (entry.inode->type != NodeType::File)
      continue;
    std::string want, err;
    ASSERT_TRUE(entry.inode->content->read(&want, &err)) << err;
    EXPECT_TRUE(r.data.at(path) == want) << path;
  }
}

} // namespace

TEST(ErofsReader, ListsEveryKindOfNode) {
  std::string image = write_image(sample_tree());
  ASSERT_TRUE(is_erofs_image(image));
  Read r = read(image);
  ASSERT_TRUE(r.ok) << r.err;
  EXPECT_EQ(listing(r),
            "drwxr-xr-x 7 0:0 117 1700000000 .\n"
            "lrwxrwxrwx 1 0:0 7 1700000000 bin -> usr/bin\n"
            "drwxr-xr-x 2 0:0 46 1700000000 dev\n"
            "crw------- 1 0:0 0 1700000000 dev/console rdev 5,1\n"
            "drwxr-xr-x 2 0:0 45 1700000000 etc\n"
            "-rw-r----- 1 0:42 8 1700000000 etc/shadow 4d296248\n"
            "drwx------ 2 0:0 27 1700000000 mnt\n"
            "drwxr-xr-x 2 0:0 46 1700000000 run\n"
            "prw-r--r-- 1 0:0 0 1700000000 run/initctl\n"
            "drwxr-xr-x 3 0:0 42 1700000000 usr\n"
            "drwxr-xr-x 2 0:0 75 1700000000 usr/bin\n"
            "-rwxr-xr-x 2 0:0 12 1700000000 usr/bin/gunzip 0afb7ee2\n"
            "-rwxr-xr-x 2 0:0 12 1700000000 usr/bin/gzip (link to "
            "usr/bin/gunzip) 0afb7ee2\n"
            "-rwsr-xr-x 1 0:0 5 1700000000 usr/bin/su ff498bac\n");
  EXPECT_EQ(r.data.at("usr/bin/gzip"), "gzip-binary\n");
  EXPECT_EQ(r.data.at("bin"), "usr/bin");
  EXPECT_EQ(r.seg.compression, "erofs");
  EXPECT_EQ(r.seg.compressed_size, image.size());
  EXPECT_EQ(r.seg.uncompressed_size, 8u + 12 + 5);
  EXPECT_EQ(r.seg.entries, 14u);
  EXPECT_EQ(r.seg.detail, "13 inodes, 0 compressed files");
  expect_same_data(sample_tree(), r);
}

TEST(ErofsReader, ReadsBlocksTailsAndDevices) {
  Tree t = big_tree();
  Read r = read(write_image(t));
  expect_same_data(t, r);
  const InitrdEntry *disk = nullptr;
  for (const InitrdEntry &e : r.entries)
    if (e.path == "dev/nvme0n1")
      disk = &e;
  ASSERT_NE(disk, nullptr);
  EXPECT_TRUE(S_ISBLK(disk->mode));
  EXPECT_EQ(disk->rdev_major, 259u);
  EXPECT_EQ(disk->rdev_minor, 300u);
}

TEST(ErofsReader, ReadsLz4AndLz4hcClusters) {
  Tree t = big_tree();
  for (ErofsCompression c : {ErofsCompression::Lz4, ErofsCompression::Lz4hc}) {
    ErofsOptions opts;
    opts.compression = c;
    opts.volume_name = "initpack";
    ErofsResult written;
    std::string image = write_image(t, opts, &written);
    Read r = read(image);
    expect_same_data(t, r);
    // data/text compresses (data/tail only with LZ4HC); data/noise does not.
    ASSERT_GE(written.compressed_files, 1u);
    EXPECT_EQ(r.seg.detail,
              fmt::format("volume initpack, 18 inodes, {} compressed files",
                          written.compressed_files));
    EXPECT_LT(image.size(), 200000u);
  }
}

// 400 files of every tail size in one directory: a directory of many
// blocks, and inode records moved to the next block or their tails to a
// data block.
TEST(ErofsReader, ReadsManyBlockDirectories) {
  Tree t;
  std::mt19937 rng(11);
  for (int i = 0; i < 400; i++)
    t.add_file("f/" + std::to_string(i),
               Content::from_bytes(text_data(rng() % 9000, i)));
  for (ErofsCompression c : {ErofsCompression::None, ErofsCompression::Lz4}) {
    ErofsOptions opts;
    opts.compression = c;
    Read r = read(write_image(t, opts));
    expect_same_data(t, r);
    EXPECT_EQ(r.entries.size(), 402u);
  }
}

TEST(ErofsReader, ExtendedInodesKeepBigIdsAndMtime) {
  Tree t;
  Entry &f = t.add_file("big-ids", Content::from_bytes("x\n"), 0600);
  f.inode->uid = 70000;
  f.inode->gid = 80000;
  Read r = read(write_image(t));
  ASSERT_TRUE(r.ok) << r.err;
  EXPECT_EQ(listing(r), "drwxr-xr-x 2 0:0 46 1700000000 .\n"
                        "-rw------- 1 70000:80000 2 1700000000 big-ids "
                        "73cb3858\n");
}

TEST(ErofsReader, ReadsThroughReadInitrdWithTrailingBytes) {
  std::string image = write_image(sample_tree());
  size_t fs = image.size();
  image += std::string(8192, 'h'); // as a dm-verity hash tree follows it
  std::vector<InitrdSegment> segs;
  std::vector<InitrdEntry> entries;
  std::string err;
  ASSERT_TRUE(read_initrd_bytes(image, "img", &segs, &entries, &err)) << err;
  ASSERT_EQ(segs.size(), 1u);
  EXPECT_EQ(segs[0].compressed_size, fs);
  EXPECT_EQ(segs[0].detail,
            "13 inodes, 0 compressed files, 8192 bytes after it");
  EXPECT_EQ(entries.size(), 14u);
}

TEST(ErofsReader, TruncatedImageNamesTheOffset) {
  std::string image = write_image(big_tree());
  Read r = read(image.substr(0, 8192));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.err, fmt::format("img: offset 8192: truncated: the superblock "
                               "gives {} blocks ({} bytes), the file has 8192",
                               image.size() / 4096, image.size()));
  r = read(image.substr(0, 1100));
  EXPECT_FALSE(is_erofs_image(image.substr(0, 1100)));
  EXPECT_EQ(r.err, "img: offset 1024: the superblock lies beyond the end of "
                   "the file system (1100 bytes)");
}

TEST(ErofsReader, RefusesDirectoryLoops) {
  std::string image = write_image(sample_tree());
  // Point usr's dirent at the root: the root would be listed again.
  erofs::SuperBlock sb;
  memcpy(&sb, &image[1024], sizeof sb);
  // The root's entries ".", "..", bin, dev, etc, mnt, run, usr: 8 dirents
  // of 12 bytes, then the names; usr's dirent is the last.
  size_t names = image.find("...bindevetcmntrunusr", 1152);
  ASSERT_NE(names, std::string::npos);
  size_t usr = names - 8 * 12 + 7 * 12;
  erofs::Dirent d;
  memcpy(&d, &image[usr], sizeof d);
  EXPECT_EQ(d.nameoff, 96 + 18);
  d.nid = sb.root_nid;
  memcpy(&image[usr], &d, sizeof d);
  Read r = read(image);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.err, fmt::format("img: offset {}: /usr: a directory reached "
                               "twice (a loop)",
                               sb.root_nid * 32));
}

TEST(ErofsReader, RefusesInodesSharingBlocks) {
  Tree t;
  t.add_file("a", Content::from_bytes(text_data(5000, 1)));
  t.add_file("b", Content::from_bytes(text_data(5000, 2)));
  std::string image = write_image(t);
  Read good = read(image);
  ASSERT_TRUE(good.ok) << good.err;
  // Give b the data block of a: i_u of b's compact inode.
  size_t a_at = image.find(text_data(5000, 1).substr(0, 64));
  ASSERT_NE(a_at, std::string::npos);
  uint32_t a_block = uint32_t(a_at / 4096);
  bool patched = false;
  for (size_t off = 1152; off + 32 <= 4096 && !patched; off += 32) {
    erofs::CompactInode c;
    memcpy(&c, &image[off], sizeof c);
    if (S_ISREG(c.i_mode) && c.i_u != a_block && c.i_size == 5000) {
      c.i_u = a_block;
      memcpy(&image[off], &c, sizeof c);
      patched = true;
    }
  }
  ASSERT_TRUE(patched);
  Read r = read(image);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.err, fmt::format("img: offset {}: /b's data (4096 bytes) "
                               "overlaps bytes another inode uses",
                               a_block * 4096));
}

// What initpack does not write is refused by name: here an LZMA cluster
// map (algorithm 1), as mkfs.erofs -zlzma would make.
TEST(ErofsReader, RefusesOtherAlgorithms) {
  Tree t;
  t.add_file("big", Content::from_bytes(text_data(20000, 9)));
  ErofsOptions opts;
  opts.compression = ErofsCompression::Lz4;
  std::string image = write_image(t, opts);
  ASSERT_TRUE(read(image).ok);
  // The root (nid 36) with its inline entries, then big's record.
  erofs::CompactInode root;
  memcpy(&root, &image[1152], sizeof root);
  size_t big = (1152 + 32 + root.i_size + 31) / 32 * 32;
  erofs::CompactInode c;
  memcpy(&c, &image[big], sizeof c);
  ASSERT_EQ(c.i_format, erofs::inode_format(erofs::kCompressedFull, false));
  size_t map = big + 32; // 8-byte aligned already
  image[map + offsetof(erofs::ZMapHeader, h_algorithmtype)] = 1;
  Read r = read(image);
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.err, fmt::format("img: offset {}: /big: compression algorithm "
                               "1: initpack reads LZ4 clusters only",
                               map));
}

// Every single-byte change of the metadata and every truncation either
// reads or fails with a message naming the image; none crashes or reads
// out of bounds (the fuzz harness runs the same under ASan).
TEST(ErofsReader, DamagedImagesFailCleanly) {
  ErofsOptions opts;
  opts.compression = ErofsCompression::Lz4;
  std::string image = write_image(big_tree(), opts);
  size_t failures = 0;
  for (size_t at = 1024; at < 4096; at++)
    for (uint8_t x : {0x01, 0xff}) {
      std::string bad = image;
      bad[at] = char(bad[at] ^ x);
      Read r = read(bad);
      if (!r.ok) {
        failures++;
        EXPECT_TRUE(r.err.starts_with("img: offset ")) << r.err;
      }
    }
  EXPECT_GT(failures, 700u);
  for (size_t len = 0; len < image.size(); len += 512)
    EXPECT_FALSE(read(image.substr(0, len)).ok) << len;
}
