// fetch_packages() against the real local HTTP server (127.0.0.1 only):
// parallel downloads, tampered and cut transfers, a dead server, a corrupt
// cache, and --offline.
#include "packages/fetch.h"

#include "deb_fixture.h"
#include "http_server_fixture.h"
#include "packages/cache.h"
#include "packages/unpack.h"

#include <chrono>
#include <gtest/gtest.h>
#include <set>
#include <thread>

using namespace initpack;

namespace {

class FetchTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pool = srv_.path() + "/pool";
    for (int i = 0; i < 6; i++) {
      std::string name = "p" + std::to_string(i);
      // ~100 KB that does not compress, so transfers take a little while.
      std::string deb = test::make_deb(pool, name, "1.0",
                                       "mkdir -p usr/share/" + name +
                                           "\nhead -c 100000 /dev/urandom > "
                                           "usr/share/" +
                                           name + "/data",
                                       "gzip");
      PackageRef p = test::ref_for(deb, name);
      p.deb_path.clear();
      pkgs_.push_back(p);
      served_.push_back(test::read_all(deb));
    }
    server_ = std::make_unique<test::HttpServer>(srv_.path());
    for (PackageRef &p : pkgs_)
      p.url = server_->url() + "/pool/" + p.name + "_1.0_all.deb";
    ctx_ = new_ctx();
  }

  std::unique_ptr<Context> new_ctx() {
    auto ctx = std::make_unique<Context>();
    ctx->config.cache_directory = cache_.path();
    ctx->config.download_connections = 4;
    return ctx;
  }

  // Runs fetch_packages; returns stderr plus the fatal error, if any.
  std::string fetch(Context &ctx, std::vector<PackageRef> &pkgs,
                    bool *failed = nullptr) {
    ::testing::internal::CaptureStderr();
    std::string what;
    try {
      fetch_packages(ctx, pkgs);
    } catch (const FatalError &e) {
      what = e.what();
    }
    if (failed)
      *failed = !what.empty();
    return ::testing::internal::GetCapturedStderr() + what;
  }

  std::vector<std::string> requested_paths(size_t at_least = 0) {
    std::vector<std::string> paths;
    for (auto &r : server_->requests(at_least))
      paths.push_back(r["path"].get<std::string>());
    return paths;
  }

  TempDir srv_{"initpack-srv"}, cache_{"initpack-cache"};
  std::vector<PackageRef> pkgs_;
  std::vector<std::string> served_;
  std::unique_ptr<test::HttpServer> server_;
  std::unique_ptr<Context> ctx_;
  PackageCache cache{cache_.path()};
};

TEST_F(FetchTest, FetchesInParallelIntoTheCache) {
  bool failed;
  std::string out = fetch(*ctx_, pkgs_, &failed);
  ASSERT_FALSE(failed) << out;
  for (size_t i = 0; i < pkgs_.size(); i++) {
    EXPECT_EQ(pkgs_[i].deb_path, cache.deb_path(pkgs_[i].sha256));
    EXPECT_EQ(test::read_all(pkgs_[i].deb_path), served_[i]);
    struct stat st;
    ASSERT_EQ(stat(pkgs_[i].deb_path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0444u) << "not sealed";
    EXPECT_EQ(st.st_mtim.tv_sec, kSealedMtime) << "not sealed";
  }
  std::set<std::string> peers;
  for (auto &r : server_->requests(6))
    peers.insert(r["peer"].get<std::string>());
  EXPECT_GE(peers.size(), 2u) << "expected several connections";
  EXPECT_LE(peers.size(), 4u) << "more connections than configured";

  unpack_packages(*ctx_, pkgs_);
  EXPECT_EQ(ctx_->tree.find("usr/share/p5/data")->origin, "p5");
}

TEST_F(FetchTest, OneDebNamedTwiceIsFetchedOnce) {
  std::vector<PackageRef> twice = {pkgs_[0], pkgs_[0]};
  twice[1].name = "p0-again";
  ASSERT_EQ(fetch(*ctx_, twice), "");
  EXPECT_EQ(twice[0].deb_path, twice[1].deb_path);
  EXPECT_EQ(test::read_all(twice[1].deb_path), served_[0]);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(requested_paths(1).size(), 1u);
}

TEST_F(FetchTest, TamperedDebIsRefused) {
  std::string served = srv_.path() + "/pool/p1_1.0_all.deb";
  test::flip_byte(served, 1000);
  std::vector<PackageRef> one = {pkgs_[1]};
  bool failed;
  std::string out = fetch(*ctx_, one, &failed);
  EXPECT_TRUE(failed);
  EXPECT_NE(out.find("cannot fetch p1 1.0: " + pkgs_[1].url +
                     ": SHA256 mismatch: expected " + pkgs_[1].sha256),
            std::string::npos)
      << out;
  EXPECT_EQ(list_dir(cache_.path() + "/debs"), std::vector<std::string>{});
  EXPECT_TRUE(one[0].deb_path.empty());
}

TEST_F(FetchTest, CutTransferIsResumedAndVerified) {
  server_->fault(
      R"({"path":"pool/p2_1.0_all.deb","action":"cut","after":20000})");
  std::vector<PackageRef> one = {pkgs_[2]};
  bool failed;
  std::string out = fetch(*ctx_, one, &failed);
  ASSERT_FALSE(failed) << out;
  EXPECT_EQ(test::read_all(one[0].deb_path), served_[2]);
  auto log = server_->requests(2);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1]["range"], "bytes=20000-");
  EXPECT_EQ(log[1]["status"], 206);
}

