#include "packages/download.h"

#include "http_server_fixture.h"
#include "util/hash.h"

#include <chrono>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <set>

using namespace initpack;

namespace {

class DownloadTest : public ::testing::Test {
protected:
  void SetUp() override {
    for (int i = 0; i < 6; i++) {
      std::string data(200000 + i * 1000, static_cast<char>('a' + i));
      data += std::to_string(i);
      files_.push_back(data);
      std::string err;
      ASSERT_TRUE(
          write_file(srv_dir_.path() + "/f" + std::to_string(i), data, &err));
    }
    server_ = std::make_unique<test::HttpServer>(srv_dir_.path());
    opts_.backoff_seconds = 0.05;
  }

  DownloadRequest req(int i, bool with_sha = true) {
    DownloadRequest r;
    r.url = server_->url() + "/f" + std::to_string(i);
    r.dest = out_dir_.path() + "/f" + std::to_string(i);
    if (with_sha) {
      r.sha256 = sha256_hex(files_[i]);
      r.size = files_[i].size();
    }
    return r;
  }

  std::string read(const std::string &path) {
    std::string data, err;
    EXPECT_TRUE(read_file(path, &data, &err)) << err;
    return data;
  }

  Diagnostics diag_;
  DownloadOptions opts_;
  TempDir srv_dir_{"initpack-srv"}, out_dir_{"initpack-out"};
  std::vector<std::string> files_;
  std::unique_ptr<test::HttpServer> server_;
};

TEST_F(DownloadTest, FetchesAllInParallelAndVerifies) {
  std::vector<DownloadRequest> reqs;
  for (int i = 0; i < 6; i++)
    reqs.push_back(req(i));
  opts_.connections = 3;
  auto res = download_files(diag_, reqs, opts_);
  std::set<std::string> peers;
  for (int i = 0; i < 6; i++) {
    EXPECT_TRUE(res[i].ok) << res[i].error;
    EXPECT_EQ(read(reqs[i].dest), files_[i]);
  }
  for (auto &r : server_->requests(6))
    peers.insert(r["peer"].get<std::string>());
  EXPECT_GE(peers.size(), 2u) << "expected several connections";
  EXPECT_LE(peers.size(), 6u);
}

TEST_F(DownloadTest, NotFoundFailsAtOnceNamingTheUrl) {
  DownloadRequest r = req(0);
  r.url = server_->url() + "/missing";
  auto res = download_files(diag_, {r}, opts_);
  EXPECT_FALSE(res[0].ok);
  EXPECT_EQ(res[0].attempts, 1);
  EXPECT_EQ(res[0].error, r.url + ": HTTP 404");
  EXPECT_FALSE(file_exists(r.dest));
  EXPECT_FALSE(file_exists(r.dest + ".part"));
}

TEST_F(DownloadTest, RetriesServerErrorsWithBackoff) {
  server_->fault(R"({"path":"f1","action":"status","code":503,"times":2})");
  auto res = download_files(diag_, {req(1)}, opts_);
  EXPECT_TRUE(res[0].ok) << res[0].error;
  EXPECT_EQ(res[0].attempts, 3);
}

TEST_F(DownloadTest, ResumesATransferCutMidway) {
  server_->fault(R"({"path":"f2","action":"cut","after":50000})");
  auto res = download_files(diag_, {req(2)}, opts_);
  ASSERT_TRUE(res[0].ok) << res[0].error;
  EXPECT_TRUE(res[0].resumed);
  EXPECT_EQ(read(req(2).dest), files_[2]);
  auto log = server_->requests(2);
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[1]["range"], "bytes=50000-");
  EXPECT_EQ(log[1]["status"], 206);
}

TEST_F(DownloadTest, ChecksumMismatchIsRefusedAndLeavesNoFile) {
  DownloadRequest r = req(3);
  r.sha256 = sha256_hex("something else");
  opts_.retries = 1;
  auto res = download_files(diag_, {r}, opts_);
  EXPECT_FALSE(res[0].ok);
  EXPECT_NE(res[0].error.find("SHA256 mismatch"), std::string::npos)
      << res[0].error;
  EXPECT_FALSE(file_exists(r.dest));
  EXPECT_FALSE(file_exists(r.dest + ".part"));
}

TEST_F(DownloadTest, ServerDownIsAnErrorAfterBoundedRetries) {
  DownloadRequest r = req(4);
  r.url = "http://127.0.0.1:1/f4"; // nothing listens on port 1
  opts_.retries = 2;
  auto res = download_files(diag_, {r}, opts_);
  EXPECT_FALSE(res[0].ok);
  EXPECT_EQ(res[0].attempts, 3);
  EXPECT_NE(res[0].error.find("127.0.0.1:1"), std::string::npos)
      << res[0].error;
  EXPECT_FALSE(file_exists(r.dest));
}

