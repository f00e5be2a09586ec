// CPU microcode for the kernel's early loader: an uncompressed cpio placed
// before the main archive, holding kernel/x86/microcode/GenuineIntel.bin
// and AuthenticAMD.bin, each the concatenation of the vendor's files from
// intel-microcode and amd64-microcode (Debian's non-free-firmware).
#pragma once

#include "output/output.h"

namespace initpack {

struct Context;
class Tree;

// The early cpio's files from a tree holding the microcode packages'
// lib/firmware/intel-ucode/* and lib/firmware/amd-ucode/*.bin. Empty when
// the tree has none.
EarlyCpio microcode_cpio(const Tree &tree);

// The pass: resolves, fetches and unpacks the microcode packages into a
// tree of their own (they are not part of the image) and returns the early
// cpio. Fatal when the archive has no such packages (non-free-firmware not
// in Repositories=).
EarlyCpio prepare_microcode(Context &ctx);

} // namespace initpack
