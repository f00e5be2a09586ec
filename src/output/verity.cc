// The dm-verity on-disk format ("version 1", normal hash type), as the
// kernel's Documentation/admin-guide/device-mapper/verity.rst describes it
// and cryptsetup's veritysetup(8) writes it:
//
//   hash_offset          the verity superblock (VeritySuperBlock, 512 bytes)
//                        in a block of its own, zero-padded to 4096
//   hash_offset + 4096   the hash tree, top level first: level L-1 (one
//                        block), L-2, …, level 0 (the hashes of the data
//                        blocks). Level i holds ceil(data_blocks / 128^(i+1))
//                        blocks; each 4096-byte hash block holds 128
//                        SHA-256 digests, zero-padded at its end.
//
// A digest is SHA-256(salt || block) for data and hash blocks alike; the
// root hash is the digest of the single top-level block. L is the smallest
// number with (data_blocks - 1) >> (7 * L) == 0 (the kernel's rule), so a
// one-block image has no tree and its root hash is its block's digest.
//
// Why our own code: libcryptsetup's crypt_format() would do this, but it
// wants a block device or loop setup for some paths, pulls libdevmapper,
// and the tree is a dozen lines over OpenSSL's SHA-256.
#include "output/verity.h"

#include "util/diag.h"
#include "util/fs.h"

#include <cerrno>
#include <cstring>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <unistd.h>
#include <vector>

namespace initpack {

namespace {

constexpr uint32_t kBlock = 4096;
constexpr uint32_t kDigest = 32;
constexpr uint32_t kPerBlock = kBlock / kDigest; // 128

#pragma pack(push, 1)
struct VeritySuperBlock {
  uint8_t signature[8]; // "verity\0\0"
  uint32_t version;     // 1
  uint32_t hash_type;   // 1: normal (salt first); 0: Chrome OS
  uint8_t uuid[16];
  uint8_t algorithm[32]; // "sha256", NUL-padded
  uint32_t data_block_size;
  uint32_t hash_block_size;
  uint64_t data_blocks;
  uint16_t salt_size;
  uint8_t pad1[6];
  uint8_t salt[256];
  uint8_t pad2[168];
};
#pragma pack(pop)
static_assert(sizeof(VeritySuperBlock) == 512);

std::string hex(const std::string &bytes) {
  std::string out;
  for (unsigned char c : bytes)
    out += fmt::format("{:02x}", c);
  return out;
}

// SHA-256(salt || block), reusing one context.
class SaltedHasher {
public:
  explicit SaltedHasher(const std::string &salt)
      : ctx_(EVP_MD_CTX_new()), salt_(salt) {}
  ~SaltedHasher() { EVP_MD_CTX_free(ctx_); }
  SaltedHasher(const SaltedHasher &) = delete;
  SaltedHasher &operator=(const SaltedHasher &) = delete;