TEST_F(FetchTest, ServerDownIsAClearErrorInBoundedTime) {
  std::vector<PackageRef> one = {pkgs_[0]};
  one[0].url = "http://127.0.0.1:1/pool/p0_1.0_all.deb"; // nothing listens
  auto start = std::chrono::steady_clock::now();
  bool failed;
  std::string out = fetch(*ctx_, one, &failed);
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  EXPECT_TRUE(failed);
  EXPECT_LT(secs, 20);
  EXPECT_NE(out.find("cannot fetch p0 1.0: " + one[0].url), std::string::npos)
      << out;
  EXPECT_NE(out.find("1 error, stopping"), std::string::npos) << out;
}

TEST_F(FetchTest, CorruptCachedDebIsFetchedAgain) {
  ASSERT_EQ(fetch(*ctx_, pkgs_), "");
  size_t before = server_->requests(6).size();
  test::flip_byte(pkgs_[3].deb_path, 500);
  auto ctx = new_ctx();
  std::vector<PackageRef> again = pkgs_;
  std::string out = fetch(*ctx, again);
  EXPECT_NE(out.find("p3 1.0: cached .deb is corrupt (" + pkgs_[3].deb_path +
                     ": SHA256 mismatch"),
            std::string::npos)
      << out;
  EXPECT_EQ(test::read_all(again[3].deb_path), served_[3]);
  auto paths = requested_paths(before + 1);
  ASSERT_EQ(paths.size(), before + 1) << "only the corrupt one is fetched";
  EXPECT_EQ(paths.back(), "/pool/p3_1.0_all.deb");
}

TEST_F(FetchTest, OfflineNamesEveryMissingPackage) {
  ASSERT_EQ(fetch(*ctx_, pkgs_), "");
  ::unlink(pkgs_[0].deb_path.c_str());
  ::unlink(pkgs_[4].deb_path.c_str());
  size_t before = server_->requests(6).size();
  auto ctx = new_ctx();
  ctx->config.offline = true;
  std::vector<PackageRef> again = pkgs_;
  bool failed;
  std::string out = fetch(*ctx, again, &failed);
  EXPECT_TRUE(failed);
  EXPECT_NE(out.find("offline, and 2 packages are not in the cache " +
                     cache_.path() + ":\n  p0 1.0 (" + pkgs_[0].url +
                     ")\n  p4 1.0 (" + pkgs_[4].url + ")"),
            std::string::npos)
      << out;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(requested_paths().size(), before);
}

TEST_F(FetchTest, OfflineWithEverythingCachedMakesNoRequest) {
  ASSERT_EQ(fetch(*ctx_, pkgs_), "");
  size_t before = server_->requests(6).size();
  auto ctx = new_ctx();
  ctx->config.offline = true;
  std::vector<PackageRef> again = pkgs_;
  for (PackageRef &p : again)
    p.deb_path.clear();
  ASSERT_EQ(fetch(*ctx, again), "");
  unpack_packages(*ctx, again);
  EXPECT_TRUE(ctx->tree.contains("usr/share/p0/data"));
  EXPECT_EQ(again[2].deb_path, cache.deb_path(again[2].sha256));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(requested_paths().size(), before);
}

} // namespace
