#include "packages/download.h"

#include "config/config.h"
#include "util/diag.h"
#include "util/hash.h"

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <curl/curl.h>
#include <deque>
#include <fcntl.h>
#include <fmt/format.h>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

namespace initpack {

using Clock = std::chrono::steady_clock;

bool is_transient_http_status(long status) {
  return status == 408 || status == 429 || status >= 500;
}

namespace {

struct Transfer {
  size_t index = 0;
  const DownloadRequest *req = nullptr;
  DownloadResult *res = nullptr;
  CURL *easy = nullptr;
  int fd = -1;
  uint64_t offset = 0; // bytes already in the .part file when started
  bool resume_allowed = true;
  Clock::time_point ready_at;
  char errbuf[CURL_ERROR_SIZE] = {};
  std::string write_error;
  // Set when initpack itself cut the transfer (oversize, stall, deadline).
  std::string abort_reason;
  bool abort_transient = false;
  long stall_timeout = 0, deadline = 0;
  Clock::time_point started, window_start;
  curl_off_t window_bytes = 0; // received when window_start was set
  uint64_t attempt_bytes = 0;  // received in this attempt
};

std::string part_path(const DownloadRequest &r) {
  return r.dest + ".part";
}

int64_t file_size(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

// The most bytes the part file may hold, or -1 for no limit.
int64_t byte_limit(const DownloadRequest &r) {
  return r.size >= 0 ? r.size : r.max_size;
}

std::string oversize_message(const DownloadRequest &r) {
  if (r.size >= 0)
    return fmt::format("{}: server sent more than the {} bytes {} promises",
                       r.url, r.size,
                       r.size_source.empty() ? "the index" : r.size_source);
  return fmt::format("{}: server sent more than {} bytes (the limit for {})",
                     r.url, r.max_size, r.label);
}

size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata) {
  auto *t = static_cast<Transfer *>(userdata);
  size_t n = size * nmemb;
  size_t done = 0;
  // Refuse before writing: what reaches the disk never exceeds the limit.
  int64_t limit = byte_limit(*t->req);
  if (limit >= 0 &&
      static_cast<int64_t>(t->offset + t->attempt_bytes + n) > limit) {
    t->abort_reason = oversize_message(*t->req);
    t->abort_transient = false;
    return 0;
  }
  while (done < n) {
    ssize_t w = ::write(t->fd, ptr + done, n - done);
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0) {
      t->write_error = std::strerror(errno);
      return 0; // makes curl fail the transfer with CURLE_WRITE_ERROR
    }
    done += w;
  }
  t->res->bytes += n;
  t->attempt_bytes += n;
  return n;
}

// Called by curl about once a second even when no data arrives: enforces
// the stall and deadline limits with messages that say what happened.
int on_progress(void *clientp, curl_off_t, curl_off_t dlnow, curl_off_t,
                curl_off_t) {
  auto *t = static_cast<Transfer *>(clientp);
  auto now = Clock::now();
  if (dlnow - t->window_bytes >= 1024) {
    t->window_start = now;
    t->window_bytes = dlnow;
  }
  auto secs = [&](Clock::time_point since) {
    return std::chrono::duration<double>(now - since).count();
  };
  if (t->stall_timeout > 0 && secs(t->window_start) >= t->stall_timeout) {
    t->abort_reason =
        fmt::format("{}: no progress for {} s", t->req->url, t->stall_timeout);
    t->abort_transient = true;
    return 1;
  }
  if (t->deadline > 0 && secs(t->started) >= t->deadline) {
    t->abort_reason =
        fmt::format("{}: not complete after {} s (DownloadTimeout=)",
                    t->req->url, t->deadline);
    t->abort_transient = false;
    return 1;
  }
  return 0;
}

// Owns the multi handle and the queues; one run of download_files().
class Downloader {
public:
  Downloader(Diagnostics &diag, const DownloadOptions &opts)
      : diag_(diag), opts_(opts) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    multi_ = curl_multi_init();
    curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS,
                      static_cast<long>(opts.connections));
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                      static_cast<long>(opts.connections));
    show_progress_ = opts.progress && isatty(2);
  }
  ~Downloader() { curl_multi_cleanup(multi_); }

  std::vector<DownloadResult> run(const std::vector<DownloadRequest> &reqs);

private:
  bool start(Transfer &t, std::string *err);
  void finish(Transfer &t, CURLcode code);
  void retry_or_fail(Transfer &t, const std::string &why, bool transient,
                     bool keep_part);
  bool verify_and_install(Transfer &t, std::string *why, bool *corrupt);
  void print_progress(bool final);

  Diagnostics &diag_;
  DownloadOptions opts_;
  CURLM *multi_;
  std::deque<Transfer *> queue_;
  std::vector<Transfer *> delayed_;
  int active_ = 0;
  size_t finished_ = 0, total_ = 0;
  uint64_t bytes_expected_ = 0;
  std::vector<DownloadResult> *results_ = nullptr;
  bool show_progress_ = false;
  Clock::time_point started_ = Clock::now(), last_progress_;
};

