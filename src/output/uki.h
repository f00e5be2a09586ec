// Unified kernel images (Format=uki) and PE addons, assembled from
// systemd-stub by our PE writer (output/pe.h).
//
// A UKI is systemd-stub with the boot's parts as extra PE sections (UAPI
// Group, "Unified Kernel Image (UKI)",
// https://uapi-group.org/specifications/specs/unified_kernel_image/):
//   .osrel    os-release of the image            .cmdline  kernel command line
//   .uname    uname -r of the kernel             .splash   a BMP shown on boot
//   .sbat     SBAT revocation data (the stub's, merged with the kernel's)
//   .ucode    early microcode cpio (stub >= 256; older stubs get it prepended
//             to .initrd, where the kernel finds it just as well)
//   .initrd   the initrd                         .linux    the kernel, last
// An addon is systemd's addon stub carrying only .cmdline (and, from stub
// 258 on, .initrd/.ucode); systemd-stub >= 254 applies the addons found in
// <uki>.extra.d/*.addon.efi.
#pragma once

#include "output/pe.h"

#include <string>
#include <string_view>

namespace initpack {

struct Context;

inline constexpr const char *kDefaultStub =
    "/usr/lib/systemd/boot/efi/linuxx64.efi.stub";
inline constexpr const char *kDefaultAddonStub =
    "/usr/lib/systemd/boot/efi/addonx64.efi.stub";

// systemd's version of a stub (its "LoaderInfo: systemd-stub 252…"
// string), 0 when not found.
int stub_version(const PeImage &stub);

struct UkiParts {
  std::string linux_image; // a PE kernel (x86 bzImage with EFI stub)
  std::string initrd;
  std::string ucode; // early cpio; empty: none
  std::string cmdline, osrel, uname, splash;
};

// Adds the parts to `stub` (parsed from the stub file) in ukify's order.
// Empty parts are left out. Fails on a stub that already carries one of the
// sections, or on a .ucode the stub cannot use.
bool assemble_uki(PeImage &stub, const UkiParts &parts, std::string *err);

// An addon from systemd's addon stub: .cmdline (and .initrd, .ucode when
// given), plus an .sbat naming the addon for revocation.
bool assemble_addon(PeImage &addon_stub, const std::string &cmdline,
                    const std::string &initrd, const std::string &ucode,
                    std::string *err);

// Format=uki: ctx.tree becomes a UKI at ctx.config.output, signed when
// SecureBootKey= is set, with a signing request beside it for SignLater=.
// `early` is the microcode cpio, when Microcode= is on.
struct EarlyCpio;
void write_uki(Context &ctx, const EarlyCpio *early);

} // namespace initpack
