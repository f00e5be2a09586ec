// CPU microcode for the kernel's early loader: an uncompressed cpio placed
// before the main archive, holding kernel/x86/microcode/GenuineIntel.bin
// and AuthenticAMD.bin, each the concatenation of the vendor's files from
// intel-microcode and amd64-microcode (Debian's non-free-firmware).
#pragma once

#include "output/output.h"

namespace initpack {

struct Context;
class Tree;

// The processor a hostonly image is for, from /proc/cpuinfo.
struct CpuId {
  std::string vendor; // "GenuineIntel", "AuthenticAMD"
  int family = 0, model = 0, stepping = 0;
};
bool parse_cpuinfo(const std::string &text, CpuId *out);

// The early cpio's files from a tree holding the microcode packages'
// lib/firmware/intel-ucode/* and lib/firmware/amd-ucode/*.bin; with `cpu`,
// only that processor's file (intel-ucode/FF-MM-SS, or amd-ucode's
// microcode_amd_famXXh.bin), as dracut does in hostonly mode. Empty when
// the tree has none.
EarlyCpio microcode_cpio(const Tree &tree, const CpuId *cpu = nullptr);

// The pass: resolves, fetches and unpacks the microcode packages into a
// tree of their own (they are not part of the image) and returns the early
// cpio. Fatal when the archive has no such packages (non-free-firmware not
// in Repositories=).
EarlyCpio prepare_microcode(Context &ctx);

} // namespace initpack
