// The EROFS writer, checked by erofs-utils (fsck.erofs walks and decodes
// every inode; --extract writes the tree out to compare; dump.erofs shows
// inode details) and by reading the on-disk structures directly where the
// tools say too little. tests/boot/erofs_mount.sh has the kernel mount it.
#include "output/erofs/erofs.h"
#include "output/erofs/format.h"
#include "output_test_util.h"

#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace initpack;
using namespace initpack::testing;

namespace {

constexpr uint32_t kEpoch = 1700000000;

struct Written {
  std::unique_ptr<TempDir> dir = std::make_unique<TempDir>("erofs-test");
  std::string path;
  std::string bytes;
  ErofsResult result;
};

Written write_image(const Tree &t, ErofsOptions opts = {}) {
  Written w;
  w.path = w.dir->path() + "/image.erofs";
  if (opts.mtime == 0)
    opts.mtime = kEpoch;
  int fd = open(w.path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  EXPECT_GE(fd, 0);
  std::string err;
  EXPECT_TRUE(write_erofs(t, fd, opts, &w.result, &err)) << err;
  close(fd);
  EXPECT_TRUE(read_file(w.path, &w.bytes, &err)) << err;
  EXPECT_EQ(w.bytes.size(), w.result.size);
  EXPECT_EQ(w.bytes.size() % 4096, 0u);
  return w;
}

RunResult fsck(const Written &w, const std::string &extract = "") {
  std::vector<std::string> argv = {find_program("fsck.erofs")};
  if (!extract.empty()) {
    argv.push_back("--extract=" + extract);
    argv.push_back("--preserve");
  }
  argv.push_back(w.path);
  return run(argv);
}

std::string dump(const Written &w, const std::string &path, bool ls = false) {
  std::vector<std::string> argv = {find_program("dump.erofs"),
                                   "--path=" + path};
  if (ls)
    argv.push_back("--ls");
  argv.push_back(w.path);
  RunResult r = run(argv);
  EXPECT_TRUE(r.ok()) << r.err;
  return r.out;
}

// "NID: 44" → 44, from dump.erofs output.
uint64_t dump_number(const std::string &out, const std::string &label) {
  size_t at = out.find(label + ":");
  EXPECT_NE(at, std::string::npos) << label << " not in " << out;
  return at == std::string::npos
             ? 0
             : std::stoull(out.substr(at + label.size() + 1));
}

std::string extracted(const std::string &path) {
  std::string s, err;
  EXPECT_TRUE(read_file(path, &s, &err)) << err;
  return s;
}

std::string random_bytes(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(size, '\0');
  for (char &c : s)
    c = char(rng());
  return s;
}

// Every node kind plus files around the block size.
Tree full_tree() {
  Tree t = sample_tree();
  t.add_file("data/empty", Content::from_bytes(""));
  t.add_file("data/block", Content::from_bytes(text_data(4096, 2)));
  t.add_file("data/three-and-a-bit", Content::from_bytes(text_data(12300, 3)));
  t.add_file("data/random", Content::from_bytes(random_bytes(70000, 4)));
  auto disk = std::make_shared<Inode>();
  disk->type = NodeType::BlockDev;
  disk->mode = 0660;
  disk->rdev_major = 259;
  disk->rdev_minor = 300; // needs the 20-bit minor encoding
  t.add_node("dev/nvme0n1", disk, "test");
  auto sock = std::make_shared<Inode>();
  sock->type = NodeType::Socket;
  sock->mode = 0666;
  t.add_node("run/sock", sock, "test");
  return t;
}

} // namespace

TEST(ErofsWriter, SuperBlockAndRootInodeAreExact) {
  Written w = write_image(sample_tree());
  erofs::SuperBlock sb;
  memcpy(&sb, &w.bytes[1024], sizeof sb);
  EXPECT_EQ(sb.magic, 0xE0F5E1E2u);
  EXPECT_EQ(sb.blkszbits, 12);
  EXPECT_EQ(sb.root_nid, 36); // right after the superblock
  EXPECT_EQ(sb.build_time, kEpoch);
  EXPECT_EQ(sb.blocks * 4096ull, w.bytes.size());
  EXPECT_EQ(sb.inos, w.result.inodes);
  EXPECT_EQ(sb.feature_incompat, 0u);
  EXPECT_EQ(w.bytes.substr(0, 1024), std::string(1024, '\0'));
  erofs::CompactInode root;
  memcpy(&root, &w.bytes[36 * 32], sizeof root);
  EXPECT_EQ(root.i_format, 2 << 1); // compact, FLAT_INLINE
  EXPECT_EQ(root.i_mode, 040755);
  // ".", "..", bin, dev, etc, mnt, run, usr: five subdirectories.
  EXPECT_EQ(root.i_nlink, 2 + 5);
}

TEST(ErofsWriter, FsckExtractsEveryKindOfNode) {
  REQUIRE_TOOL("fsck.erofs");
  Tree t = full_tree();
  Written w = write_image(t);
  RunResult r = fsck(w);
  ASSERT_TRUE(r.ok()) << r.out << r.err;

  std::string out = w.dir->path() + "/out";
  r = fsck(w, out);
  ASSERT_TRUE(r.ok()) << r.out << r.err;
  for (const char *p :
       {"usr/bin/su", "usr/bin/gzip", "etc/shadow", "data/empty", "data/block",
        "data/three-and-a-bit", "data/random"}) {
    std::string want;
    std::string err;
    ASSERT_TRUE(t.find(p)->inode->content->read(&want, &err));
    EXPECT_TRUE(extracted(out + "/" + p) == want) << p;
  }
  struct stat st;
  // fsck.erofs and dump.erofs drop the setuid bit: read the inode.
  erofs::CompactInode su;
  memcpy(&su, &w.bytes[dump_number(dump(w, "/usr/bin/su"), "NID") * 32],
         sizeof su);
  EXPECT_EQ(su.i_mode, 0104755);
  ASSERT_EQ(lstat((out + "/etc/shadow").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  EXPECT_EQ(st.st_gid, 42u);
  ASSERT_EQ(lstat((out + "/mnt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode, mode_t(040700));
  char target[64] = {};
  ASSERT_GT(readlink((out + "/bin").c_str(), target, sizeof target - 1), 0);
  EXPECT_STREQ(target, "usr/bin");
  ASSERT_EQ(lstat((out + "/run/initctl").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  if (getuid() == 0) { // mknod needs root
    ASSERT_EQ(lstat((out + "/dev/console").c_str(), &st), 0);
    EXPECT_TRUE(S_ISCHR(st.st_mode));
    EXPECT_EQ(st.st_rdev, makedev(5, 1));
    ASSERT_EQ(lstat((out + "/dev/nvme0n1").c_str(), &st), 0);
    EXPECT_TRUE(S_ISBLK(st.st_mode));
    EXPECT_EQ(st.st_rdev, makedev(259, 300));
  }
  // Hardlinks share one inode, with two links.
  std::string a = dump(w, "/usr/bin/gzip"), b = dump(w, "/usr/bin/gunzip");
  EXPECT_EQ(dump_number(a, "NID"), dump_number(b, "NID"));
  EXPECT_EQ(dump_number(a, "Links"), 2u);
}

TEST(ErofsWriter, InlineTailsAndPlainBlocks) {
  REQUIRE_TOOL("dump.erofs");
  Written w = write_image(full_tree());
  // 12300 = 3 blocks + a 12-byte tail inline; 4096 has no tail; 70000
  // bytes leave a 368-byte tail, also inline.
  EXPECT_EQ(dump_number(dump(w, "/data/three-and-a-bit"), "Layout"), 2u);
  EXPECT_EQ(dump_number(dump(w, "/data/block"), "Layout"), 0u);
  EXPECT_EQ(dump_number(dump(w, "/data/random"), "Layout"), 2u);
  EXPECT_EQ(dump_number(dump(w, "/usr/bin/su"), "Inode size"), 32u);
}

// Tails of every size make inode records straddle block ends: each must
// be moved to the next block or its tail to a data block.
TEST(ErofsWriter, ManyTailSizesStayWithinBlocks) {
  REQUIRE_TOOL("fsck.erofs");
  Tree t;
  std::mt19937 rng(11);
  for (int i = 0; i < 400; i++) {
    size_t size = rng() % 9000;
    t.add_file("f/" + std::to_string(i),
               Content::from_bytes(text_data(size, i)));
  }
  Written w = write_image(t);
  std::string out = w.dir->path() + "/out";
  RunResult r = fsck(w, out);
  ASSERT_TRUE(r.ok()) << r.out << r.err;
  for (int i = 0; i < 400; i += 37) {
    std::string want, err;
    t.find("f/" + std::to_string(i))->inode->content->read(&want, &err);
    EXPECT_TRUE(extracted(out + "/f/" + std::to_string(i)) == want) << i;
  }
}

TEST(ErofsWriter, LargeDirectorySpansBlocks) {
  REQUIRE_TOOL("dump.erofs");
  Tree t;
  for (int i = 0; i < 600; i++)
    t.add_file("many/entry-with-a-longish-name-" + std::to_string(i),
               Content::from_bytes("x"));
  Written w = write_image(t);
  ASSERT_TRUE(fsck(w).ok());
  std::string ls = dump(w, "/many", true);
  EXPECT_GT(dump_number(ls, "Size"), 3 * 4096u);
  for (int i = 0; i < 600; i += 59)
    EXPECT_NE(ls.find("entry-with-a-longish-name-" + std::to_string(i) + "\n"),
              std::string::npos)
        << i;
  EXPECT_NE(ls.find("  .\n"), std::string::npos);
  EXPECT_NE(ls.find("  ..\n"), std::string::npos);
}

TEST(ErofsWriter, ExtendedInodesForWideIds) {
  REQUIRE_TOOL("dump.erofs");
  Tree t;
  Entry &e = t.add_file("home/user/file", Content::from_bytes("mine\n"));
  e.inode->uid = 100000;
  e.inode->gid = 70000;
  Written w = write_image(t);
  ASSERT_TRUE(fsck(w).ok());
  std::string d = dump(w, "/home/user/file");
  EXPECT_EQ(dump_number(d, "Inode size"), 64u);
  EXPECT_EQ(dump_number(d, "Uid"), 100000u);
  EXPECT_EQ(dump_number(d, "Gid"), 70000u);
  EXPECT_EQ(dump_number(dump(w, "/home/user"), "Inode size"), 32u);
}

// security.capability as the kernel reads it: index 6 ("security."), name
// "capability", the value; found at the nid dump.erofs reports.
TEST(ErofsWriter, XattrsAreInlineAfterTheInode) {
  REQUIRE_TOOL("dump.erofs");
  Tree t;
  Entry &e = t.add_file("usr/bin/ping", Content::from_bytes("ping"), 0755);
  std::string cap("\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00"
                  "\x00\x00\x00\x00\x00\x00",
                  20);
  e.inode->xattrs["security.capability"] = cap;
  e.inode->xattrs["user.comment"] = "hi";
  Written w = write_image(t);
  ASSERT_TRUE(fsck(w).ok());
  std::string d = dump(w, "/usr/bin/ping");
  uint64_t nid = dump_number(d, "NID");
  erofs::CompactInode inode;
  memcpy(&inode, &w.bytes[nid * 32], sizeof inode);
  // 12-byte header, then 4+10+20 and 4+7+2 bytes, each padded to 4.
  EXPECT_EQ(inode.i_xattr_icount, 1 + (36 + 16) / 4);
  const char *body = &w.bytes[nid * 32 + 32 + 12];
  EXPECT_EQ(body[0], 10); // name length
  EXPECT_EQ(body[1], 6);  // security.
  EXPECT_EQ(body[2], 20); // value size
  EXPECT_EQ(std::string(body + 4, 10), "capability");
  EXPECT_EQ(std::string(body + 14, 20), cap);
  EXPECT_EQ(body[36], 7); // "comment"
  EXPECT_EQ(body[37], 1); // user.
  // The inline data follows the xattrs.
  EXPECT_EQ(std::string(body + 36 + 16, 4), "ping");
}

TEST(ErofsWriter, Reproducible) {
  Tree t = full_tree();
  ErofsOptions one, four;
  one.compression = four.compression = ErofsCompression::Lz4;
  one.threads = 1;
  four.threads = 4;
  Written a = write_image(t, one), b = write_image(t, four);
  EXPECT_TRUE(a.bytes == b.bytes);
  Written c = write_image(t), d = write_image(t);
  EXPECT_TRUE(c.bytes == d.bytes);
  // A different tree gets a different (derived) UUID.
  t.add_file("extra", Content::from_bytes("x"));
  Written e = write_image(t);
  EXPECT_NE(c.bytes.substr(1024 + 48, 16), e.bytes.substr(1024 + 48, 16));
}

TEST(ErofsWriter, Errors) {
  std::string err;
  int fd = open("/dev/null", O_WRONLY);
  Tree t;
  t.add_file("etc/" + std::string(256, 'n'), Content::from_bytes(""));
  EXPECT_FALSE(write_erofs(t, fd, {}, nullptr, &err));
  EXPECT_EQ(err,
            "etc/" + std::string(256, 'n') + ": name longer than 255 bytes");

  Tree x;
  x.add_file("f", Content::from_bytes("")).inode->xattrs["foo.bar"] = "1";
  EXPECT_FALSE(write_erofs(x, fd, {}, nullptr, &err));
  EXPECT_EQ(err, "f: xattr foo.bar: EROFS stores only user., trusted., "
                 "security. and POSIX ACL attributes");

  Tree m;
  m.add_file("gone", Content::from_disk("/nonexistent/initpack-file", 10));
  EXPECT_FALSE(write_erofs(m, fd, {}, nullptr, &err));
  EXPECT_EQ(err.rfind("gone: ", 0), 0u) << err;
  close(fd);
}

class ErofsCompressed : public ::testing::TestWithParam<ErofsCompression> {};

// Compressible text, incompressible noise and long zero runs, alone and
// mixed in one file so clusters change kind mid-file.
TEST_P(ErofsCompressed, RoundTripsThroughFsck) {
  REQUIRE_TOOL("fsck.erofs");
  Tree t;
  std::string mixed = text_data(100000, 5) + random_bytes(30000, 6) +
                      std::string(1500000, '\0') + text_data(7777, 7);
  std::map<std::string, std::string> files = {
      {"text", text_data(300000, 8)},
      {"noise", random_bytes(50000, 9)},
      {"mixed", mixed},
      {"small", text_data(3000, 10)},
      {"two-blocks", text_data(8193, 12)},
  };
  for (const auto &[name, data] : files)
    t.add_file("z/" + name, Content::from_bytes(data));
  ErofsOptions opts;
  opts.compression = GetParam();
  opts.threads = 2;
  Written w = write_image(t, opts);
  erofs::SuperBlock sb;
  memcpy(&sb, &w.bytes[1024], sizeof sb);
  EXPECT_EQ(sb.feature_incompat, erofs::kFeatureIncompatZeroPadding);

  std::string out = w.dir->path() + "/out";
  RunResult r = fsck(w, out);
  ASSERT_TRUE(r.ok()) << r.out << r.err;
  for (const auto &[name, data] : files)
    EXPECT_TRUE(extracted(out + "/z/" + name) == data) << name;

  EXPECT_EQ(dump_number(dump(w, "/z/text"), "Layout"), 1u);
  EXPECT_EQ(dump_number(dump(w, "/z/mixed"), "Layout"), 1u);
  EXPECT_EQ(dump_number(dump(w, "/z/noise"), "Layout"), 2u); // kept plain
  EXPECT_EQ(dump_number(dump(w, "/z/small"), "Layout"), 2u); // inline
  EXPECT_EQ(w.result.compressed_files, 3u);
  Written plain = write_image(t);
  EXPECT_LT(w.bytes.size() * 3, plain.bytes.size());
}

INSTANTIATE_TEST_SUITE_P(Lz4, ErofsCompressed,
                         ::testing::Values(ErofsCompression::Lz4,
                                           ErofsCompression::Lz4hc));

namespace {

// Reads `path`'s full cluster index from the image, as the kernel's
// z_erofs_map_blocks does: inode record, xattrs, 8-byte alignment, map
// header and 8 reserved bytes, then one LclusterIndex per 4096 bytes.
std::vector<erofs::LclusterIndex>
cluster_index(const Written &w, const std::string &path, uint64_t *size) {
  uint64_t nid = dump_number(dump(w, path), "NID");
  erofs::SuperBlock sb;
  memcpy(&sb, &w.bytes[1024], sizeof sb);
  uint64_t at = uint64_t(sb.meta_blkaddr) * 4096 + nid * 32;
  erofs::CompactInode ci;
  memcpy(&ci, &w.bytes[at], sizeof ci);
  EXPECT_EQ(ci.i_format >> 1, erofs::kCompressedFull) << path;
  EXPECT_EQ(ci.i_format & erofs::kFormatExtended, 0) << path;
  EXPECT_EQ(ci.i_xattr_icount, 0) << path;
  *size = ci.i_size;
  uint64_t pos = (at + sizeof ci + 7) / 8 * 8 + sizeof(erofs::ZMapHeader) + 8;
  std::vector<erofs::LclusterIndex> index((*size + 4095) / 4096);
  memcpy(index.data(), &w.bytes[pos],
         index.size() * sizeof(erofs::LclusterIndex));
  return index;
}

} // namespace

// A file ending in noise that LZ4 cannot shrink: its last cluster is a
// PLAIN one starting inside a logical cluster. Linux 6.1 extends the last
// extent to the end of the file's last logical cluster (the next HEAD's
// start for the others) and rejects a PLAIN extent longer than its one
// physical block as corrupted; fsck.erofs 1.5 does not check this, so the
// index is read here and every PLAIN extent's span measured the same way.
TEST(ErofsWriter, Lz4PlainExtentsFitTheirBlock) {
  REQUIRE_TOOL("fsck.erofs");
  REQUIRE_TOOL("dump.erofs");
  Tree t;
  std::map<std::string, std::string> files;
  for (size_t tail : {1000u, 2500u, 3900u, 4096u})
    for (size_t text : {20000u, 33333u, 50001u})
      files["z/" + std::to_string(text) + "-" + std::to_string(tail)] =
          text_data(text, uint32_t(text)) + random_bytes(tail, uint32_t(tail));
  for (const auto &[name, data] : files)
    t.add_file(name, Content::from_bytes(data));
  ErofsOptions opts;
  opts.compression = ErofsCompression::Lz4hc;
  Written w = write_image(t, opts);

  int unaligned_final_plain = 0;
  for (const auto &[name, data] : files) {
    uint64_t size = 0;
    std::vector<erofs::LclusterIndex> index =
        cluster_index(w, "/" + name, &size);
    ASSERT_EQ(size, data.size());
    for (size_t lcn = 0; lcn < index.size(); lcn++) {
      if (index[lcn].di_advise != erofs::kLclusterPlain)
        continue;
      uint64_t start = lcn * 4096 + index[lcn].di_clusterofs;
      uint64_t end = index.size() * 4096; // the last extent's end
      size_t next = lcn + 1;
      while (next < index.size() &&
             index[next].di_advise == erofs::kLclusterNonHead)
        next++;
      if (next < index.size())
        end = next * 4096 + index[next].di_clusterofs;
      else if (index[lcn].di_clusterofs != 0)
        unaligned_final_plain++;
      EXPECT_LE(end - start, 4096u) << name << ": PLAIN extent at " << start;
    }
  }
  // The case the kernel refused must be among the inputs.
  EXPECT_GT(unaligned_final_plain, 0);

  std::string out = w.dir->path() + "/out";
  RunResult r = fsck(w, out);
  ASSERT_TRUE(r.ok()) << r.out << r.err;
  for (const auto &[name, data] : files)
    EXPECT_TRUE(extracted(out + "/" + name) == data) << name;
}
