// What `initpack inspect` shows of a UKI: its section table, like
// objdump -h, with the profile each section belongs to, and the initrd the
// stub hands the kernel (.ucode, then .initrd), listed like any initrd.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct UkiSectionInfo {
  std::string name;
  uint32_t address = 0; // virtual address
  uint32_t size = 0;    // bytes the loader maps from the file
  int profile = -1;     // -1: a base section; N: in the N-th .profile's
  std::string detail;   // .profile's ID=, .cmdline/.uname text, else ""
};

struct UkiContents {
  std::vector<UkiSectionInfo> sections;
  std::string initrd; // .ucode + .initrd of the base
};

// True when `bytes` (the file's head) start like a PE image: "MZ", and
// "PE\0\0" where the DOS header points. Anything else is read as an initrd
// (whose reader explains what is wrong with it).
bool looks_like_pe(std::string_view bytes);

// Reads a UKI's sections and initrd; fails (with the reason in *err) on a
// broken PE image or one without an .initrd section.
bool read_uki_contents(std::string_view bytes, UkiContents *out,
                       std::string *err);

} // namespace initpack
