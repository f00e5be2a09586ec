#include "codec/credential.h"

#include "util/hash.h"

#include <bit>
#include <charconv>
#include <cstring>
#include <ctime>
#include <memory>
#include <openssl/evp.h>

namespace initpack {

namespace {

static_assert(std::endian::native == std::endian::little,
              "the credential headers are written as they are in memory");

#pragma pack(push, 1)
struct EncryptedCredentialHeader {
  uint8_t id[16]; // which key: the host's, the TPM2's, both, or none
  uint32_t key_size;
  uint32_t block_size;
  uint32_t iv_size;
  uint32_t tag_size;
  // uint8_t iv[iv_size], then NULs up to a multiple of 8
};
static_assert(sizeof(EncryptedCredentialHeader) == 32);

struct MetadataCredentialHeader {
  uint64_t timestamp; // µs since the epoch, UINT64_MAX: none
  uint64_t not_after; // µs since the epoch, UINT64_MAX: never
  uint32_t name_size;
  // char name[name_size], then NULs up to a multiple of 8
};
static_assert(sizeof(MetadataCredentialHeader) == 20);
#pragma pack(pop)

// CRED_AES256_GCM_BY_TPM2_ABSENT in systemd's creds-util.h: the null key.
constexpr uint8_t kNullKeyId[16] = {0x05, 0x84, 0x69, 0xda, 0xf6, 0xf5,
                                    0x43, 0x24, 0x80, 0x05, 0x49, 0xda,
                                    0x0f, 0x8e, 0xa2, 0xfb};
constexpr uint32_t kKeySize = 32;  // AES-256
constexpr uint32_t kBlockSize = 1; // EVP_CIPHER_block_size() of a GCM cipher
constexpr uint32_t kIvSize = 12;   // GCM's default IV length
constexpr uint32_t kTagSize = 16;  // systemd 252 accepts only 16
constexpr size_t kNameMax = 255;   // FDNAME_MAX
constexpr size_t kFieldSizeMax = 16 * 1024; // CREDENTIAL_FIELD_SIZE_MAX

constexpr size_t align8(size_t n) {
  return (n + 7) & ~size_t(7);
}

// SHA-256 of no key material at all.
std::string null_key() {
  return Sha256().raw();
}

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX *c) const { EVP_CIPHER_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

std::string metadata_block(const CredentialMetadata &meta) {
  MetadataCredentialHeader m{meta.timestamp_usec, meta.not_after_usec,
                             uint32_t(meta.name.size())};
  std::string block(reinterpret_cast<const char *>(&m), sizeof m);
  block += meta.name;
  block.resize(align8(block.size()), '\0');
  return block;
}

// A deterministic IV: a hash of everything the credential holds, each
// field length-prefixed so that different inputs never hash alike.
std::string derived_iv(std::string_view value, std::string_view metadata) {
  Sha256 h;
  h.update("initpack credential IV v1");
  for (std::string_view part : {metadata, value}) {
    uint64_t size = part.size();
    h.update(&size, sizeof size);
    h.update(part);
  }
  return h.raw().substr(0, kIvSize);
}

bool timestamps_in_order(uint64_t timestamp, uint64_t not_after) {
  return timestamp == kCredentialNoTime || not_after == kCredentialNoTime ||
         timestamp < not_after;
}

} // namespace

bool credential_name_valid(std::string_view name, std::string *why) {
  if (name.empty() || name == "." || name == "..")
    *why = "not a file name";
  else if (name.size() > kNameMax)
    *why = "longer than 255 bytes";
  else if (name.find('/') != name.npos)
    *why = "contains '/'";
  else if (name.find(':') != name.npos)
    *why = "contains ':'";
  else {
    for (unsigned char c : name)
      if (c < ' ' || c >= 127) {
        *why = "has a byte that is not printable ASCII";
        return false;
      }
    return true;
  }
  return false;
}

bool encrypt_credential_null_key(std::string_view value,
                                 const CredentialMetadata &meta,
                                 std::string *out, std::string *err) {
  std::string why;
  if (!meta.name.empty() && !credential_name_valid(meta.name, &why)) {
    *err = "invalid credential name '" + meta.name + "': " + why;
    return false;
  }
  if (!timestamps_in_order(meta.timestamp_usec, meta.not_after_usec)) {
    *err = "the credential expires (not-after) before it is made (timestamp)";
    return false;
  }
  std::string metadata = metadata_block(meta);
  std::string iv = derived_iv(value, metadata);

  EncryptedCredentialHeader h{};
  memcpy(h.id, kNullKeyId, sizeof h.id);
  h.key_size = kKeySize;
  h.block_size = kBlockSize;
  h.iv_size = kIvSize;
  h.tag_size = kTagSize;
  std::string header(reinterpret_cast<const char *>(&h), sizeof h);
  header += iv;
  header.resize(align8(header.size()), '\0');

  std::string plain = metadata;
  plain += value;
  std::string key = null_key();
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  std::string cipher(plain.size(), '\0'), tag(kTagSize, '\0');
  int n = 0, final_n = 0;
  auto u = [](const std::string &s) {
    return reinterpret_cast<const unsigned char *>(s.data());
  };
  if (!ctx ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, u(key),
                         u(iv)) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &n, u(header),
                        int(header.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(),
                        reinterpret_cast<unsigned char *>(&cipher[0]), &n,
                        u(plain), int(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(),
                          reinterpret_cast<unsigned char *>(&cipher[0]) + n,
                          &final_n) != 1 ||
      size_t(n + final_n) != plain.size() ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, &tag[0]) !=
          1) {
    *err = "AES-256-GCM encryption failed (OpenSSL)";
    return false;
  }
  *out = header + cipher + tag;
  return true;
}

