// UEFI boots for `initpack qemu`: OVMF firmware (package ovmf) in pflash,
// its variable store, SecureBoot, and an EFI system partition (ESP) made
// from a directory or a UKI without mounting anything (mkfs.fat + mcopy,
// packages dosfstools and mtools).
#pragma once

#include <string>
#include <vector>

namespace initpack {

struct Context;
struct QemuOptions;
class TempDir;

inline constexpr const char *kOvmfCode = "/usr/share/OVMF/OVMF_CODE_4M.fd";
inline constexpr const char *kOvmfSecureBootCode =
    "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd";
inline constexpr const char *kOvmfVars = "/usr/share/OVMF/OVMF_VARS_4M.fd";

// What a UEFI boot adds to the qemu command line, prepared in `dir`.
struct UefiFiles {
  std::string code; // read-only firmware
  std::string vars; // writable variable store
  std::string esp;  // FAT image, attached as the last disk; may be empty
};

// True when opts asks for a UEFI boot (--uefi, --firmware, --uki, --esp,
// --secure-boot).
bool wants_uefi(const QemuOptions &opts);

// Checks the UEFI options (Error for each problem, reported together).
void check_uefi_options(Context &ctx, const QemuOptions &opts);

// Copies the variable store template unless --firmware-vars names the file
// to use (and keep), and builds the ESP image. Fatal on failure.
UefiFiles prepare_uefi(Context &ctx, const QemuOptions &opts,
                       const TempDir &dir);

// The qemu arguments for the firmware and the ESP.
std::vector<std::string> uefi_args(const QemuOptions &opts,
                                   const UefiFiles &files);

// A FAT image at `image` holding the files below `dir` (sized to fit).
void make_esp_image(Context &ctx, const std::string &dir,
                    const std::string &image);

} // namespace initpack
