// Writes the image Tree as a deterministic "newc" cpio archive, the format
// the kernel unpacks into the initramfs (format described in
// cpio_writer.cc).
#pragma once

#include "codec/compress.h"
#include "image/tree.h"

#include <cstdint>
#include <string>
#include <vector>

namespace initpack {

struct CpioOptions {
  uint32_t mtime = 0; // every entry's mtime (SOURCE_DATE_EPOCH)
};

// Writes every path of `tree` in sorted order (parents before children; the
// root as "."), then the TRAILER!!! entry, padded to 512 bytes. Does not
// call out.finish(), so archives can be concatenated into one stream.
bool write_cpio(const Tree &tree, Sink &out, const CpioOptions &opts,
                std::string *err);

// A cpio holding just these regular files and their parent directories
// (0755 root:root): the early microcode archive, extra members.
struct CpioFile {
  std::string path;
  std::string data;
  uint32_t mode = 0100644;
};
bool write_cpio_files(const std::vector<CpioFile> &files, Sink &out,
                      const CpioOptions &opts, std::string *err);

} // namespace initpack
