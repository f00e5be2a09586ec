// CPU microcode for the kernel's early loader: an uncompressed cpio placed
// before the main archive, holding kernel/x86/microcode/GenuineIntel.bin
// and AuthenticAMD.bin, each the concatenation of the vendor's files from
// intel-microcode and amd64-microcode (Debian's non-free-firmware).
#pragma once

#include <string>
#include <vector>

namespace initpack {

struct Context;
class Tree;

// The processor a hostonly image is for, from /proc/cpuinfo.
struct CpuId {
  std::string vendor; // "GenuineIntel", "AuthenticAMD"
  int family = 0, model = 0, stepping = 0;
};
bool parse_cpuinfo(const std::string &text, CpuId *out);

// One file for the kernel's early loader, kernel/x86/microcode/VENDOR.bin;
// output/initrd.h writes them as the early cpio.
struct MicrocodeFile {
  std::string path;
  std::string data;
};
struct Microcode {
  std::vector<MicrocodeFile> files;
};

// The early loader's files from a tree holding the microcode packages'
// lib/firmware/intel-ucode/* and lib/firmware/amd-ucode/*.bin; with `cpu`,
// only that processor's file (intel-ucode/FF-MM-SS, or amd-ucode's
// microcode_amd_famXXh.bin), as dracut does in hostonly mode. Empty when
// the tree has none.
// On a file that cannot be read: no files and *err set.
Microcode select_microcode(const Tree &tree, const CpuId *cpu,
                           std::string *err);

// The microcode packages (the driver resolves, fetches and unpacks them into
// a tree of their own: they are not part of the image).
inline const std::vector<std::string> kMicrocodePackages = {"intel-microcode",
                                                            "amd64-microcode"};

// The pass over that tree: every vendor's microcode, or with
// ctx.config.hostonly this processor's only (from proc_root/cpuinfo).
// Fatal when a generic image would get none.
Microcode choose_microcode(Context &ctx, const Tree &packages);

} // namespace initpack
