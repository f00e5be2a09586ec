#include "inspect/initrd_reader.h"
#include "output/cpio_writer.h"
#include "output_test_util.h"
#include "util/hash.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

using namespace initpack;
using namespace initpack::testing;

namespace {

std::string compressed_cpio(const Tree &t, Compression c) {
  StringSink sink;
  std::string err;
  auto z = make_compressor(c, 1, 2, &sink, &err);
  EXPECT_TRUE(z && write_cpio(t, *z, CpioOptions{77}, &err) && z->finish(&err))
      << err;
  return sink.data();
}

std::string early_cpio() {
  StringSink sink;
  std::string err;
  EXPECT_TRUE(
      write_cpio_files({{"kernel/x86/microcode/AuthenticAMD.bin", "amd-ucode"}},
                       sink, {}, &err));
  return sink.data();
}

struct Read {
  bool ok;
  std::string err;
  std::vector<InitrdSegment> segs;
  std::vector<InitrdEntry> entries;
  std::map<std::string, std::string> data; // last data per path
};

Read read_bytes(const std::string &image) {
  Read r;
  r.ok = read_initrd_bytes(
      image, "img", &r.segs, &r.entries, &r.err,
      [&](const InitrdEntry &e, std::string_view d) { r.data[e.path] = d; });
  return r;
}

const InitrdEntry *find(const Read &r, const std::string &path) {
  for (auto it = r.entries.rbegin(); it != r.entries.rend(); ++it)
    if (it->path == path)
      return &*it;
  return nullptr;
}

} // namespace

// The dracut / initramfs-tools layout: an uncompressed early cpio, then the
// main archive compressed, for every compressor we write.
TEST(InitrdReader, ReadsEarlyCpioPlusEachCompression) {
  Tree t = sample_tree();
  for (auto c : {Compression::Zstd, Compression::Xz, Compression::Gzip,
                 Compression::Lz4, Compression::None}) {
    std::string early = early_cpio();
    std::string main = compressed_cpio(t, c);
    Read r = read_bytes(early + main);
    ASSERT_TRUE(r.ok) << compression_name(c) << ": " << r.err;
    ASSERT_EQ(r.segs.size(), 2u) << compression_name(c);
    EXPECT_EQ(r.segs[0].compression, "none");
    EXPECT_EQ(r.segs[0].offset, 0u);
    EXPECT_EQ(r.segs[0].entries, 5u);
    EXPECT_EQ(r.segs[1].offset, early.size());
    EXPECT_EQ(r.segs[1].compression, compression_name(c));
    EXPECT_EQ(r.segs[1].compressed_size, main.size());
    EXPECT_EQ(r.segs[1].entries, t.size());
    EXPECT_EQ(r.segs[1].archives, 1u);
    EXPECT_EQ(r.data["kernel/x86/microcode/AuthenticAMD.bin"], "amd-ucode");
    EXPECT_EQ(find(r, "kernel")->segment, 0);
    EXPECT_EQ(find(r, "usr/bin/su")->segment, 1);
  }
}

