// systemd credentials as `initpack credential` and the image read them.
#include "codec/credential.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string_view in(reinterpret_cast<const char *>(data), size);
  std::string out, err, value;
  initpack::base64_decode(in, &out, &err);
  initpack::CredentialMetadata meta;
  initpack::decrypt_credential_null_key(in, &meta, &value, &err);
  if (!out.empty())
    initpack::decrypt_credential_null_key(out, &meta, &value, &err);
  uint64_t usec;
  initpack::parse_credential_time(in, &usec, &err);
  std::string why;
  initpack::credential_name_valid(in, &why);
  return 0;
}