  void hash(const char *block, char *digest) {
    unsigned int len = 0;
    EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
    EVP_DigestUpdate(ctx_, salt_.data(), salt_.size());
    EVP_DigestUpdate(ctx_, block, kBlock);
    EVP_DigestFinal_ex(ctx_, reinterpret_cast<unsigned char *>(digest), &len);
  }

private:
  EVP_MD_CTX *ctx_;
  std::string salt_;
};

// The digests of every data block, read 1 MiB at a time.
bool hash_data(int fd, uint64_t blocks, SaltedHasher &hasher,
               std::string *digests, std::string *err) {
  constexpr uint64_t kChunk = 256; // blocks per read
  std::vector<char> buf(kChunk * kBlock);
  digests->resize(blocks * kDigest);
  for (uint64_t b = 0; b < blocks; b += kChunk) {
    uint64_t n = std::min(kChunk, blocks - b);
    if (!pread_all(fd, buf.data(), n * kBlock, b * kBlock, err))
      return false;
    for (uint64_t i = 0; i < n; i++)
      hasher.hash(&buf[i * kBlock], &(*digests)[(b + i) * kDigest]);
  }
  return true;
}

// The default salt: the digest of the first data block (for EROFS, the
// superblock with its metadata-derived UUID).
bool derive_salt(int fd, uint64_t data_size, std::string *salt,
                 std::string *err) {
  std::string first(kBlock, '\0');
  if (data_size && !pread_all(fd, first.data(), kBlock, 0, err))
    return false;
  SaltedHasher h("initpack-verity-salt");
  salt->resize(kDigest);
  h.hash(first.data(), salt->data());
  return true;
}

} // namespace

std::string VerityInfo::table(const std::string &data_dev,
                              const std::string &hash_dev) const {
  return fmt::format("0 {} verity 1 {} {} {} {} {} {} sha256 {} {}",
                     data_blocks * (kBlock / 512), data_dev, hash_dev, kBlock,
                     kBlock, data_blocks, (hash_offset + kBlock) / kBlock,
                     root_hash, salt);
}

bool write_verity(int data_fd, uint64_t data_size, int hash_fd,
                  uint64_t hash_offset, const VerityOptions &opts,
                  VerityInfo *out, std::string *err) {
  if (data_size == 0 || data_size % kBlock || hash_offset % kBlock) {
    *err = "verity needs a non-empty image of whole 4096-byte blocks";
    return false;
  }
  std::string salt = opts.salt;
  if (salt.size() > 256) {
    *err = "verity salt longer than 256 bytes";
    return false;
  }
  if (salt.empty() && !derive_salt(data_fd, data_size, &salt, err))
    return false;
  SaltedHasher hasher(salt);
  uint64_t data_blocks = data_size / kBlock;

  // Level 0 from the data, each further level from the one below, until
  // one block remains; the kernel's level count decides when to stop.
  int levels = 0;
  while (levels < 10 && (data_blocks - 1) >> (7 * levels))
    levels++;
  std::vector<std::string> tree(levels); // each level's hash blocks
  std::string digests;
  if (!hash_data(data_fd, data_blocks, hasher, &digests, err))
    return false;
  for (int level = 0; level < levels; level++) {
    std::string &blocks = tree[level];
    uint64_t count = (digests.size() / kDigest + kPerBlock - 1) / kPerBlock;
    blocks.assign(digests);
    blocks.resize(count * kBlock, '\0');
    digests.resize(count * kDigest);
    for (uint64_t i = 0; i < count; i++)
      hasher.hash(&blocks[i * kBlock], &digests[i * kDigest]);
  }
  // `digests` is now the root: one digest.

  VeritySuperBlock sb{};
  memcpy(sb.signature, "verity\0\0", 8);
  sb.version = 1;
  sb.hash_type = 1;
  memcpy(sb.uuid, salt.data(), std::min<size_t>(16, salt.size()));
  sb.uuid[6] = (sb.uuid[6] & 0x0f) | 0x40;
  sb.uuid[8] = (sb.uuid[8] & 0x3f) | 0x80;
  memcpy(sb.algorithm, "sha256", 6);
  sb.data_block_size = kBlock;
  sb.hash_block_size = kBlock;
  sb.data_blocks = data_blocks;
  sb.salt_size = uint16_t(salt.size());
  memcpy(sb.salt, salt.data(), salt.size());

  std::string area(kBlock, '\0');
  memcpy(area.data(), &sb, sizeof sb);
  for (int level = levels - 1; level >= 0; level--)
    area += tree[level];
  if (!pwrite_all(hash_fd, area.data(), area.size(), hash_offset, err))
    return false;

  std::string uuid = hex(std::string(reinterpret_cast<char *>(sb.uuid), 16));
  out->root_hash = hex(digests);
  out->salt = hex(salt);
  out->uuid = uuid.substr(0, 8) + "-" + uuid.substr(8, 4) + "-" +
              uuid.substr(12, 4) + "-" + uuid.substr(16, 4) + "-" +
              uuid.substr(20);
  out->data_blocks = data_blocks;
  out->hash_offset = hash_offset;
  out->hash_size = area.size();
  return true;
}

bool append_verity(int fd, uint64_t data_size, VerityInfo *out,
                   std::string *err) {
  return write_verity(fd, data_size, fd, data_size, VerityOptions{}, out, err);
}

} // namespace initpack