// Every field the writer put in comes back out.
TEST(InitrdReader, RoundTripsEveryKindOfEntry) {
  Read r = read_bytes(compressed_cpio(sample_tree(), Compression::Zstd));
  ASSERT_TRUE(r.ok) << r.err;
  ASSERT_EQ(r.entries.size(), 14u);
  EXPECT_EQ(r.entries[0].path, ".");
  EXPECT_EQ(r.entries[0].nlink, 7u);
  const InitrdEntry *su = find(r, "usr/bin/su");
  EXPECT_EQ(su->mode, 0104755u);
  EXPECT_EQ(su->mtime, 77u);
  EXPECT_EQ(su->data_sha256, sha256_hex("#!su\n"));
  const InitrdEntry *gunzip = find(r, "usr/bin/gunzip");
  const InitrdEntry *gzip = find(r, "usr/bin/gzip");
  // The first path of the pair has no data in the archive, but the reader
  // gives it the file's content.
  EXPECT_EQ(gunzip->size, 12u);
  EXPECT_EQ(gunzip->data_sha256, sha256_hex("gzip-binary\n"));
  EXPECT_EQ(r.data["usr/bin/gunzip"], "gzip-binary\n");
  EXPECT_EQ(gzip->hardlink, "usr/bin/gunzip");
  EXPECT_EQ(gzip->ino, gunzip->ino);
  EXPECT_EQ(gzip->nlink, 2u);
  EXPECT_EQ(find(r, "bin")->link_target, "usr/bin");
  EXPECT_EQ(find(r, "bin")->mode, 0120777u);
  const InitrdEntry *console = find(r, "dev/console");
  EXPECT_EQ(console->mode, 020600u);
  EXPECT_EQ(console->rdev_major, 5u);
  EXPECT_EQ(console->rdev_minor, 1u);
  EXPECT_EQ(find(r, "run/initctl")->mode, 010644u);
  EXPECT_EQ(find(r, "etc/shadow")->gid, 42u);
  EXPECT_EQ(find(r, "mnt")->mode, 040700u);
}

// Other writers put a hardlinked file's data on the first member; the
// kernel accepts that too, and so must we.
TEST(InitrdReader, HardlinkDataOnFirstMember) {
  auto member = [](uint32_t ino, uint32_t nlink, const std::string &name,
                   const std::string &data) {
    char h[111];
    snprintf(h, sizeof h,
             "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", ino,
             0100644u, 0u, 0u, nlink, 0u, unsigned(data.size()), 0u, 0u, 0u, 0u,
             unsigned(name.size() + 1), 0u);
    std::string m = std::string(h) + name + '\0';
    m.append((4 - m.size() % 4) % 4, '\0');
    m += data;
    m.append((4 - m.size() % 4) % 4, '\0');
    return m;
  };
  std::string a = member(5, 2, "a", "hello") + member(5, 2, "b", "") +
                  member(6, 1, "c", "") + member(0, 1, "TRAILER!!!", "");
  Read r = read_bytes(a);
  ASSERT_TRUE(r.ok) << r.err;
  EXPECT_EQ(find(r, "b")->size, 5u);
  EXPECT_EQ(find(r, "b")->hardlink, "a");
  EXPECT_EQ(r.data["b"], "hello");
  EXPECT_EQ(find(r, "c")->data_sha256, sha256_hex(""));
}

// Several archives inside one stream and several segments with NUL
// padding between them, as initramfs-tools and the kernel docs allow.
TEST(InitrdReader, ConcatenatedArchivesAndPadding) {
  Tree a, b;
  a.add_file("etc/a", Content::from_bytes("A"));
  b.add_file("etc/a", Content::from_bytes("B"));
  StringSink two;
  std::string err;
  ASSERT_TRUE(write_cpio(a, two, {}, &err) && write_cpio(b, two, {}, &err));
  StringSink zstd_two;
  auto z = make_compressor(Compression::Zstd, 1, 1, &zstd_two, &err);
  ASSERT_TRUE(z->write(two.data().data(), two.data().size(), &err) &&
              z->finish(&err));
  std::string pad(512, '\0');
  std::string image = early_cpio() + pad + zstd_two.data() + pad + two.data();
  Read r = read_bytes(image);
  ASSERT_TRUE(r.ok) << r.err;
  ASSERT_EQ(r.segs.size(), 4u);
  EXPECT_EQ(r.segs[1].compression, "zstd");
  EXPECT_EQ(r.segs[1].archives, 2u);
  EXPECT_EQ(r.segs[2].compression, "none");
  EXPECT_EQ(r.segs[3].compression, "none");
  EXPECT_EQ(r.data["etc/a"], "B"); // the last one wins, as in the kernel
}