namespace {

// The header's checks, systemd's order: key type, sizes, room for the
// smallest metadata and the tag. Sets *aad_size (the header and IV).
bool check_header(std::string_view in, size_t *aad_size, std::string *err) {
  EncryptedCredentialHeader h;
  if (in.size() < sizeof h) {
    *err = "too short for a credential header";
    return false;
  }
  memcpy(&h, in.data(), sizeof h);
  if (memcmp(h.id, kNullKeyId, sizeof h.id) != 0) {
    *err = "not sealed with the null key (a host or TPM2 key: decrypt it "
           "with systemd-creds on the machine that holds that key)";
    return false;
  }
  if (h.key_size != kKeySize || h.block_size != kBlockSize ||
      h.tag_size != kTagSize || h.iv_size == 0 || h.iv_size > kFieldSizeMax) {
    *err = "unexpected key, block, IV or tag size in the header";
    return false;
  }
  *aad_size = align8(sizeof h + h.iv_size);
  if (in.size() <
      *aad_size + align8(sizeof(MetadataCredentialHeader)) + kTagSize) {
    *err = "too short for its header, metadata and tag";
    return false;
  }
  return true;
}

bool parse_metadata(std::string_view plain, CredentialMetadata *meta,
                    size_t *header_size, std::string *err) {
  MetadataCredentialHeader m;
  if (plain.size() < align8(sizeof m)) {
    *err = "metadata header incomplete";
    return false;
  }
  memcpy(&m, plain.data(), sizeof m);
  if (!timestamps_in_order(m.timestamp, m.not_after)) {
    *err = "timestamps not in order (expires before it was made)";
    return false;
  }
  if (m.name_size > kNameMax || plain.size() < align8(sizeof m + m.name_size)) {
    *err = "embedded name too long";
    return false;
  }
  std::string name(plain.substr(sizeof m, m.name_size)), why;
  if (!name.empty() && !credential_name_valid(name, &why)) {
    *err = "embedded name is invalid: " + why;
    return false;
  }
  *meta = {name, m.timestamp, m.not_after};
  *header_size = align8(sizeof m + m.name_size);
  return true;
}

} // namespace

bool decrypt_credential_null_key(std::string_view in, CredentialMetadata *meta,
                                 std::string *value, std::string *err) {
  size_t aad = 0;
  if (!check_header(in, &aad, err))
    return false;
  EncryptedCredentialHeader h;
  memcpy(&h, in.data(), sizeof h);
  std::string key = null_key();
  std::string iv(in.substr(sizeof h, h.iv_size));
  std::string_view cipher = in.substr(aad, in.size() - aad - kTagSize);
  std::string tag(in.substr(in.size() - kTagSize));
  std::string plain(cipher.size(), '\0');
  auto u = [](std::string_view s) {
    return reinterpret_cast<const unsigned char *>(s.data());
  };
  auto *o = reinterpret_cast<unsigned char *>(&plain[0]);
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int n = 0, final_n = 0;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr,
                         nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, int(h.iv_size),
                          nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, u(key), u(iv)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &n, u(in), int(aad)) != 1 ||
      EVP_DecryptUpdate(ctx.get(), o, &n, u(cipher), int(cipher.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, &tag[0]) !=
          1) {
    *err = "AES-256-GCM decryption failed (OpenSSL)";
    return false;
  }
  if (EVP_DecryptFinal_ex(ctx.get(), o + n, &final_n) != 1) {
    *err = "the GCM tag does not match: the credential is damaged or altered";
    return false;
  }
  plain.resize(size_t(n + final_n));
  size_t header_size = 0;
  if (!parse_metadata(plain, meta, &header_size, err))
    return false;
  *value = plain.substr(header_size);
  return true;
}

