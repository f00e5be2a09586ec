// Measures the writer on a real unpacked initrd tree. Disabled by default;
// run with
//   INITPACK_BENCH_TREE=/path/to/tree build/initpack_unit_tests
//     --gtest_also_run_disabled_tests --gtest_filter='*OutputBench*'
// Optional: INITPACK_BENCH_LEVELS="zstd:3 zstd:19 xz:6 …", and
// INITPACK_BENCH_OUT=DIR to keep the images (DIR/initrd.zstd:3 …), e.g.
// for booting them under qemu.
#include "output/cpio_writer.h"
#include "output_test_util.h"
#include "util/timer.h"

#include <chrono>
#include <ctime>
#include <dirent.h>
#include <map>
#include <sstream>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

using namespace initpack;
using namespace initpack::testing;

namespace {

// Loads a directory into a Tree of disk-backed files, keeping hardlinks.
void load_dir(const std::string &root, const std::string &rel, Tree *t,
              std::map<std::pair<dev_t, ino_t>, std::string> *links) {
  std::string dir = rel.empty() ? root : root + "/" + rel;
  for (const std::string &name : list_dir(dir)) {
    std::string path = rel.empty() ? name : rel + "/" + name;
    std::string full = root + "/" + path;
    struct stat st;
    if (lstat(full.c_str(), &st) < 0)
      continue;
    std::string err;
    if (S_ISDIR(st.st_mode)) {
      t->add_dir(path, st.st_mode & 07777).inode->uid = st.st_uid;
      load_dir(root, path, t, links);
      continue;
    }
    if (st.st_nlink > 1 && !S_ISDIR(st.st_mode)) {
      auto [it, fresh] = links->try_emplace({st.st_dev, st.st_ino}, path);
      if (!fresh) {
        t->add_hardlink(path, it->second, "bench", &err);
        continue;
      }
    }
    if (S_ISREG(st.st_mode)) {
      Entry &e = t->add_file(path, Content::from_disk(full, st.st_size),
                             st.st_mode & 07777);
      e.inode->uid = st.st_uid;
      e.inode->gid = st.st_gid;
    } else if (S_ISLNK(st.st_mode)) {
      char target[4096];
      ssize_t n = readlink(full.c_str(), target, sizeof target);
      t->add_symlink(path, std::string(target, n > 0 ? n : 0));
    } else {
      auto in = std::make_shared<Inode>();
      in->type = S_ISCHR(st.st_mode)    ? NodeType::CharDev
                 : S_ISBLK(st.st_mode)  ? NodeType::BlockDev
                 : S_ISFIFO(st.st_mode) ? NodeType::Fifo
                                        : NodeType::Socket;
      in->mode = st.st_mode & 07777;
      in->rdev_major = major(st.st_rdev);
      in->rdev_minor = minor(st.st_rdev);
      t->add_node(path, in, "bench");
    }
  }
}

} // namespace

TEST(OutputBench, DISABLED_WriteLargeTree) {
  const char *root = getenv("INITPACK_BENCH_TREE");
  if (!root)
    GTEST_SKIP() << "set INITPACK_BENCH_TREE";
  Tree tree;
  std::map<std::pair<dev_t, ino_t>, std::string> links;
  load_dir(root, "", &tree, &links);
  printf("tree: %zu paths, %llu bytes of file data\n", tree.size(),
         (unsigned long long)tree.content_bytes());
  const char *levels = getenv("INITPACK_BENCH_LEVELS");
  std::istringstream in(levels ? levels : "none:0 zstd:3 lz4:1 gzip:6");
  std::string spec;
  TempDir dir;
  while (in >> spec) {
    Compression c;
    ASSERT_TRUE(parse_compression(spec.substr(0, spec.find(':')), &c));
    int level = std::stoi(spec.substr(spec.find(':') + 1));
    AtomicFile f;
    std::string err;
    const char *keep = getenv("INITPACK_BENCH_OUT");
    std::string out =
        keep ? std::string(keep) + "/initrd." + spec : dir.path() + "/img";
    ASSERT_TRUE(f.open(out, &err)) << err;
    FdSink sink(f.fd());
    auto start = std::chrono::steady_clock::now();
    std::clock_t cpu = std::clock();
    auto z = make_compressor(c, c == Compression::None ? -1 : level,
                             int(sysconf(_SC_NPROCESSORS_ONLN)), &sink, &err);
    ASSERT_TRUE(z) << err;
    ASSERT_TRUE(write_cpio(tree, *z, {}, &err) && z->finish(&err)) << err;
    double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    printf("%-8s %10llu bytes %7.2f s wall %7.2f s cpu\n", spec.c_str(),
           (unsigned long long)sink.bytes_written(), s,
           double(std::clock() - cpu) / CLOCKS_PER_SEC);
    ASSERT_TRUE(f.commit(&err)) << err;
  }
}
