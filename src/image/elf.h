// The little of an ELF file the consistency check needs: the program
// interpreter (PT_INTERP), the libraries it needs (DT_NEEDED) and where it
// asks ld.so to look for them (DT_RUNPATH, DT_RPATH).
//
// Format: the System V gABI, "Program Header" and "Dynamic Section"
// (https://refspecs.linuxfoundation.org/elf/gabi4+/contents.html); the
// structs are glibc's <elf.h>. A reader of our own rather than libelf or
// libbfd: those would be a new dependency (and libbfd an unstable ABI) for
// three tables read from files we already have open, and this one reads
// only the bytes it needs through pread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace initpack {

struct ElfInfo {
  bool is_64 = false;
  uint16_t machine = 0; // e_machine: EM_X86_64, …
  uint16_t type = 0;    // ET_EXEC, ET_DYN, ET_REL, …
  std::string interp;   // "/lib64/ld-linux-x86-64.so.2", or empty
  std::vector<std::string> needed;
  std::vector<std::string> runpath; // DT_RUNPATH, else DT_RPATH, split at ':'
  // File ranges (offset, size) of the loadable segments that are neither
  // executable nor writable: .rodata, where string literals live (ld's
  // -z separate-code, the default on x86-64, keeps code out of them).
  std::vector<std::pair<uint64_t, uint64_t>> read_only;
};

// Reads `size` bytes at `offset` into *out; false when the file is shorter.
using ReadAt =
    std::function<bool(uint64_t offset, size_t size, std::string *out)>;

// True when `head` (the file's first bytes) starts with the ELF magic.
bool is_elf(const std::string &head);

// Parses a little-endian ELF32 or ELF64 file. Returns false with *err set
// ("truncated program headers", …) when the file is not a well-formed ELF.
bool read_elf(const ReadAt &read, ElfInfo *out, std::string *err);

} // namespace initpack
