#include "inspect/gpt_reader.h"

#include <cstring>

namespace initpack {

namespace {

// The GPT header fields this reader uses (UEFI 2.10, table 5.5).
#pragma pack(push, 1)
struct GptHeader {
  char signature[8]; // "EFI PART"
  uint32_t revision, header_size, header_crc32, reserved;
  uint64_t my_lba, alternate_lba, first_usable_lba, last_usable_lba;
  uint8_t disk_guid[16];
  uint64_t entries_lba;
  uint32_t entry_count, entry_size, entries_crc32;
};
#pragma pack(pop)
static_assert(sizeof(GptHeader) == 92);

struct GptEntry {
  uint8_t type_guid[16], unique_guid[16];
  uint64_t first_lba, last_lba, attributes;
  uint16_t name[36]; // UTF-16LE
};
static_assert(sizeof(GptEntry) == 128);

// Entries beyond this are not read: systemd-repart and fdisk write 128.
constexpr uint32_t kMaxEntries = 1024;

uint64_t sector_size(std::string_view image) {
  for (uint64_t lba : {512u, 4096u})
    if (image.size() >= lba + sizeof(GptHeader) &&
        image.compare(lba, 8, "EFI PART") == 0)
      return lba;
  return 0;
}

std::string label(const GptEntry &e) {
  std::string s;
  for (uint16_t c : e.name) {
    if (c == 0)
      break;
    s += c >= 0x20 && c < 0x7f ? char(c) : '?';
  }
  return s;
}

bool fail(const std::string &name, uint64_t off, const std::string &what,
          std::string *err) {
  *err = name + ": offset " + std::to_string(off) + ": GPT: " + what;
  return false;
}

} // namespace

bool is_gpt_disk(std::string_view image) {
  return image.size() >= 512 && uint8_t(image[510]) == 0x55 &&
         uint8_t(image[511]) == 0xaa && sector_size(image) != 0;
}

bool read_gpt(std::string_view image, const std::string &name,
              std::vector<GptPartition> *out, std::string *err) {
  out->clear();
  uint64_t lba = sector_size(image);
  if (!lba)
    return fail(name, 512, "no header", err);
  GptHeader h;
  memcpy(&h, image.data() + lba, sizeof h);
  uint64_t at = h.entries_lba * lba;
  if (h.entry_size < sizeof(GptEntry) || h.entry_size % 8 ||
      h.entry_size > 4096 || h.entry_count > kMaxEntries ||
      h.entries_lba > image.size() / lba ||
      uint64_t(h.entry_count) * h.entry_size > image.size() - at)
    return fail(name, lba,
                std::to_string(h.entry_count) + " entries of " +
                    std::to_string(h.entry_size) + " bytes at LBA " +
                    std::to_string(h.entries_lba) + " do not fit in the image",
                err);
  for (uint32_t i = 0; i < h.entry_count; i++) {
    uint64_t off = at + uint64_t(i) * h.entry_size;
    GptEntry e;
    memcpy(&e, image.data() + off, sizeof e);
    static const uint8_t kUnused[16] = {};
    if (!memcmp(e.type_guid, kUnused, sizeof kUnused))
      continue;
    if (e.first_lba > e.last_lba || e.last_lba >= image.size() / lba)
      return fail(name, off,
                  "partition " + std::to_string(i + 1) + " (LBA " +
                      std::to_string(e.first_lba) + "-" +
                      std::to_string(e.last_lba) + ") lies outside the image",
                  err);
    out->push_back({i + 1, e.first_lba * lba,
                    (e.last_lba - e.first_lba + 1) * lba, label(e)});
  }
  return true;
}

} // namespace initpack
