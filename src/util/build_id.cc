#include "util/build_id.h"

#include "util/strings.h"

#include <cstring>
#include <elf.h>
#include <link.h>

namespace initpack {

namespace {

// Notes are 4-byte aligned in the PT_NOTE segments of x86-64 programs.
size_t align4(size_t n) {
  return (n + 3) & ~size_t(3);
}

std::string build_id_in(const char *notes, size_t size) {
  size_t at = 0;
  while (at + sizeof(ElfW(Nhdr)) <= size) {
    ElfW(Nhdr) h;
    std::memcpy(&h, notes + at, sizeof h);
    size_t name_at = at + sizeof h;
    size_t desc_at = name_at + align4(h.n_namesz);
    size_t next = desc_at + align4(h.n_descsz);
    if (next > size)
      break;
    if (h.n_type == NT_GNU_BUILD_ID && h.n_namesz == 4 &&
        std::memcmp(notes + name_at, "GNU", 4) == 0)
      return to_hex(std::string_view(notes + desc_at, h.n_descsz));
    at = next;
  }
  return "";
}

// dl_iterate_phdr visits the program itself first.
int first_object(struct dl_phdr_info *info, size_t, void *data) {
  auto *out = static_cast<std::string *>(data);
  for (int i = 0; i < info->dlpi_phnum && out->empty(); i++) {
    const ElfW(Phdr) &ph = info->dlpi_phdr[i];
    if (ph.p_type == PT_NOTE)
      *out = build_id_in(
          reinterpret_cast<const char *>(info->dlpi_addr + ph.p_vaddr),
          ph.p_memsz);
  }
  return 1;
}

} // namespace

std::string program_build_id() {
  static const std::string id = [] {
    std::string out;
    dl_iterate_phdr(first_object, &out);
    return out;
  }();
  return id;
}

} // namespace initpack