TEST_F(DownloadTest, ContinuesAPartFileLeftByAnEarlierRun) {
  DownloadRequest r = req(5);
  std::string err;
  ASSERT_TRUE(write_file(r.dest + ".part", files_[5].substr(0, 1234), &err));
  auto res = download_files(diag_, {r}, opts_);
  ASSERT_TRUE(res[0].ok) << res[0].error;
  EXPECT_EQ(read(r.dest), files_[5]);
  EXPECT_EQ(server_->requests().at(0)["range"], "bytes=1234-");
}

// Hostile servers: what reaches the disk is bounded by what the signed
// metadata promised, a stalled or trickling transfer ends with a message
// that says so, and the file already in place is never touched.
class HostileDownloadTest : public DownloadTest {
protected:
  // dest holds an earlier good copy that a failed download must keep.
  DownloadRequest with_old_copy(DownloadRequest r) {
    std::string err;
    EXPECT_TRUE(write_file(r.dest, "old copy", &err)) << err;
    return r;
  }
  void expect_old_copy_only(const DownloadRequest &r) {
    EXPECT_EQ(read(r.dest), "old copy");
    EXPECT_FALSE(file_exists(r.dest + ".part"));
  }
};

TEST_F(HostileDownloadTest, MoreThanThePromisedSizeIsCutAtOnce) {
  server_->fault(R"({"path":"f0","action":"extra","extra":100000000})");
  DownloadRequest r = with_old_copy(req(0));
  r.size_source = "Packages";
  auto res = download_files(diag_, {r}, opts_);
  EXPECT_FALSE(res[0].ok);
  EXPECT_EQ(res[0].error,
            fmt::format("{}: server sent more than the {} bytes Packages "
                        "promises",
                        r.url, files_[0].size()));
  EXPECT_EQ(res[0].attempts, 1) << "a hostile server is not retried";
  EXPECT_LE(res[0].bytes, files_[0].size());
  expect_old_copy_only(r);
}

TEST_F(HostileDownloadTest, AnEndlessBodyStopsAtTheLimit) {
  server_->fault(R"({"path":"f1","action":"endless"})");
  DownloadRequest r = with_old_copy(req(1, false));
  r.max_size = 300000;
  r.label = "an InRelease";
  auto res = download_files(diag_, {r}, opts_);
  EXPECT_FALSE(res[0].ok);
  EXPECT_EQ(res[0].error, r.url + ": server sent more than 300000 bytes (the "
                                  "limit for an InRelease)");
  EXPECT_LE(res[0].bytes, 300000u);
  expect_old_copy_only(r);
}

TEST_F(HostileDownloadTest, AStallIsCutAndNamed) {
  server_->fault(
      R"({"path":"f2","action":"stall","after":100,"seconds":60,"times":9})");
  DownloadRequest r = with_old_copy(req(2));
  opts_.stall_timeout = 2;
  opts_.retries = 1;
  auto start = std::chrono::steady_clock::now();
  auto res = download_files(diag_, {r}, opts_);
  double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  EXPECT_FALSE(res[0].ok);
  EXPECT_EQ(res[0].error, r.url + ": no progress for 2 s (after 2 attempts)");
  EXPECT_LT(secs, 15);
  EXPECT_EQ(read(r.dest), "old copy");
  // The stalled part is kept for a later resume, and holds what was sent.
  EXPECT_EQ(read(r.dest + ".part"), files_[2].substr(0, 200));
}

TEST_F(HostileDownloadTest, ATrickleEndsAtTheDeadline) {
  // 2 KiB/s passes a low-speed limit of 1 KiB/s; the deadline ends it.
  server_->fault(R"({"path":"f3","action":"trickle","rate":2048})");
  DownloadRequest r = with_old_copy(req(3));
  opts_.stall_timeout = 2;
  opts_.deadline_seconds = 3;
  auto res = download_files(diag_, {r}, opts_);
  EXPECT_FALSE(res[0].ok);
  EXPECT_EQ(res[0].error,
            r.url + ": not complete after 3 s (DownloadTimeout=)");
  EXPECT_EQ(res[0].attempts, 1);
  EXPECT_LE(res[0].bytes, 5 * 2048u);
  expect_old_copy_only(r);
}

TEST_F(HostileDownloadTest, ARedirectLoopIsBounded) {
  server_->fault(R"({"path":"f4","action":"redirect","times":1000})");
  DownloadRequest r = with_old_copy(req(4));
  auto res = download_files(diag_, {r}, opts_);
  EXPECT_FALSE(res[0].ok);
  EXPECT_EQ(res[0].error,
            r.url + ": more than 10 redirects (a redirect loop?)");
  EXPECT_EQ(server_->requests(11).size(), 11u);
  expect_old_copy_only(r);
}

} // namespace