bool Downloader::start(Transfer &t, std::string *err) {
  const DownloadRequest &r = *t.req;
  std::string part = part_path(r);
  int64_t have = t.resume_allowed ? file_size(part) : -1;
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC;
  if (have > 0 && (r.size < 0 || have < r.size)) {
    t.offset = have;
    flags |= O_APPEND;
  } else {
    t.offset = 0;
    flags |= O_TRUNC;
  }
  t.fd = ::open(part.c_str(), flags, 0644);
  if (t.fd < 0) {
    *err = "cannot create " + part + ": " + std::strerror(errno);
    return false;
  }
  t.res->attempts++;
  t.res->resumed = t.res->resumed || t.offset > 0;
  t.write_error.clear();
  t.abort_reason.clear();
  t.abort_transient = false;
  t.attempt_bytes = 0;
  t.stall_timeout = opts_.stall_timeout;
  t.deadline = opts_.deadline_seconds;
  t.started = t.window_start = Clock::now();
  t.window_bytes = 0;
  t.easy = curl_easy_init();
  CURL *e = t.easy;
  curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_data);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(e, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errbuf);
  curl_easy_setopt(e, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, opts_.max_redirects);
  // A mirror may redirect to another mirror, never to a local file.
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_FILETIME, 1L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "initpack/" INITPACK_VERSION);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, opts_.connect_timeout);
  curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(e, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(e, CURLOPT_RESUME_FROM_LARGE,
                   static_cast<curl_off_t>(t.offset));
  if (r.if_modified_since > 0 && t.offset == 0) {
    curl_easy_setopt(e, CURLOPT_TIMECONDITION, CURL_TIMECOND_IFMODSINCE);
    curl_easy_setopt(e, CURLOPT_TIMEVALUE_LARGE,
                     static_cast<curl_off_t>(r.if_modified_since));
  }
  Log(diag_) << "GET " << r.url
             << (t.offset ? fmt::format(" (resuming at byte {})", t.offset)
                          : "");
  curl_multi_add_handle(multi_, e);
  active_++;
  return true;
}

void Downloader::retry_or_fail(Transfer &t, const std::string &why,
                               bool transient, bool keep_part) {
  if (!keep_part)
    ::unlink(part_path(*t.req).c_str());
  t.resume_allowed = keep_part;
  if (transient && t.res->attempts <= opts_.retries) {
    double delay = opts_.backoff_seconds * std::pow(2, t.res->attempts - 1);
    Log(diag_) << why << "; retrying in " << delay << " s";
    t.ready_at = Clock::now() +
                 std::chrono::milliseconds(static_cast<long>(delay * 1000));
    delayed_.push_back(&t);
    return;
  }
  t.res->ok = false;
  t.res->error = why;
  if (t.res->attempts > 1)
    t.res->error += fmt::format(" (after {} attempts)", t.res->attempts);
  finished_++;
}

bool Downloader::verify_and_install(Transfer &t, std::string *why,
                                    bool *corrupt) {
  const DownloadRequest &r = *t.req;
  std::string part = part_path(r);
  int64_t size = file_size(part);
  *corrupt = false;
  if (r.size >= 0 && size != r.size) {
    *why =
        fmt::format("{}: got {} bytes, the index says {}", r.url, size, r.size);
    *corrupt = size > r.size;
    return false;
  }
  if (!r.sha256.empty()) {
    std::string got, err;
    if (!sha256_file(part, &got, &err)) {
      *why = err;
      return false;
    }
    if (got != r.sha256) {
      *why = fmt::format("{}: SHA256 mismatch: expected {}, got {}", r.url,
                         r.sha256, got);
      *corrupt = true;
      return false;
    }
  }
  if (::rename(part.c_str(), r.dest.c_str()) < 0) {
    *why = "cannot rename " + part + ": " + std::strerror(errno);
    return false;
  }
  return true;
}

