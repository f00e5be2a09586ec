// dm-verity hash trees, compatible with veritysetup(8): the kernel checks
// every block read from an image against a Merkle tree whose root hash is
// given on the device-mapper table, so a changed byte anywhere makes the
// read fail. Format described in verity.cc.
#pragma once

#include <cstdint>
#include <string>

namespace initpack {

struct VerityOptions {
  // Raw salt bytes (at most 256). Empty: derived from the first data
  // block, so the same image gets the same tree and root hash.
  std::string salt;
};

struct VerityInfo {
  std::string root_hash;    // hex, 64 characters (SHA-256)
  std::string salt;         // hex
  std::string uuid;         // the verity superblock's, "xxxxxxxx-xxxx-…"
  uint64_t data_blocks = 0; // 4096-byte blocks covered
  uint64_t hash_offset = 0; // where the verity superblock starts
  uint64_t hash_size = 0;   // superblock block + hash tree, in bytes
  // The dm-verity table line for a device holding data and hash area
  // (`dmsetup create --table`), with DEV standing for the device.
  std::string table(const std::string &data_dev,
                    const std::string &hash_dev) const;
};

// Hashes the first `data_size` bytes of `data_fd` (a multiple of 4096) and
// writes the verity superblock and hash tree to `hash_fd` at `hash_offset`
// (4096-aligned). Same fd and hash_offset == data_size: the tree appended
// to the image, as `veritysetup format IMG IMG --hash-offset=SIZE` does.
bool write_verity(int data_fd, uint64_t data_size, int hash_fd,
                  uint64_t hash_offset, const VerityOptions &opts,
                  VerityInfo *out, std::string *err);

// The appended form: hash area right after the data in the same file.
bool append_verity(int fd, uint64_t data_size, VerityInfo *out,
                   std::string *err);

} // namespace initpack
