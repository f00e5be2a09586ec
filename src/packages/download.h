// Parallel HTTP downloads with libcurl's multi interface: several
// connections at once, retries with backoff on transient errors, resume of
// partial files where the server allows it, SHA-256 verification before a
// file is renamed into place, and a progress line on a terminal.
#pragma once

#include <cstdint>
#include <ctime>
#include <string>
#include <vector>

namespace initpack {

struct Config;
struct Diagnostics;

struct DownloadRequest {
  std::string url;
  // Final path. Data goes to dest + ".part" and is renamed to dest only when
  // complete and (if sha256 is set) verified. A ".part" left by an earlier
  // run is resumed.
  std::string dest;
  std::string sha256; // expected hex digest; empty: not checked here
  int64_t size = -1;  // expected size; -1: unknown
  // Who promised `size` ("Release", "Packages"): a server that sends more is
  // cut off at once, naming it. When size is unknown, max_size (if >= 0) is
  // the most accepted, a documented limit rather than a promise.
  std::string size_source;
  int64_t max_size = -1;
  std::string label; // for progress and errors, e.g. "systemd 252.39-1"
  // Conditional GET: when the server says the resource has not changed
  // since this time, dest is left alone and DownloadResult::not_modified set.
  time_t if_modified_since = 0;
};

struct DownloadResult {
  bool ok = false;
  bool not_modified = false;
  std::string error; // why it failed, naming the URL
  long http_status = 0;
  uint64_t bytes = 0; // bytes received over the network
  int attempts = 0;
  bool resumed = false; // a transfer continued a partial file
  time_t last_modified = 0;
};

struct DownloadOptions {
  int connections = 8;
  int retries = 3;              // extra attempts after a transient failure
  double backoff_seconds = 0.5; // first delay, doubled on each retry
  long connect_timeout = 15;    // seconds
  // Abort a transfer that receives under 1 KiB in this many seconds ("no
  // progress"; retried, resuming), or that is not complete after
  // deadline_seconds (not retried: a server that trickles would otherwise
  // hold a build forever). 0: no deadline.
  long stall_timeout = 30;
  long deadline_seconds = 0;
  long max_redirects = 10;
  bool progress = false; // a progress line on stderr (TTY only)
  std::string progress_title = "Downloading";
};

// apt's Acquire::MaxReleaseFileSize: an InRelease has no signed size, so
// this is the most initpack reads of one.
constexpr int64_t kMaxInReleaseBytes = 10'000'000;

// The options every download shares, from the [Build] settings
// (DownloadConnections=, DownloadTimeout=, DownloadStallTimeout=).
DownloadOptions download_options(const Config &cfg);

// Downloads every request; results are in request order. Never throws for
// network problems: each result says what went wrong.
std::vector<DownloadResult>
download_files(Diagnostics &diag, const std::vector<DownloadRequest> &requests,
               const DownloadOptions &opts);

// True when transient: worth retrying (connection problems, timeouts, cut
// transfers, HTTP 408/429/5xx).
bool is_transient_http_status(long status);

} // namespace initpack
