// Measurements on real Debian packages, not part of CI (skipped unless
// INITPACK_BENCH_DEBS names a directory of .debs):
//
//   INITPACK_BENCH_DEBS=/tmp/spike/debs
//   INITPACK_BENCH_KERNEL_DEB=/tmp/spike/linux-image-….deb
//   build/initpack_unit_tests --gtest_filter='RealDebs.*'
//
// Prints cold (from .deb) and warm (from manifests) unpack times, the cache
// size, and checks the tree against `dpkg-deb -c` of every package.
#include "context.h"
#include "packages/unpack.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/subprocess.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/stat.h>

using namespace initpack;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t)
      .count();
}

// CPU seconds of this process (all threads): a figure that a busy shared
// machine disturbs less than wall time.
double cpu_seconds() {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
         (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

PackageRef ref_for(const std::string &deb) {
  PackageRef p;
  std::string base = basename(deb);
  p.name = base.substr(0, base.find('_'));
  p.version = "bench";
  p.arch = "amd64";
  std::string err;
  EXPECT_TRUE(sha256_file(deb, &p.sha256, &err)) << err;
  struct stat st;
  stat(deb.c_str(), &st);
  p.size = st.st_size;
  p.deb_path = deb;
  return p;
}

std::string du(const std::string &dir) {
  Diagnostics diag;
  RunResult r = run_command(diag, {"du", "-sh", dir});
  return r.out.substr(0, r.out.find('\t'));
}

} // namespace

TEST(RealDebs, ColdAndWarmUnpack) {
  const char *dir = getenv("INITPACK_BENCH_DEBS");
  if (!dir)
    GTEST_SKIP() << "INITPACK_BENCH_DEBS is not set";
  TempDir cache("initpack-bench");
  std::vector<PackageRef> pkgs;
  for (const std::string &name : list_dir(dir))
    if (name.size() > 4 && name.substr(name.size() - 4) == ".deb")
      pkgs.push_back(ref_for(std::string(dir) + "/" + name));

  double times[4], cpu[4];
  for (int pass = 0; pass < 4; pass++) { // cold, then warm three times
    Context ctx;
    ctx.config.cache_directory = cache.path();
    auto t0 = std::chrono::steady_clock::now();
    double c0 = cpu_seconds();
    unpack_packages(ctx, pkgs);
    times[pass] = seconds_since(t0);
    cpu[pass] = cpu_seconds() - c0;
    if (pass == 3) {
      // Every path dpkg-deb lists is in the tree (through merged /usr).
      Diagnostics diag;
      size_t checked = 0;
      for (const PackageRef &p : pkgs) {
        RunResult r = run_command(diag, {"dpkg-deb", "-c", p.deb_path});
        std::istringstream in(r.out);
        std::string line;
        while (std::getline(in, line)) {
          std::string path = line.substr(line.find("./"));
          path = path.substr(0, path.find(" -> "));
          path = path.substr(0, path.find(" link to "));
          for (size_t i = 0; (i = path.find("\\\\", i)) != std::string::npos;)
            path.erase(i++, 1); // tar's listing doubles backslashes
          std::string resolved, err;
          ASSERT_TRUE(ctx.tree.resolve(path.substr(2), false, &resolved, &err))
              << err;
          EXPECT_TRUE(resolved.empty() || ctx.tree.contains(resolved))
              << p.name << ": " << path;
          checked++;
        }
      }
      printf("checked %zu dpkg-deb -c paths\n", checked);
      printf("tree: %zu paths, %.1f MB\n", ctx.tree.size(),
             ctx.tree.content_bytes() / 1e6);
    }
  }
  printf("%zu packages: cold %.3f s (%.3f s CPU), warm %.3f s (%.3f s CPU; "
         "best of %.3f %.3f %.3f); cache %s (files %s, manifests %s)\n",
         pkgs.size(), times[0], cpu[0],
         std::min({times[1], times[2], times[3]}), cpu[3], times[1], times[2],
         times[3], du(cache.path()).c_str(),
         du(cache.path() + "/files").c_str(),
         du(cache.path() + "/unpacked").c_str());
}

TEST(RealDebs, KernelToDirectory) {
  const char *deb = getenv("INITPACK_BENCH_KERNEL_DEB");
  if (!deb)
    GTEST_SKIP() << "INITPACK_BENCH_KERNEL_DEB is not set";
  TempDir cache("initpack-bench");
  PackageRef p = ref_for(deb);
  for (int pass = 0; pass < 2; pass++) {
    Context ctx;
    ctx.config.cache_directory = cache.path();
    auto t0 = std::chrono::steady_clock::now();
    double c0 = cpu_seconds();
    std::string dir = unpack_to_directory(ctx, p);
    printf("%s: %s %.3f s (%.3f s CPU) -> %s (%s)\n", p.name.c_str(),
           pass ? "warm" : "cold", seconds_since(t0), cpu_seconds() - c0,
           dir.c_str(), du(dir).c_str());
    EXPECT_TRUE(is_directory(dir + "/lib/modules"));
  }
}
