// The partition table of a GPT disk image, so `inspect` can read a sysext
// or confext .raw made as a disk (systemd-repart, mkosi): an EROFS
// partition beside its verity partitions. Only what finding the
// partitions needs is read: the header (at LBA 1, with 512- or 4096-byte
// sectors) and its entries; checksums are not verified (the EROFS reader
// checks what it reads). Spec: UEFI 2.10, section 5.3.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct GptPartition {
  uint32_t number = 0; // 1-based, as fdisk and the kernel count
  uint64_t offset = 0, size = 0;
  std::string name; // its label; characters beyond ASCII become '?'
};

// True when `image` has a protective MBR and a GPT header after it.
bool is_gpt_disk(std::string_view image);

// The used entries, in table order. Fails, naming the image and the
// offset, when the table or a partition lies outside the image.
bool read_gpt(std::string_view image, const std::string &name,
              std::vector<GptPartition> *out, std::string *err);

} // namespace initpack