std::string base64_encode(std::string_view data, size_t line_width) {
  std::string raw(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(&raw[0]),
                          reinterpret_cast<const unsigned char *>(data.data()),
                          int(data.size()));
  raw.resize(size_t(n));
  if (line_width == 0)
    return raw + "\n";
  std::string out;
  for (size_t i = 0; i < raw.size(); i += line_width)
    out += raw.substr(i, line_width) + "\n";
  return out;
}

bool base64_decode(std::string_view text, std::string *out, std::string *err) {
  std::string compact;
  for (char c : text)
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
      compact += c;
  if (compact.size() % 4 != 0) {
    *err = "not Base64 (length is not a multiple of 4)";
    return false;
  }
  std::string raw(compact.size() / 4 * 3, '\0');
  int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char *>(&raw[0]),
                      reinterpret_cast<const unsigned char *>(compact.data()),
                      int(compact.size()));
  if (n < 0) {
    *err = "not Base64";
    return false;
  }
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t pad = 0;
  for (size_t i = compact.size(); i > 0 && compact[i - 1] == '=' && pad < 2;
       --i)
    ++pad;
  raw.resize(size_t(n) - pad);
  *out = std::move(raw);
  return true;
}

namespace {

// "@SECONDS": digits only (sscanf alone would take a sign or blanks).
bool parse_epoch(const std::string &s, unsigned long long *seconds) {
  if (s.size() < 2 || s[0] != '@' ||
      s.find_first_not_of("0123456789", 1) != std::string::npos ||
      s.size() > 21)
    return false;
  // 20 digits may still exceed 2^64 (found by the fuzzer: stoull threw).
  auto [end, ec] = std::from_chars(s.data() + 1, s.data() + s.size(), *seconds);
  return ec == std::errc() && end == s.data() + s.size();
}

// "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS", "YYYY-MM-DDTHH:MM:SS[Z]", in UTC.
// Returns 0 when `s` has none of these forms, -1 when the date is invalid.
int parse_utc_date(const std::string &s, unsigned long long *seconds) {
  struct tm tm {};
  char sep = 0;
  int used = 0;
  bool date_only = sscanf(s.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon,
                          &tm.tm_mday, &used) == 3 &&
                   size_t(used) == s.size();
  bool date_time = !date_only &&
                   sscanf(s.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d%n", &tm.tm_year,
                          &tm.tm_mon, &tm.tm_mday, &sep, &tm.tm_hour,
                          &tm.tm_min, &tm.tm_sec, &used) == 7 &&
                   (sep == ' ' || sep == 'T') &&
                   (size_t(used) == s.size() ||
                    (size_t(used) + 1 == s.size() && s.back() == 'Z'));
  if (!date_only && !date_time)
    return 0;
  if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31 ||
      tm.tm_hour < 0 || tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 ||
      tm.tm_sec < 0 || tm.tm_sec > 60 || tm.tm_year < 1970)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  *seconds = static_cast<unsigned long long>(timegm(&tm));
  return 1;
}

} // namespace

bool parse_credential_time(std::string_view text, uint64_t *usec,
                           std::string *err) {
  std::string s(text);
  if (s == "infinity") {
    *usec = kCredentialNoTime;
    return true;
  }
  unsigned long long seconds = 0;
  if (!parse_epoch(s, &seconds)) {
    int r = parse_utc_date(s, &seconds);
    if (r <= 0) {
      *err = r < 0 ? "'" + s + "' is not a valid date and time"
                   : "'" + s +
                         "' is not a time: give @SECONDS, YYYY-MM-DD, "
                         "\"YYYY-MM-DD HH:MM:SS\" (UTC) or infinity";
      return false;
    }
  }
  if (seconds > (kCredentialNoTime - 1) / 1000000) {
    *err = "'" + s + "' is too far in the future";
    return false;
  }
  *usec = uint64_t(seconds) * 1000000;
  return true;
}

} // namespace initpack