void Downloader::finish(Transfer &t, CURLcode code) {
  long status = 0;
  curl_easy_getinfo(t.easy, CURLINFO_RESPONSE_CODE, &status);
  long unmet = 0;
  curl_easy_getinfo(t.easy, CURLINFO_CONDITION_UNMET, &unmet);
  curl_off_t filetime = -1;
  curl_easy_getinfo(t.easy, CURLINFO_FILETIME_T, &filetime);
  std::string curl_msg = t.errbuf[0] ? t.errbuf : curl_easy_strerror(code);
  curl_multi_remove_handle(multi_, t.easy);
  curl_easy_cleanup(t.easy);
  t.easy = nullptr;
  ::close(t.fd);
  t.fd = -1;
  active_--;
  t.res->http_status = status;
  if (filetime > 0)
    t.res->last_modified = static_cast<time_t>(filetime);

  const std::string &url = t.req->url;
  if (code == CURLE_OK && (unmet || status == 304)) {
    ::unlink(part_path(*t.req).c_str());
    t.res->ok = t.res->not_modified = true;
    finished_++;
    return;
  }
  if (code == CURLE_OK ||
      (code == CURLE_HTTP_RETURNED_ERROR && status == 416 && t.offset > 0)) {
    // 416 after a resume: the part file may already be complete.
    std::string why;
    bool corrupt;
    if (verify_and_install(t, &why, &corrupt)) {
      t.res->ok = true;
      finished_++;
      return;
    }
    // Too short: the connection ended early; resume. Wrong bytes: start over.
    retry_or_fail(t, why, true, !corrupt);
    return;
  }
  if (!t.abort_reason.empty()) {
    // Oversize and deadline: the part is not worth keeping; a stall is.
    retry_or_fail(t, t.abort_reason, t.abort_transient, t.abort_transient);
    return;
  }
  if (code == CURLE_TOO_MANY_REDIRECTS) {
    retry_or_fail(t,
                  fmt::format("{}: more than {} redirects (a redirect loop?)",
                              url, opts_.max_redirects),
                  false, false);
    return;
  }
  if (code == CURLE_WRITE_ERROR && !t.write_error.empty()) {
    retry_or_fail(t, "cannot write " + part_path(*t.req) + ": " + t.write_error,
                  false, false);
    return;
  }
  if (code == CURLE_RANGE_ERROR) {
    // The server cannot resume: start this file again from byte 0.
    retry_or_fail(t, url + ": server cannot resume", true, false);
    return;
  }
  if (code == CURLE_HTTP_RETURNED_ERROR) {
    retry_or_fail(t, fmt::format("{}: HTTP {}", url, status),
                  is_transient_http_status(status), false);
    return;
  }
  bool transient = code == CURLE_COULDNT_CONNECT ||
                   code == CURLE_OPERATION_TIMEDOUT ||
                   code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR ||
                   code == CURLE_SEND_ERROR || code == CURLE_GOT_NOTHING ||
                   code == CURLE_COULDNT_RESOLVE_HOST;
  retry_or_fail(t, url + ": " + curl_msg, transient, true);
}

void Downloader::print_progress(bool final) {
  if (!show_progress_)
    return;
  auto now = Clock::now();
  if (!final && now - last_progress_ < std::chrono::milliseconds(100))
    return;
  last_progress_ = now;
  uint64_t got = 0;
  for (const DownloadResult &r : *results_)
    got += r.bytes;
  double secs = std::chrono::duration<double>(now - started_).count();
  std::string line =
      fmt::format("{} {}/{}", opts_.progress_title, finished_, total_);
  if (bytes_expected_)
    line += fmt::format("  {:.1f}/{:.1f} MB", got / 1e6, bytes_expected_ / 1e6);
  if (secs > 0.2)
    line += fmt::format("  {:.1f} MB/s", got / 1e6 / secs);
  std::lock_guard lock(diag_.mu);
  fprintf(stderr, "\r\033[K%s%s", line.c_str(), final ? "\n" : "");
}

std::vector<DownloadResult>
Downloader::run(const std::vector<DownloadRequest> &reqs) {
  std::vector<DownloadResult> results(reqs.size());
  std::vector<Transfer> transfers(reqs.size());
  results_ = &results;
  total_ = reqs.size();
  for (size_t i = 0; i < reqs.size(); i++) {
    transfers[i].index = i;
    transfers[i].req = &reqs[i];
    transfers[i].res = &results[i];
    queue_.push_back(&transfers[i]);
    if (reqs[i].size > 0)
      bytes_expected_ += reqs[i].size;
  }
  while (finished_ < total_) {
    auto now = Clock::now();
    for (auto it = delayed_.begin(); it != delayed_.end();) {
      if ((*it)->ready_at <= now) {
        queue_.push_back(*it);
        it = delayed_.erase(it);
      } else {
        ++it;
      }
    }
    while (active_ < opts_.connections && !queue_.empty()) {
      Transfer *t = queue_.front();
      queue_.pop_front();
      std::string err;
      if (!start(*t, &err)) {
        t->res->error = err;
        finished_++;
      }
    }
    int running = 0;
    curl_multi_perform(multi_, &running);
    int left = 0;
    while (CURLMsg *m = curl_multi_info_read(multi_, &left)) {
      if (m->msg != CURLMSG_DONE)
        continue;
      Transfer *t = nullptr;
      curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &t);
      finish(*t, m->data.result);
    }
    print_progress(false);
    if (finished_ >= total_)
      break;
    int wait_ms = 200;
    for (Transfer *t : delayed_) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    t->ready_at - Clock::now())
                    .count();
      wait_ms = std::max<int>(0, std::min<int>(wait_ms, ms));
    }
    if (active_ > 0)
      curl_multi_poll(multi_, nullptr, 0, wait_ms, nullptr);
    else if (wait_ms > 0)
      usleep(wait_ms * 1000);
  }
  print_progress(true);
  return results;
}

} // namespace

DownloadOptions download_options(const Config &cfg) {
  DownloadOptions opts;
  opts.connections = std::max(1, cfg.download_connections);
  opts.deadline_seconds = cfg.download_timeout;
  opts.stall_timeout = cfg.download_stall_timeout;
  return opts;
}

std::vector<DownloadResult>
download_files(Diagnostics &diag, const std::vector<DownloadRequest> &requests,
               const DownloadOptions &opts) {
  if (requests.empty())
    return {};
  Downloader d(diag, opts);
  return d.run(requests);
}

} // namespace initpack
