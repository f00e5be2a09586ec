// Signed root hash (roothash_sig.h), with OpenSSL's PKCS7_sign: the one
// library that already signs for us (sbsign uses it too).
#include "output/roothash_sig.h"

#include <memory>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

namespace initpack {

namespace {

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return e ? buf : "unknown OpenSSL error";
}

template <class T, void (*Free)(T *)> struct Deleter {
  void operator()(T *p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Pkcs7 = std::unique_ptr<PKCS7, Deleter<PKCS7, PKCS7_free>>;

} // namespace

bool sign_root_hash(const std::string &root_hash_hex,
                    const std::string &key_path, const std::string &cert_path,
                    std::string *der, std::string *err) {
  Bio key_bio(BIO_new_file(key_path.c_str(), "r"));
  Key key(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr,
                                            nullptr)
                  : nullptr);
  if (!key) {
    *err = key_path + ": not a readable PEM private key: " + openssl_error();
    return false;
  }
  Bio cert_bio(BIO_new_file(cert_path.c_str(), "r"));
  Cert cert(cert_bio
                ? PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr)
                : nullptr);
  if (!cert) {
    *err = cert_path + ": not a readable PEM certificate: " + openssl_error();
    return false;
  }
  Bio data(BIO_new_mem_buf(root_hash_hex.data(), int(root_hash_hex.size())));
  Pkcs7 p7(
      PKCS7_sign(cert.get(), key.get(), nullptr, data.get(),
                 PKCS7_DETACHED | PKCS7_BINARY | PKCS7_NOATTR | PKCS7_NOCERTS));
  if (!p7) {
    *err =
        "cannot sign the root hash with " + key_path + ": " + openssl_error();
    return false;
  }
  unsigned char *out = nullptr;
  int len = i2d_PKCS7(p7.get(), &out);
  if (len <= 0) {
    *err = "cannot encode the root hash signature: " + openssl_error();
    return false;
  }
  der->assign(reinterpret_cast<char *>(out), size_t(len));
  OPENSSL_free(out);
  return true;
}

} // namespace initpack
