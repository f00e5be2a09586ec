// A minimal PE32+ image for the PE and UKI tests: DOS header, one section
// at 0x1000 (by default .text, code).
#pragma once

#include "output/pe.h"

#include <cstdint>
#include <cstring>
#include <string>

namespace initpack {

inline PeImage tiny_pe(const std::string &data = "hello",
                       const std::string &name = ".text",
                       uint32_t characteristics = 0x60000020) {
  PeImage img;
  img.dos.assign(0x40, '\0');
  img.dos[0] = 'M';
  img.dos[1] = 'Z';
  uint32_t lfanew = 0x40;
  memcpy(img.dos.data() + 0x3c, &lfanew, 4);
  img.coff.machine = 0x8664;
  img.coff.size_of_optional_header = sizeof(OptionalHeader64);
  img.coff.characteristics = 0x206;
  img.opt.magic = 0x20b;
  img.opt.section_alignment = 0x1000;
  img.opt.file_alignment = 0x200;
  img.opt.subsystem = 10;
  img.opt.number_of_rva_and_sizes = 16;
  PeSection s;
  s.name = name;
  s.virtual_address = 0x1000;
  s.virtual_size = uint32_t(data.size());
  s.characteristics = characteristics;
  s.data = data;
  img.sections.push_back(s);
  return img;
}

} // namespace initpack
