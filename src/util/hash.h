// SHA-256 through OpenSSL's EVP interface: archive checksums, cache keys.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace initpack {

class Sha256 {
public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256 &) = delete;
  Sha256 &operator=(const Sha256 &) = delete;
  void update(const void *data, size_t size);
  void update(std::string_view s) { update(s.data(), s.size()); }
  std::string hex(); // finishes the digest
  std::string raw(); // 32 bytes; finishes the digest

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string sha256_hex(std::string_view data);
// Empty optional-like: returns false and sets *err when the file can't be read.
bool sha256_file(const std::string &path, std::string *hex, std::string *err);

} // namespace initpack