TEST(InitrdReader, ExplainsBadInput) {
  ASSERT_EQ(early_cpio().size(), 1024u);
  Read r = read_bytes(early_cpio() + "ABCDEFGH");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.err, "img: offset 1024: neither a cpio archive nor a "
                   "compressed stream the kernel knows (bytes 41 42 43 44 "
                   "45 46 47 48)");

  std::string z = compressed_cpio(sample_tree(), Compression::Zstd);
  r = read_bytes(z.substr(0, z.size() - 20));
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.err.substr(0, 39), "img: segment 0 (zstd at offset 0): trun")
      << r.err;

  r = read_bytes(std::string(2, '\0') + "\x1f" + early_cpio().substr(1));
  EXPECT_FALSE(r.ok);

  r = read_bytes(std::string(1, 'x') + early_cpio());
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.err.find("offset 0: neither a cpio"), std::string::npos);

  std::string junk = early_cpio();
  junk[1000] = 'Z'; // in the padding after the trailer: junk
  EXPECT_FALSE(read_bytes(junk).ok);
  junk = early_cpio();
  junk[1] = 'Q'; // "0Q0701": not a header
  r = read_bytes(std::string(4, '\0') + "0" + junk.substr(1));
  EXPECT_FALSE(r.ok);

  r = read_bytes(std::string(2, '\0') + early_cpio());
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.err, "img: segment 0 (none at offset 2): not 4-byte aligned; "
                   "the kernel would not read it");
}

TEST(InitrdReader, ReportsXzCheckAndLz4Blocks) {
  Read r = read_bytes(compressed_cpio(sample_tree(), Compression::Xz));
  ASSERT_TRUE(r.ok) << r.err;
  EXPECT_EQ(r.segs[0].detail, "check CRC32");
  r = read_bytes(compressed_cpio(sample_tree(), Compression::Lz4));
  ASSERT_TRUE(r.ok) << r.err;
  EXPECT_EQ(r.segs[0].detail, "legacy frame, 1 blocks");
}

// Streams made by the real tools, including the formats we only read.
TEST(InitrdReader, ReadsStreamsFromTheRealTools) {
  REQUIRE_TOOL("cpio");
  StringSink plain;
  std::string err;
  ASSERT_TRUE(write_cpio(sample_tree(), plain, {}, &err));
  struct Tool {
    const char *name;
    std::vector<std::string> cmd;
  } tools[] = {{"zstd", {"zstd", "-q", "-19", "-c"}},
               {"xz", {"xz", "-c", "--check=crc64"}},
               {"lzma", {"xz", "--format=lzma", "-c"}},
               {"gzip", {"gzip", "-9", "-n", "-c"}},
               {"bzip2", {"bzip2", "-c"}},
               {"lz4", {"lz4", "-l", "-9", "-c"}}};
  for (const Tool &t : tools) {
    if (find_program(t.cmd[0]).empty())
      continue;
    RunOptions o;
    o.stdin_data = plain.data();
    RunResult c = run(t.cmd, o);
    ASSERT_TRUE(c.ok()) << t.name << ": " << c.err;
    Read r = read_bytes(early_cpio() + c.out);
    ASSERT_TRUE(r.ok) << t.name << ": " << r.err;
    ASSERT_EQ(r.segs.size(), 2u) << t.name;
    EXPECT_EQ(r.segs[1].compression, t.name);
    EXPECT_EQ(r.segs[1].uncompressed_size, plain.data().size()) << t.name;
    EXPECT_EQ(r.data["usr/bin/gzip"], "gzip-binary\n") << t.name;
  }
}

TEST(InitrdReader, ModeStringLikeLs) {
  EXPECT_EQ(mode_string(0104755), "-rwsr-xr-x");
  EXPECT_EQ(mode_string(041777), "drwxrwxrwt");
  EXPECT_EQ(mode_string(0102644), "-rw-r-Sr--");
  EXPECT_EQ(mode_string(020600), "crw-------");
  EXPECT_EQ(mode_string(0120777), "lrwxrwxrwx");
}
