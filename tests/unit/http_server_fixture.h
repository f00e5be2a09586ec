// Starts tests/lib/http_server.py (a real HTTP server on 127.0.0.1) for a
// unit test: serves a directory, injects faults, and records requests.
#pragma once

#include "util/diag.h"
#include "util/fs.h"
#include "util/subprocess.h"

#include <algorithm>
#include <csignal>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace initpack::test {

class HttpServer {
public:
  explicit HttpServer(const std::string &root) {
    port_file_ = tmp_.path() + "/port";
    log_file_ = tmp_.path() + "/log";
    pid_ = fork();
    if (pid_ == 0) {
      std::string script = INITPACK_SOURCE_DIR "/tests/lib/http_server.py";
      execlp("python3", "python3", script.c_str(), root.c_str(),
             port_file_.c_str(), log_file_.c_str(), "--lifetime", "300",
             nullptr);
      _exit(127);
    }
    std::string port, err;
    for (int i = 0; i < 200 && !read_file(port_file_, &port, &err); i++)
      usleep(25000);
    url_ = "http://127.0.0.1:" + port;
  }
  ~HttpServer() {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  const std::string &url() const { return url_; }

  // e.g. fault(R"({"path":"a.deb","action":"cut","after":100})")
  void fault(const std::string &json) {
    Diagnostics diag;
    run_command(diag, {"curl", "-fsS", "-X", "POST", "--data", json,
                       url_ + "/_control"});
  }

  // The request log. The server writes a line after it has sent the body,
  // which can be just after the client is done: wait (bounded) for at least
  // `at_least` lines.
  std::vector<nlohmann::json> requests(size_t at_least = 1) const {
    std::string data, err;
    std::vector<nlohmann::json> out;
    for (int i = 0; i < 100; i++) {
      if (read_file(log_file_, &data, &err) &&
          static_cast<size_t>(std::count(data.begin(), data.end(), '\n')) >=
              at_least)
        break;
      usleep(20000);
    }
    size_t start = 0, nl;
    while ((nl = data.find('\n', start)) != std::string::npos) {
      out.push_back(nlohmann::json::parse(data.substr(start, nl - start)));
      start = nl + 1;
    }
    return out;
  }

private:
  TempDir tmp_{"initpack-http"};
  std::string port_file_, log_file_, url_;
  pid_t pid_ = -1;
};

} // namespace initpack::test
