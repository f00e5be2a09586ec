// Comparing the file trees two initrds unpack to (`initpack diff`).
#pragma once

#include "inspect/initrd_reader.h"

#include <string>
#include <vector>

namespace initpack {

struct InitrdChange {
  char kind = '~'; // '+' only in B, '-' only in A, '~' in both but different
  std::string path;
  struct Field {
    std::string name; // "type", "mode", "owner", "content", "target", …
    std::string old_value, new_value;
  };
  std::vector<Field> fields; // for '~'
};

struct DiffOptions {
  bool compare_mtime = false;
};

// Each side is reduced to what the kernel would leave in the initramfs: the
// last entry for each path wins. Changes come sorted by path.
std::vector<InitrdChange> diff_initrds(const std::vector<InitrdEntry> &a,
                                       const std::vector<InitrdEntry> &b,
                                       const DiffOptions &opts = {});

// "~ usr/bin/x: mode 0755 -> 4755, content 10 -> 12 bytes"
std::string format_change(const InitrdChange &c);

// "file", "dir", "symlink", "char", "block", "fifo", "socket".
std::string type_name(uint32_t mode);

} // namespace initpack
