#include "util/hash.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/strings.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

namespace initpack {

struct Sha256::Impl {
  EVP_MD_CTX *ctx = nullptr;
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
  impl_->ctx = EVP_MD_CTX_new();
  if (!impl_->ctx || !EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr))
    throw FatalError("OpenSSL: cannot initialise SHA-256");
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(impl_->ctx);
}

void Sha256::update(const void *data, size_t size) {
  EVP_DigestUpdate(impl_->ctx, data, size);
}

std::string Sha256::raw() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, md, &len);
  return std::string(reinterpret_cast<char *>(md), len);
}

std::string Sha256::hex() {
  return to_hex(raw());
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex();
}

bool sha256_file(const std::string &path, std::string *hex, std::string *err) {
  Sha256 h;
  if (!read_chunks(
          path, [&h](const char *data, size_t n, size_t) { h.update(data, n); },
          err))
    return false;
  *hex = h.hex();
  return true;
}

} // namespace initpack
